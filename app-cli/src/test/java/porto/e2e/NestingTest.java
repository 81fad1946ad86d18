package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The manual's nesting rules on a real kernel: 16 levels and not one more, operations on a
 * subtree in order, a parent's namespaces, root and limits bounding everything below it.
 */
class NestingTest extends PortodTest {
    private static String state(String name) throws Exception {
        return get(name, "state");
    }

    @Test
    void sixteenLevelsRunAndASeventeenthIsRefused() throws Exception {
        List<String> names = new ArrayList<>();
        String name = "n1";
        for (int level = 1; level <= 16; level++) {
            names.add(name);
            ok("create", name);
            name = name + "/n" + (level + 1);
        }
        fails("InvalidValue (container name has more than 16 levels", "create", name);
        String leaf = names.get(15);
        ok("set", leaf, "command", "ps -o pid,args");
        ok("start", leaf);
        ok("wait", leaf);
        for (String n : names.subList(0, 15))
            assertEquals("meta", state(n), n + " was started as a meta container for the leaf");
        String[] ps = ok("get", leaf, "stdout").out().strip().split("\n");
        assertEquals(2, ps.length, "the leaf sees only itself: " + String.join("\n", ps));
        assertTrue(ps[1].trim().startsWith("1 "), ps[1]);
        ok("stop", "n1");
        for (String n : names)
            assertEquals("stopped", state(n));
        ok("destroy", "n1");
        assertTrue(portod.cgroupsEmpty(), "no cgroup is left behind");
    }

    @Test
    void pauseAndResumeTakeTheWholeSubtree() throws Exception {
        ok("run", "pz", "command=sleep 1000");
        ok("run", "pz/a", "command=sleep 1000", "isolate=false");
        ok("create", "pz/m");
        ok("run", "pz/m/b", "command=sleep 1000");
        ok("pause", "pz");
        for (String n : List.of("pz", "pz/a", "pz/m", "pz/m/b"))
            assertEquals("paused", state(n), n);
        assertEquals("FROZEN", Files.readString(Path.of("/sys/fs/cgroup/freezer", portod.cgroupRoot, "pz/m/b/freezer.state")).strip(),
                "the grandchild's cgroup is frozen");
        fails("InvalidState", "resume", "pz/a");
        ok("resume", "pz");
        assertEquals(List.of("running", "running", "meta", "running"),
                List.of(state("pz"), state("pz/a"), state("pz/m"), state("pz/m/b")));
        ok("destroy", "pz");
    }

    @Test
    void theDeathOfAParentKillsEverythingBelow() throws Exception {
        ok("run", "kp", "command=sleep 1000");
        ok("run", "kp/c", "command=sleep 1000");
        ok("run", "kp/c/g", "command=sleep 1000", "isolate=false");
        long child = Long.parseLong(get("kp/c", "root_pid"));
        long grandchild = Long.parseLong(get("kp/c/g", "root_pid"));
        ok("kill", "kp", "9");
        ok("wait", "kp");
        assertEquals(List.of("dead", "dead", "dead"), List.of(state("kp"), state("kp/c"), state("kp/c/g")));
        assertFalse(alive(child) || alive(grandchild), "the subtree's tasks are gone");
        fails("InvalidState", "start", "kp/c");
        ok("destroy", "kp");
        assertTrue(portod.cgroupsEmpty(), "no cgroup is left behind");
    }

    @Test
    void aNestedTaskSharesTheCgroupsItsParentLimits() throws Exception {
        ok("create", "lim");
        ok("set", "lim", "memory_limit", "256M");
        ok("run", "lim/c", "command=sleep 1000");
        String pid = get("lim/c", "root_pid");
        String cgroups = Files.readString(Path.of("/proc", pid, "cgroup"));
        String parent = "/" + portod.cgroupRoot + "/lim";
        assertTrue(cgroups.lines().anyMatch(l -> l.matches("\\d+:memory:" + parent)), "memory of the parent: " + cgroups);
        assertTrue(cgroups.lines().anyMatch(l -> l.matches("\\d+:devices:" + parent)), "devices of the parent: " + cgroups);
        assertTrue(cgroups.lines().anyMatch(l -> l.matches("\\d+:freezer:" + parent + "/c")), "its own freezer: " + cgroups);
        ok("destroy", "lim");
    }

    @Test
    void childrenLiveInsideTheirParentsRoot() throws Exception {
        try (Rootfs root = Rootfs.with("ls", "sleep", "cat")) {
            root.addUnder("sub", "cat");
            root.write("sub/where", "in sub\n");
            ok("run", "jail", "command=sleep 1000", "root=" + root);
            // An isolated child gets new namespaces, but inside its parent's filesystem.
            List<String> seen = List.of(output("jail/kid", "command=ls /").split("\n"));
            assertTrue(seen.contains("sub") && !seen.contains("usr"), seen.toString());
            // A child's root is a path in its parent's filesystem.
            assertEquals("in sub", output("jail/sub", "command=cat /where", "root=/sub"));
            assertEquals("/", get("jail/kid", "cwd"), "its working directory defaults to its parent's root");
            ok("destroy", "jail");
        }
    }

    @Test
    void withoutIsolationTheEnvironmentIsInherited() throws Exception {
        ok("run", "envp", "command=sleep 1000", "env=FROM_PARENT=yes");
        assertEquals("yes", output("envp/shared", "command=sh -c 'echo $FROM_PARENT'", "isolate=false"));
        assertEquals("", output("envp/own", "command=sh -c 'echo $FROM_PARENT'"));
        ok("destroy", "envp");
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}

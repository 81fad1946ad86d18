package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The manual's nesting rules on a real kernel: 16 levels and not one more, operations on a
 * subtree in order, a parent's namespaces, root and limits bounding everything below it.
 */
class NestingTest {
    static Portod portod;
    static Cli cli;

    @BeforeAll
    static void up() throws Exception {
        portod = Portod.start();
        cli = new Cli(portod);
    }

    @AfterAll
    static void down() throws Exception {
        if (portod != null)
            portod.close();
    }

    private static String state(String name) throws Exception {
        return cli.get(name, "state");
    }

    @Test
    void sixteenLevelsRunAndASeventeenthIsRefused() throws Exception {
        List<String> names = new ArrayList<>();
        String name = "n1";
        for (int level = 1; level <= 16; level++) {
            names.add(name);
            cli.ok("create", name);
            name = name + "/n" + (level + 1);
        }
        cli.fails("InvalidValue (container name has more than 16 levels", "create", name);
        String leaf = names.get(15);
        cli.ok("set", leaf, "command", "ps -o pid,args");
        cli.ok("start", leaf);
        cli.ok("wait", leaf);
        for (String n : names.subList(0, 15))
            assertEquals("meta", state(n), n + " was started as a meta container for the leaf");
        String[] ps = cli.ok("get", leaf, "stdout").out().strip().split("\n");
        assertEquals(2, ps.length, "the leaf sees only itself: " + String.join("\n", ps));
        assertTrue(ps[1].trim().startsWith("1 "), ps[1]);
        cli.ok("stop", "n1");
        for (String n : names)
            assertEquals("stopped", state(n));
        cli.ok("destroy", "n1");
        assertTrue(portod.cgroupsEmpty(), "no cgroup is left behind");
    }

    @Test
    void pauseAndResumeTakeTheWholeSubtree() throws Exception {
        cli.ok("run", "pz", "command=sleep 1000");
        cli.ok("run", "pz/a", "command=sleep 1000", "isolate=false");
        cli.ok("create", "pz/m");
        cli.ok("run", "pz/m/b", "command=sleep 1000");
        cli.ok("pause", "pz");
        for (String n : List.of("pz", "pz/a", "pz/m", "pz/m/b"))
            assertEquals("paused", state(n), n);
        assertEquals("FROZEN", Files.readString(Path.of("/sys/fs/cgroup/freezer", portod.cgroupRoot, "pz/m/b/freezer.state")).strip(),
                "the grandchild's cgroup is frozen");
        cli.fails("InvalidState", "resume", "pz/a");
        cli.ok("resume", "pz");
        assertEquals(List.of("running", "running", "meta", "running"),
                List.of(state("pz"), state("pz/a"), state("pz/m"), state("pz/m/b")));
        cli.ok("destroy", "pz");
    }

    @Test
    void theDeathOfAParentKillsEverythingBelow() throws Exception {
        cli.ok("run", "kp", "command=sleep 1000");
        cli.ok("run", "kp/c", "command=sleep 1000");
        cli.ok("run", "kp/c/g", "command=sleep 1000", "isolate=false");
        long child = Long.parseLong(cli.get("kp/c", "root_pid"));
        long grandchild = Long.parseLong(cli.get("kp/c/g", "root_pid"));
        cli.ok("kill", "kp", "9");
        cli.ok("wait", "kp");
        assertEquals(List.of("dead", "dead", "dead"), List.of(state("kp"), state("kp/c"), state("kp/c/g")));
        assertFalse(alive(child) || alive(grandchild), "the subtree's tasks are gone");
        cli.fails("InvalidState", "start", "kp/c");
        cli.ok("destroy", "kp");
        assertTrue(portod.cgroupsEmpty(), "no cgroup is left behind");
    }

    @Test
    void aNestedTaskSharesTheCgroupsItsParentLimits() throws Exception {
        cli.ok("create", "lim");
        cli.ok("set", "lim", "memory_limit", "256M");
        cli.ok("run", "lim/c", "command=sleep 1000");
        String pid = cli.get("lim/c", "root_pid");
        String cgroups = Files.readString(Path.of("/proc", pid, "cgroup"));
        String parent = "/" + portod.cgroupRoot + "/lim";
        assertTrue(cgroups.lines().anyMatch(l -> l.matches("\\d+:memory:" + parent)), "memory of the parent: " + cgroups);
        assertTrue(cgroups.lines().anyMatch(l -> l.matches("\\d+:devices:" + parent)), "devices of the parent: " + cgroups);
        assertTrue(cgroups.lines().anyMatch(l -> l.matches("\\d+:freezer:" + parent + "/c")), "its own freezer: " + cgroups);
        cli.ok("destroy", "lim");
    }

    @Test
    void childrenLiveInsideTheirParentsRoot() throws Exception {
        try (Rootfs root = Rootfs.with("ls", "sleep", "cat")) {
            Files.createDirectories(root.resolve("sub/bin"));
            Files.copy(root.resolve("bin/busybox"), root.resolve("sub/bin/busybox"));
            Files.createSymbolicLink(root.resolve("sub/bin/cat"), Path.of("busybox"));
            root.write("sub/where", "in sub\n");
            cli.ok("run", "jail", "command=sleep 1000", "root=" + root);
            // An isolated child gets new namespaces, but inside its parent's filesystem.
            List<String> seen = List.of(cli.output("jail/kid", "command=ls /").split("\n"));
            assertTrue(seen.contains("sub") && !seen.contains("usr"), seen.toString());
            // A child's root is a path in its parent's filesystem.
            assertEquals("in sub", cli.output("jail/sub", "command=cat /where", "root=/sub"));
            assertEquals("/", cli.get("jail/kid", "cwd"), "its working directory defaults to its parent's root");
            cli.ok("destroy", "jail");
        }
    }

    @Test
    void withoutIsolationTheEnvironmentIsInherited() throws Exception {
        cli.ok("run", "envp", "command=sleep 1000", "env=FROM_PARENT=yes");
        assertEquals("yes", cli.output("envp/shared", "command=sh -c 'echo $FROM_PARENT'", "isolate=false"));
        assertEquals("", cli.output("envp/own", "command=sh -c 'echo $FROM_PARENT'"));
        cli.ok("destroy", "envp");
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}

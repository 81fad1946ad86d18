package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * userns, unshare_on_exec and cgroupfs against a real portod: what the task's namespaces are
 * (read from /proc on the host), what it may do there, and the errors of bad values and states.
 */
class NamespacePropertiesTest extends PortodTest {
    /** Upstream's map of id 65534 (nobody, nogroup): root inside is it, every other id but 0 is itself. */
    private static final List<String> NOBODY_MAP = List.of("0 65534 1", "1 1 65533", "65535 65535 4294901760");

    private static String hostNamespace(String ns) throws Exception {
        return Files.readSymbolicLink(Path.of("/proc/self/ns", ns)).toString();
    }

    private static String namespaceOf(String container, String ns) throws Exception {
        return Files.readSymbolicLink(Path.of("/proc", get(container, "root_pid"), "ns", ns)).toString();
    }

    /** An id map as /proc shows it, one "inside outside count" per line. */
    private static List<String> idMap(String container, String file) throws Exception {
        return Files.readAllLines(Path.of("/proc", get(container, "root_pid"), file)).stream()
                .map(l -> l.trim().replaceAll("\\s+", " ")).toList();
    }

    private static String statusLine(String container, String key) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", get(container, "root_pid"), "status")))
            if (line.startsWith(key + ":"))
                return line.substring(key.length() + 1).trim().split("\\s+")[0];
        throw new AssertionError("no " + key + " in the status of " + container);
    }

    @Test
    void usernsRunsTheTaskAsRootOfItsOwnUserNamespaceMappedToItsUser() throws Exception {
        try {
            ok("run", "uns", "command=sleep 100000", "user=nobody", "group=nogroup", "userns=true");
            assertEquals("running", get("uns", "state"));
            assertEquals("true", get("uns", "userns"));
            assertNotEquals(hostNamespace("user"), namespaceOf("uns", "user"));
            assertNotEquals(hostNamespace("pid"), namespaceOf("uns", "pid"), "isolate still makes its namespaces");
            assertEquals(NOBODY_MAP, idMap("uns", "uid_map"));
            assertEquals(NOBODY_MAP, idMap("uns", "gid_map"));
            assertEquals("65534", statusLine("uns", "Uid"), "the host sees the task's user");
            assertEquals("65534", statusLine("uns", "Gid"));
            fails("InvalidState", "set", "uns", "userns", "false");
            ok("kill", "uns", "9");
            ok("wait", "uns");
            assertEquals("dead", get("uns", "state"));
            assertEquals("-9", get("uns", "exit_code"));
            ok("destroy", "uns");

            // Inside, the task is root; its output is stored as usual.
            assertEquals("0 0\n0 65534 1", output("unsid", "command=sh -c 'echo $(id -u) $(id -g); head -1 /proc/self/uid_map'",
                    "user=nobody", "group=nogroup", "userns=true").replaceAll("[ \\t]+", " ").replaceAll("\n ", "\n"));
            assertEquals("0", get("unsid", "exit_code"));
        } finally {
            portod.portoctl("destroy", "uns");
            portod.portoctl("destroy", "unsid");
        }
    }

    @Test
    void theContainersBelowEnterTheUserNamespace() throws Exception {
        try {
            ok("run", "unsp", "command=sleep 100000", "user=nobody", "group=nogroup", "userns=true");
            ok("run", "unsp/shared", "command=sleep 100000", "isolate=false");
            ok("run", "unsp/own", "command=sleep 100000", "user=daemon", "group=daemon");
            String parentNs = namespaceOf("unsp", "user");
            assertEquals(parentNs, namespaceOf("unsp/shared", "user"));
            assertEquals(parentNs, namespaceOf("unsp/own", "user"), "with isolate too");
            assertNotEquals(namespaceOf("unsp", "pid"), namespaceOf("unsp/own", "pid"));
            assertEquals("65534", statusLine("unsp/shared", "Uid"), "root below is the namespace's root");
            assertEquals("1", statusLine("unsp/own", "Uid"), "another user keeps its id");
            assertEquals(NOBODY_MAP, idMap("unsp/own", "uid_map"));
            ok("stop", "unsp");
            assertEquals("stopped", get("unsp/own", "state"));
        } finally {
            portod.portoctl("destroy", "unsp");
        }
    }

    @Test
    void badUsernsValuesAndModesAreRefused() throws Exception {
        try {
            ok("create", "badns");
            fails("InvalidValue", "set", "badns", "userns", "maybe");
            ok("set", "badns", "virt_mode", "host");
            fails("InvalidValue", "set", "badns", "userns", "true");
            ok("set", "badns", "virt_mode", "app");
            ok("set", "badns", "userns", "true");
            ok("set", "badns", "virt_mode", "host");
            ok("set", "badns", "command", "true");
            fails("InvalidValue", "start", "badns"); // checked again at start
            assertEquals("stopped", get("badns", "state"));
        } finally {
            portod.portoctl("destroy", "badns");
        }
    }

    @Test
    void unshareOnExecKeepsTheTasksMountsToItself() throws Exception {
        Path dir = Files.createTempDirectory("porto-uoe-");
        try {
            ok("run", "uoe", "command=sleep 100000", "isolate=false", "unshare_on_exec=true");
            assertNotEquals(hostNamespace("mnt"), namespaceOf("uoe", "mnt"), "a mount namespace of its own");
            ok("run", "shared", "command=sleep 100000", "isolate=false");
            assertEquals(hostNamespace("mnt"), namespaceOf("shared", "mnt"), "without it, the host's");
            fails("InvalidState", "set", "uoe", "unshare_on_exec", "false");

            assertEquals("1", output("mounter", "command=sh -c 'mount -t tmpfs porto-uoe-test " + dir
                    + " && grep -c porto-uoe-test /proc/self/mountinfo'", "isolate=false", "unshare_on_exec=true"));
            assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains("porto-uoe-test"), "nothing reached the host");

            // With userns, the task is root of a user namespace that owns its mount namespace: it may mount.
            assertEquals("mounted", output("unsmount", "command=sh -c 'mount -t tmpfs porto-uoe-test " + dir + " && echo mounted'",
                    "user=nobody", "group=nogroup", "userns=true", "unshare_on_exec=true"));
            PortodProcess.Run denied = ok("run", "unsnomount", "command=mount -t tmpfs porto-uoe-test " + dir,
                    "user=nobody", "group=nogroup", "userns=true");
            ok("wait", "unsnomount");
            assertNotEquals("0", get("unsnomount", "exit_code"), "its mount namespace belongs to the host's user namespace: " + denied.out());
            assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains("porto-uoe-test"));
        } finally {
            for (String c : List.of("uoe", "shared", "mounter", "unsmount", "unsnomount"))
                portod.portoctl("destroy", c);
            if (Files.readString(Path.of("/proc/self/mountinfo")).contains("porto-uoe-test"))
                Rootfs.run("umount", dir.toString());
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void cgroupfsReadOnlyShowsTheContainersOwnCgroupsAsTheRoots() throws Exception {
        try (Rootfs root = Rootfs.with("sh", "ls", "cat", "grep", "mkdir")) {
            Files.createDirectories(root.resolve("sys"));
            String out = output("cgfs", "command=sh -c 'ls /sys/fs/cgroup; echo --; grep \" /sys/fs/cgroup\" /proc/self/mountinfo; "
                    + "echo --; cat /proc/self/cgroup; echo --; mkdir /sys/fs/cgroup/freezer/x 2>&1'", "root=" + root, "cgroupfs=ro");
            String[] parts = out.split("--\n");
            List<String> hierarchies = List.of(parts[0].trim().split("\n"));
            assertTrue(hierarchies.containsAll(List.of("freezer", "memory")), out);
            for (String line : parts[1].trim().split("\n")) {
                String[] f = line.split(" ");
                assertTrue(f[5].startsWith("ro,"), "mounted read-only: " + line);
                if (!f[4].equals("/sys/fs/cgroup"))
                    assertEquals("/", f[3], "its own cgroup is the root: " + line);
            }
            assertTrue(parts[2].contains(":freezer:/\n"), "the task's cgroup is the namespace's root: " + parts[2]);
            assertTrue(parts[3].contains("Read-only file system"), parts[3]);
            assertEquals("ro", get("cgfs", "cgroupfs"));
            ok("destroy", "cgfs");

            assertEquals("", output("nocgfs", "command=ls /sys/fs/cgroup", "root=" + root, "cgroupfs=none"), "none: nothing mounted");
        } finally {
            portod.portoctl("destroy", "cgfs");
            portod.portoctl("destroy", "nocgfs");
        }
    }

    @Test
    void cgroupfsReadWriteStartsWhereTheConfigurationEnablesIt() throws Exception {
        Path conf = Files.createTempFile("porto-rw-cgroupfs-", ".conf");
        Files.writeString(conf, "container { enable_rw_cgroupfs: true }\n");
        try (Rootfs root = Rootfs.with("sh", "ls", "mkdir", "rmdir", "grep");
             PortodProcess rw = PortodProcess.start(java.util.Map.of("PORTO_CONFIG", conf.toString()));
             porto.client.PortoClient c = rw.client()) {
            Files.createDirectories(root.resolve("sys"));
            c.create("cgrw");
            c.setProperty("cgrw", "root", root.toString());
            c.setProperty("cgrw", "cgroupfs", "rw");
            c.setProperty("cgrw", "command", "sh -c 'mkdir /sys/fs/cgroup/freezer/sub && ls /sys/fs/cgroup/freezer/sub | grep -c cgroup.procs"
                    + " && rmdir /sys/fs/cgroup/freezer/sub && echo removed'");
            c.start("cgrw");
            assertEquals("cgrw", c.waitContainers(List.of("cgrw"), 30_000));
            assertEquals("1\nremoved\n", c.getProperty("cgrw", "stdout"), c.getProperty("cgrw", "stderr"));
            assertEquals("0", c.getProperty("cgrw", "exit_code"));
            c.destroy("cgrw");
        } finally {
            Files.deleteIfExists(conf);
        }
    }

    @Test
    void badCgroupfsValuesAreRefused() throws Exception {
        try {
            ok("create", "badcg");
            fails("InvalidValue", "set", "badcg", "cgroupfs", "maybe");
            ok("set", "badcg", "command", "true");
            ok("set", "badcg", "cgroupfs", "rw");
            fails("Permission", "start", "badcg"); // portod.conf's enable_rw_cgroupfs is false by default
            ok("set", "badcg", "cgroupfs", "ro");
            ok("set", "badcg", "virt_mode", "host");
            fails("InvalidValue", "start", "badcg"); // host mode has no mount namespace of its own
            ok("set", "badcg", "virt_mode", "app");
            ok("start", "badcg");
            fails("InvalidState", "set", "badcg", "cgroupfs", "none");
        } finally {
            portod.portoctl("destroy", "badcg");
        }
    }
}

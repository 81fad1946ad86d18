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
        return statusWords(container, key).get(0);
    }

    private static List<String> statusWords(String container, String key) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", get(container, "root_pid"), "status")))
            if (line.startsWith(key + ":"))
                return List.of(line.substring(key.length() + 1).trim().split("\\s+"));
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
    void aMetaContainerWithUsernsHoldsTheNamespaceItsChildrenEnter() throws Exception {
        try {
            ok("run", "unsmeta", "isolate=false", "user=nobody", "group=nogroup", "userns=true");
            assertEquals("meta", get("unsmeta", "state"));
            ok("run", "unsmeta/child", "command=sleep 100000", "isolate=false");
            assertNotEquals(hostNamespace("user"), namespaceOf("unsmeta/child", "user"), "no task of its own: still not the host's");
            assertEquals(namespaceOf("unsmeta", "user"), namespaceOf("unsmeta/child", "user"));
            assertEquals(NOBODY_MAP, idMap("unsmeta/child", "uid_map"));
            assertEquals("65534", statusLine("unsmeta/child", "Uid"), "root below is the namespace's root");
        } finally {
            portod.portoctl("destroy", "unsmeta");
        }
    }

    @Test
    void aUsersContainerKeepsTheUsersSupplementaryGroupsInItsUserNamespace() throws Exception {
        Users.ensure();
        int uid = Users.uid(Users.ALICE), gid = Users.gid(Users.ALICE);
        String porto = Files.readAllLines(Path.of("/etc/group")).stream().filter(l -> l.startsWith("porto:"))
                .map(l -> l.split(":")[2]).findFirst().orElseThrow();
        try {
            PortodProcess.Run r = Users.portoctl(portod, Users.ALICE, "run", "unsgroups", "command=sleep 100000", "userns=true");
            assertEquals(0, r.code(), r.err());
            assertEquals(List.of("0 " + uid + " 1"), idMap("unsgroups", "uid_map"));
            assertEquals(List.of("0 " + gid + " 1", porto + " " + porto + " 1"), idMap("unsgroups", "gid_map"),
                    "its own groups keep their numbers, no other id is mapped");
            List<String> groups = statusWords("unsgroups", "Groups");
            assertTrue(groups.contains(porto), "the group porto stays, so its denials still apply: " + groups);

            // setgroups inside takes mapped groups only: none the user is not in.
            r = Users.portoctl(portod, Users.ALICE, "run", "unsgroups/add", "isolate=false",
                    "command=sh -c 'setpriv --groups 0," + porto + " true && echo kept; setpriv --groups 4242 true || echo refused'");
            assertEquals(0, r.code(), r.err());
            ok("wait", "unsgroups/add");
            assertEquals("kept\nrefused", get("unsgroups/add", "stdout"), get("unsgroups/add", "stderr"));
        } finally {
            Users.portoctl(portod, Users.ALICE, "destroy", "unsgroups");
            portod.portoctl("destroy", "unsgroups");
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
        try (Rootfs root = Rootfs.with("sh", "ls", "mkdir", "rmdir", "grep");
             PortodProcess rw = rwCgroupfsDaemon(conf);
             porto.client.PortoClient c = rw.client()) {
            Files.createDirectories(root.resolve("sys"));
            String out = runWithCgroupfsRw(c, "cgrw", root, "sh -c 'mkdir /sys/fs/cgroup/freezer/sub"
                    + " && ls /sys/fs/cgroup/freezer/sub | grep -c cgroup.procs && rmdir /sys/fs/cgroup/freezer/sub && echo removed'");
            assertEquals("1\nremoved\n", out, c.getProperty("cgrw", "stderr"));
            assertEquals("0", c.getProperty("cgrw", "exit_code"));
            c.destroy("cgrw");
        } finally {
            Files.deleteIfExists(conf);
        }
    }

    /** A daemon whose portod.conf enables cgroupfs=rw. */
    private static PortodProcess rwCgroupfsDaemon(Path conf) throws Exception {
        Files.writeString(conf, "container { enable_rw_cgroupfs: true }\n");
        return PortodProcess.start(java.util.Map.of("PORTO_CONFIG", conf.toString()));
    }

    /** Starts {@code command} in {@code name} with {@code root} and cgroupfs=rw, and more property/value pairs. */
    private static void startWithCgroupfsRw(porto.client.PortoClient c, String name, Rootfs root, String command,
                                            String... more) {
        c.create(name);
        c.setProperty(name, "root", root.toString());
        c.setProperty(name, "cgroupfs", "rw");
        for (int i = 0; i + 1 < more.length; i += 2)
            c.setProperty(name, more[i], more[i + 1]);
        c.setProperty(name, "command", command);
        c.start(name);
    }

    /** As {@link #startWithCgroupfsRw}, until the task ends: its stdout. */
    private static String runWithCgroupfsRw(porto.client.PortoClient c, String name, Rootfs root, String command,
                                            String... more) {
        startWithCgroupfsRw(c, name, root, command, more);
        assertEquals(name, c.waitContainers(List.of(name), 30_000));
        return c.getProperty(name, "stdout");
    }

    @Test
    void cgroupfsRwIsTheTasksUsersToUseButNetCgroupsStayReadOnly() throws Exception {
        Path conf = Files.createTempFile("porto-rw-cgroupfs-", ".conf");
        try (Rootfs root = Rootfs.with("sh", "mkdir", "rmdir", "ls");
             PortodProcess rw = rwCgroupfsDaemon(conf);
             porto.client.PortoClient c = rw.client()) {
            Files.createDirectories(root.resolve("sys"));
            String made = runWithCgroupfsRw(c, "cgnobody", root,
                    "sh -c 'mkdir /sys/fs/cgroup/freezer/sub && rmdir /sys/fs/cgroup/freezer/sub && echo made'",
                    "user", "nobody", "group", "nogroup");
            assertEquals("made\n", made, "a task that is not root makes cgroups below its own: "
                    + c.getProperty("cgnobody", "stderr"));
            c.destroy("cgnobody");

            String out = runWithCgroupfsRw(c, "cgnet", root, "sh -c 'ls -d /sys/fs/cgroup/net_cls"
                    + " && mkdir /sys/fs/cgroup/net_cls/sub 2>&1; mkdir /sys/fs/cgroup/freezer/sub && echo made'");
            assertTrue(out.startsWith("/sys/fs/cgroup/net_cls\n") && out.contains("Read-only file system") && out.endsWith("made\n"),
                    "net_cls stays read-only without enable_rw_net_cgroups, the rest is writable: " + out);
            c.destroy("cgnet");
        } finally {
            Files.deleteIfExists(conf);
        }
    }

    @Test
    void cgroupsATaskMadeWithCgroupfsRwSurviveAReload() throws Exception {
        Path conf = Files.createTempFile("porto-rw-cgroupfs-", ".conf");
        try (Rootfs root = Rootfs.with("sh", "mkdir", "sleep");
             PortodProcess rw = rwCgroupfsDaemon(conf)) {
            Files.createDirectories(root.resolve("sys"));
            Path freezer = Path.of("/sys/fs/cgroup/freezer", rw.cgroupRoot);
            String pid;
            try (porto.client.PortoClient c = rw.client()) {
                startWithCgroupfsRw(c, "cgkeep", root, "sh -c 'mkdir /sys/fs/cgroup/freezer/own"
                        + " && echo $$ > /sys/fs/cgroup/freezer/own/cgroup.procs && exec sleep 100000'");
                pid = c.getProperty("cgkeep", "root_pid");
            }
            Path own = freezer.resolve("cgkeep/own");
            Await.until("the task moves into the cgroup it made", java.time.Duration.ofSeconds(30),
                    () -> Files.exists(own) && Files.readString(own.resolve("cgroup.procs")).trim().equals(pid));
            Path ghost = Files.createDirectories(freezer.resolve("ghost")); // a true leftover: tells when the scan is done
            long old = rw.daemonPid();
            PortodProcess.signal(rw.masterPid(), "HUP");
            rw.awaitNewDaemon(old, java.time.Duration.ofSeconds(30));
            Await.until("the new daemon removes the leftovers", java.time.Duration.ofSeconds(30), () -> !Files.exists(ghost));
            assertTrue(Files.isDirectory(own), "the task's own cgroup is no leftover");
            assertEquals(pid, Files.readString(own.resolve("cgroup.procs")).trim(), "its process lives on there");
            try (porto.client.PortoClient c = rw.client()) {
                assertEquals("running", c.getProperty("cgkeep", "state"));
                c.destroy("cgkeep");
            }
            assertFalse(Files.exists(own), "destroy removes the cgroups below the container's too");
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

package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import porto.client.PortoClient;
import porto.rpc.Rpc;
import porto.rpc.Rpc.TContainerRequest;

/**
 * Properties of upstream 5.3.15 the first sessions lacked, each through a real portod: what works
 * works, what does not answers NotSupported naming what is missing. Also convertPath and
 * locateProcess.
 */
class UpstreamPropertiesTest {
    private static PortodProcess portod;
    private static PortoClient c;

    @BeforeAll
    static void start() throws Exception {
        portod = PortodProcess.start();
        c = portod.client();
    }

    @AfterAll
    static void stop() throws Exception {
        if (c != null)
            c.close();
        if (portod != null)
            portod.close();
    }

    private static void run(String name, String command) {
        c.setProperty(name, "command", command);
        c.start(name);
        assertEquals(name, c.waitContainers(List.of(name), 30_000));
    }

    @Test
    void envSecretReachesTheTaskButIsNeverShown() throws Exception {
        c.create("sec");
        try {
            c.setProperty("sec", "env_secret", "TOKEN=s3cret; OTHER=x");
            c.setProperty("sec", "env", "PLAIN=p");
            run("sec", "sh -c 'echo $TOKEN $OTHER $PLAIN'");
            assertEquals("s3cret x p\n", c.getProperty("sec", "stdout"));
            String shown = c.getProperty("sec", "env_secret");
            assertFalse(shown.contains("s3cret"), shown);
            Matcher m = Pattern.compile("TOKEN=<secret salt=(\\S+) md5=(\\S+)>").matcher(shown);
            assertTrue(m.find(), shown);
            String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest((m.group(1) + "s3cret").getBytes(StandardCharsets.UTF_8)));
            assertEquals(md5, m.group(2), "md5 of salt and value, as upstream");
            assertNotEquals(shown, c.getProperty("sec", "env_secret"), "a fresh salt at every read");
            assertFalse(c.getProperty("sec", "env_secret[TOKEN]").contains("s3cret"));
            var spec = c.call(TContainerRequest.newBuilder().setListContainersBy(Rpc.TListContainersRequest.newBuilder()
                    .addFilters(Rpc.TListContainersFilter.newBuilder().setName("sec"))).build())
                    .getListContainersBy().getContainers(0).getSpec();
            assertFalse(spec.toString().contains("s3cret"), spec.toString());
            assertEquals("TOKEN", spec.getEnvSecret().getVar(0).getName());
            assertTrue(spec.getEnvSecret().getVar(0).hasHash());
            c.stop("sec");
            Errors.expect("InvalidValue", () -> c.setProperty("sec", "env_secret", "=novalue"));
        } finally {
            c.destroy("sec");
        }
    }

    @Test
    void startErrorChangeTimeAndCredentials() throws Exception {
        c.create("info");
        try {
            assertEquals("", c.getProperty("info", "start_error"));
            assertEquals("0 0", c.getProperty("info", "owner_cred"));
            assertEquals("0 0", c.getProperty("info", "task_cred"));
            c.setProperty("info", "command", "/no/such/program");
            long before = Long.parseLong(c.getProperty("info", "change_time[raw]"));
            String failed = Errors.expect("Unknown", () -> c.start("info"));
            String error = c.getProperty("info", "start_error");
            assertEquals("Unknown: " + failed, error);
            assertTrue(error.contains("/no/such/program"), error);
            assertTrue(Long.parseLong(c.getProperty("info", "change_time[raw]")) >= before);
            assertTrue(c.getProperty("info", "change_time").matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d"));
            run("info", "true");
            assertEquals("", c.getProperty("info", "start_error"), "a good start clears it");
            Errors.expect("InvalidValue", () -> c.getProperty("info", "change_time[cooked]"));
            c.stop("info");
            Users.ensure();
            c.setProperty("info", "user", "porto-alice");
            assertEquals(Users.uid("porto-alice") + " 0", c.getProperty("info", "task_cred"));
        } finally {
            c.destroy("info");
        }
    }

    @Test
    void taintNamesLikelyMistakes() {
        c.create("taint");
        try {
            String taint = c.getProperty("taint", "taint");
            assertTrue(taint.contains("First level container without memory_limit."), taint);
            assertTrue(taint.contains("First level container without cpu_limit."), taint);
            c.setProperty("taint", "memory_limit", "64M");
            c.setProperty("taint", "cpu_limit", "1c");
            taint = c.getProperty("taint", "taint");
            assertFalse(taint.contains("memory_limit") || taint.contains("cpu_limit"), taint);
        } finally {
            c.destroy("taint");
        }
    }

    @Test
    void rootPathComposesRootsAndConvertPathUsesIt() throws Exception {
        try (Rootfs root = Rootfs.with("cat", "sh")) {
            Files.createDirectories(root.resolve("inner/bin"));
            c.create("rp");
            c.create("rp/in");
            try {
                c.setProperty("rp", "root", root.dir.toString());
                c.setProperty("rp/in", "root", "/inner");
                assertEquals(root.dir.toString(), c.getProperty("rp", "root_path"));
                assertEquals(root.dir.resolve("inner").toString(), c.getProperty("rp/in", "root_path"));
                assertEquals(root.dir.resolve("etc/hosts").toString(), convert("/etc/hosts", "rp", "/"));
                assertEquals("/x/y", convert(root.dir.resolve("x/y").toString(), "/", "rp"));
                assertEquals("/bin", convert("/inner/bin", "rp", "rp/in"));
                assertEquals("/same", convert("/same", "rp", "rp"));
                String why = Errors.expect("InvalidValue", () -> convert("/etc", "rp", "rp/in"));
                assertTrue(why.contains("unreachable"), why);
                Errors.expect("ContainerDoesNotExist", () -> convert("/etc", "rp-none", "/"));
                // etc_hosts: the chroot's /etc/hosts.
                c.setProperty("rp", "etc_hosts", "192.0.2.1 one.example;192.0.2.2 two.example");
                run("rp", "cat /etc/hosts");
                assertEquals("192.0.2.1 one.example\n192.0.2.2 two.example\n", c.getProperty("rp", "stdout"));
                c.stop("rp");
                Errors.expect("InvalidValue", () -> c.setProperty("rp", "etc_hosts", "a\nb"));
            } finally {
                c.destroy("rp");
            }
        }
    }

    private static String convert(String path, String source, String destination) {
        return c.call(TContainerRequest.newBuilder().setConvertPath(Rpc.TConvertPathRequest.newBuilder()
                .setPath(path).setSource(source).setDestination(destination)).build()).getConvertPath().getPath();
    }

    private static String locate(int pid, String comm) {
        return c.call(TContainerRequest.newBuilder().setLocateProcess(Rpc.TLocateProcessRequest.newBuilder()
                .setPid(pid).setComm(comm)).build()).getLocateProcess().getName();
    }

    @Test
    void locateProcessFindsTheContainerOfAPid() {
        c.create("loc");
        c.create("loc/child");
        try {
            c.setProperty("loc", "command", "sleep 1000");
            c.start("loc");
            c.setProperty("loc/child", "command", "sleep 1000");
            c.setProperty("loc/child", "isolate", "false");
            c.start("loc/child");
            int pid = Integer.parseInt(c.getProperty("loc", "root_pid"));
            int child = Integer.parseInt(c.getProperty("loc/child", "root_pid"));
            assertEquals("loc", locate(pid, ""));
            assertEquals("loc", locate(pid, "sleep"));
            assertEquals("loc/child", locate(child, "sleep"));
            assertEquals("/", locate((int) ProcessHandle.current().pid(), ""), "a host process");
            Errors.expect("InvalidValue", () -> locate(pid, "bash"));
            Errors.expect("InvalidValue", () -> locate(0, ""));
            Errors.expect("InvalidValue", () -> locate(Integer.MAX_VALUE, ""));
        } finally {
            c.destroy("loc");
        }
    }

    private static void attach(int pid, String name, String comm, boolean thread) {
        var req = Rpc.TAttachProcessRequest.newBuilder().setPid(pid).setName(name).setComm(comm);
        c.call(thread ? TContainerRequest.newBuilder().setAttachThread(req).build()
                : TContainerRequest.newBuilder().setAttachProcess(req).build());
    }

    @Test
    void attachProcessMovesAProcessIntoAContainerBelow() throws Exception {
        c.create("att");
        try {
            c.setProperty("att", "command", "sh -c 'sleep 1001 & sleep 1002 & wait'");
            c.start("att");
            for (String sub : List.of("att/sub", "att/iso", "att/stopped"))
                c.create(sub);
            c.setProperty("att/sub", "command", "sleep 1000");
            c.setProperty("att/sub", "isolate", "false");
            c.start("att/sub");
            c.setProperty("att/iso", "command", "sleep 1000");
            c.start("att/iso");
            int root = Integer.parseInt(c.getProperty("att", "root_pid"));
            List<Integer> sleeps = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (sleeps.size() < 2 && System.nanoTime() < deadline) {
                sleeps.clear();
                for (String p : Files.readString(java.nio.file.Path.of("/proc", "" + root, "task", "" + root, "children")).trim().split("\\s+"))
                    if (!p.isEmpty() && Files.readString(java.nio.file.Path.of("/proc", p, "comm")).strip().equals("sleep"))
                        sleeps.add(Integer.parseInt(p));
                Thread.sleep(20);
            }
            assertEquals(2, sleeps.size(), "the two background sleeps of att");
            int one = sleeps.get(0), two = sleeps.get(1);
            assertEquals("att", locate(one, "sleep"));
            attach(one, "att/sub", "sleep", false);
            assertEquals("att/sub", locate(one, "sleep"));
            c.create("att/iso/in");
            c.setProperty("att/iso/in", "command", "sleep 1000");
            c.start("att/iso/in");
            String why = Errors.expect("InvalidState", () -> attach(two, "att/iso/in", "sleep", false));
            assertTrue(why.contains("isolate"), why);
            assertEquals("att", locate(two, "sleep"));
            attach(two, "att/sub", "", true); // its only thread
            assertEquals("att/sub", locate(two, ""));
            assertEquals("running", c.getProperty("att", "state"), "moving them changes nothing else");

            Errors.expect("Busy", () -> attach(root, "att/sub", "", false));
            Errors.expect("Permission", () -> attach(one, "att", "sleep", false));
            Errors.expect("ContainerDoesNotExist", () -> attach(one, "att/sub/none", "sleep", false));
            c.create("att/sub/stopped");
            Errors.expect("InvalidState", () -> attach(one, "att/sub/stopped", "sleep", false));
            Errors.expect("InvalidValue", () -> attach(one, "att/sub", "bash", false));
            Errors.expect("InvalidValue", () -> attach(0, "att/sub", "", false));
        } finally {
            c.destroy("att");
        }
    }

    @Test
    void whatThisPortodDoesNotDoAnswersNotSupportedWithTheReason() {
        c.create("ns");
        try {
            String[][] refused = {{"userns", "true", "user namespace"}, {"unshare_on_exec", "true", "unsharing"},
                    {"cgroupfs", "ro", "cgroup filesystem"}, {"cgroupfs", "rw", "cgroup filesystem"},
                    {"core_command", "cat > /tmp/core", "core_pattern"}, {"pressurize_on_death", "true", "soft limit"}};
            for (String[] r : refused) {
                String why = Errors.expect("NotSupported", () -> c.setProperty("ns", r[0], r[1]));
                assertTrue(why.contains(r[2]), r[0] + ": " + why);
            }
            // The defaults are accepted, so a client that sets them explicitly works.
            c.setProperty("ns", "userns", "false");
            c.setProperty("ns", "unshare_on_exec", "false");
            c.setProperty("ns", "cgroupfs", "none");
            c.setProperty("ns", "core_command", "");
            c.setProperty("ns", "pressurize_on_death", "false");
            assertEquals("false", c.getProperty("ns", "userns"));
            assertEquals("none", c.getProperty("ns", "cgroupfs"));
            Errors.expect("InvalidValue", () -> c.setProperty("ns", "cgroupfs", "maybe"));
            Errors.expect("InvalidValue", () -> c.setProperty("ns", "userns", "perhaps"));
            String why = Errors.expect("NotSupported", () -> c.getProperty("ns", "seize_pid"));
            assertTrue(why.contains("portod-native master"), why);
            // All of them are listed, as portoctl's help shows.
            var names = c.propertyList().stream().map(p -> p.name()).toList();
            for (String p : List.of("labels", "env_secret", "respawn_delay", "start_error", "change_time", "death_time", "taint",
                    "task_cred", "owner_cred", "etc_hosts", "core_command", "root_path", "extra_properties", "seize_pid",
                    "pressurize_on_death", "userns", "unshare_on_exec", "cgroupfs"))
                assertTrue(names.contains(p), p);
        } finally {
            c.destroy("ns");
        }
    }
}

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
import org.junit.jupiter.api.Test;
import porto.rpc.Rpc;
import porto.rpc.Rpc.TContainerRequest;

/**
 * Properties of upstream 5.3.15 the first sessions lacked, each through a real portod: what works
 * works, what does not answers NotSupported naming what is missing. Also convertPath and
 * locateProcess.
 */
class UpstreamPropertiesTest extends PortodTest {
    private static void run(String name, String command) {
        client.setProperty(name, "command", command);
        client.start(name);
        assertEquals(name, client.waitContainers(List.of(name), 30_000));
    }

    @Test
    void envSecretReachesTheTaskButIsNeverShown() throws Exception {
        client.create("sec");
        try {
            client.setProperty("sec", "env_secret", "TOKEN=s3cret; OTHER=x");
            client.setProperty("sec", "env", "PLAIN=p");
            run("sec", "sh -c 'echo $TOKEN $OTHER $PLAIN'");
            assertEquals("s3cret x p\n", client.getProperty("sec", "stdout"));
            String shown = client.getProperty("sec", "env_secret");
            assertFalse(shown.contains("s3cret"), shown);
            Matcher m = Pattern.compile("TOKEN=<secret salt=(\\S+) md5=(\\S+)>").matcher(shown);
            assertTrue(m.find(), shown);
            String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest((m.group(1) + "s3cret").getBytes(StandardCharsets.UTF_8)));
            assertEquals(md5, m.group(2), "md5 of salt and value, as upstream");
            assertNotEquals(shown, client.getProperty("sec", "env_secret"), "a fresh salt at every read");
            assertFalse(client.getProperty("sec", "env_secret[TOKEN]").contains("s3cret"));
            var spec = client.call(TContainerRequest.newBuilder().setListContainersBy(Rpc.TListContainersRequest.newBuilder()
                    .addFilters(Rpc.TListContainersFilter.newBuilder().setName("sec"))).build())
                    .getListContainersBy().getContainers(0).getSpec();
            assertFalse(spec.toString().contains("s3cret"), spec.toString());
            assertEquals("TOKEN", spec.getEnvSecret().getVar(0).getName());
            assertTrue(spec.getEnvSecret().getVar(0).hasHash());
            client.stop("sec");
            Errors.expect("InvalidValue", () -> client.setProperty("sec", "env_secret", "=novalue"));
        } finally {
            client.destroy("sec");
        }
    }

    @Test
    void startErrorChangeTimeAndCredentials() throws Exception {
        client.create("info");
        try {
            assertEquals("", client.getProperty("info", "start_error"));
            assertEquals("0 0", client.getProperty("info", "owner_cred"));
            assertEquals("0 0", client.getProperty("info", "task_cred"));
            client.setProperty("info", "command", "/no/such/program");
            long before = Long.parseLong(client.getProperty("info", "change_time[raw]"));
            String failed = Errors.expect("Unknown", () -> client.start("info"));
            String error = client.getProperty("info", "start_error");
            assertEquals("Unknown: " + failed, error);
            assertTrue(error.contains("/no/such/program"), error);
            assertTrue(Long.parseLong(client.getProperty("info", "change_time[raw]")) >= before);
            assertTrue(client.getProperty("info", "change_time").matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d"));
            run("info", "true");
            assertEquals("", client.getProperty("info", "start_error"), "a good start clears it");
            Errors.expect("InvalidValue", () -> client.getProperty("info", "change_time[cooked]"));
            client.stop("info");
            Users.ensure();
            client.setProperty("info", "user", "porto-alice");
            assertEquals(Users.uid("porto-alice") + " 0", client.getProperty("info", "task_cred"));
        } finally {
            client.destroy("info");
        }
    }

    @Test
    void taintNamesLikelyMistakes() {
        client.create("taint");
        try {
            String taint = client.getProperty("taint", "taint");
            assertTrue(taint.contains("First level container without memory_limit."), taint);
            assertTrue(taint.contains("First level container without cpu_limit."), taint);
            client.setProperty("taint", "memory_limit", "64M");
            client.setProperty("taint", "cpu_limit", "1c");
            taint = client.getProperty("taint", "taint");
            assertFalse(taint.contains("memory_limit") || taint.contains("cpu_limit"), taint);
        } finally {
            client.destroy("taint");
        }
    }

    @Test
    void rootPathComposesRootsAndConvertPathUsesIt() throws Exception {
        try (Rootfs root = Rootfs.with("cat", "sh")) {
            Files.createDirectories(root.resolve("inner/bin"));
            client.create("rp");
            client.create("rp/in");
            try {
                client.setProperty("rp", "root", root.dir.toString());
                client.setProperty("rp/in", "root", "/inner");
                assertEquals(root.dir.toString(), client.getProperty("rp", "root_path"));
                assertEquals(root.dir.resolve("inner").toString(), client.getProperty("rp/in", "root_path"));
                assertEquals(root.dir.resolve("etc/hosts").toString(), convert("/etc/hosts", "rp", "/"));
                assertEquals("/x/y", convert(root.dir.resolve("x/y").toString(), "/", "rp"));
                assertEquals("/bin", convert("/inner/bin", "rp", "rp/in"));
                assertEquals("/same", convert("/same", "rp", "rp"));
                String why = Errors.expect("InvalidValue", () -> convert("/etc", "rp", "rp/in"));
                assertTrue(why.contains("unreachable"), why);
                Errors.expect("ContainerDoesNotExist", () -> convert("/etc", "rp-none", "/"));
                // etc_hosts: the chroot's /etc/hosts.
                client.setProperty("rp", "etc_hosts", "192.0.2.1 one.example;192.0.2.2 two.example");
                run("rp", "cat /etc/hosts");
                assertEquals("192.0.2.1 one.example\n192.0.2.2 two.example\n", client.getProperty("rp", "stdout"));
                client.stop("rp");
                Errors.expect("InvalidValue", () -> client.setProperty("rp", "etc_hosts", "a\nb"));
            } finally {
                client.destroy("rp");
            }
        }
    }

    private static String convert(String path, String source, String destination) {
        return client.call(TContainerRequest.newBuilder().setConvertPath(Rpc.TConvertPathRequest.newBuilder()
                .setPath(path).setSource(source).setDestination(destination)).build()).getConvertPath().getPath();
    }

    private static String locate(int pid, String comm) {
        return client.call(TContainerRequest.newBuilder().setLocateProcess(Rpc.TLocateProcessRequest.newBuilder()
                .setPid(pid).setComm(comm)).build()).getLocateProcess().getName();
    }

    @Test
    void locateProcessFindsTheContainerOfAPid() {
        client.create("loc");
        client.create("loc/child");
        try {
            client.setProperty("loc", "command", "sleep 1000");
            client.start("loc");
            client.setProperty("loc/child", "command", "sleep 1000");
            client.setProperty("loc/child", "isolate", "false");
            client.start("loc/child");
            int pid = Integer.parseInt(client.getProperty("loc", "root_pid"));
            int child = Integer.parseInt(client.getProperty("loc/child", "root_pid"));
            assertEquals("loc", locate(pid, ""));
            assertEquals("loc", locate(pid, "sleep"));
            assertEquals("loc/child", locate(child, "sleep"));
            assertEquals("/", locate((int) ProcessHandle.current().pid(), ""), "a host process");
            Errors.expect("InvalidValue", () -> locate(pid, "bash"));
            Errors.expect("InvalidValue", () -> locate(0, ""));
            Errors.expect("InvalidValue", () -> locate(Integer.MAX_VALUE, ""));
        } finally {
            client.destroy("loc");
        }
    }

    private static void attach(int pid, String name, String comm, boolean thread) {
        var req = Rpc.TAttachProcessRequest.newBuilder().setPid(pid).setName(name).setComm(comm);
        client.call(thread ? TContainerRequest.newBuilder().setAttachThread(req).build()
                : TContainerRequest.newBuilder().setAttachProcess(req).build());
    }

    @Test
    void attachProcessMovesAProcessIntoAContainerBelow() throws Exception {
        client.create("att");
        try {
            client.setProperty("att", "command", "sh -c 'sleep 1001 & sleep 1002 & wait'");
            client.start("att");
            for (String sub : List.of("att/sub", "att/iso", "att/stopped"))
                client.create(sub);
            client.setProperty("att/sub", "command", "sleep 1000");
            client.setProperty("att/sub", "isolate", "false");
            client.start("att/sub");
            client.setProperty("att/iso", "command", "sleep 1000");
            client.start("att/iso");
            int root = Integer.parseInt(client.getProperty("att", "root_pid"));
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
            client.create("att/iso/in");
            client.setProperty("att/iso/in", "command", "sleep 1000");
            client.start("att/iso/in");
            String why = Errors.expect("InvalidState", () -> attach(two, "att/iso/in", "sleep", false));
            assertTrue(why.contains("isolate"), why);
            assertEquals("att", locate(two, "sleep"));
            attach(two, "att/sub", "", true); // its only thread
            assertEquals("att/sub", locate(two, ""));
            assertEquals("running", client.getProperty("att", "state"), "moving them changes nothing else");

            Errors.expect("Busy", () -> attach(root, "att/sub", "", false));
            Errors.expect("Permission", () -> attach(one, "att", "sleep", false));
            Errors.expect("ContainerDoesNotExist", () -> attach(one, "att/sub/none", "sleep", false));
            client.create("att/sub/stopped");
            Errors.expect("InvalidState", () -> attach(one, "att/sub/stopped", "sleep", false));
            Errors.expect("InvalidValue", () -> attach(one, "att/sub", "bash", false));
            Errors.expect("InvalidValue", () -> attach(0, "att/sub", "", false));
        } finally {
            client.destroy("att");
        }
    }

    @Test
    void whatThisPortodDoesNotDoAnswersNotSupportedWithTheReason() throws Exception {
        client.create("ns");
        try {
            String[][] refused = {
                    {"core_command", "cat > /tmp/core", "core { enable: true }"}, {"core_command", "", "core { enable: true }"}};
            for (String[] r : refused) {
                String why = Errors.expect("NotSupported", () -> client.setProperty("ns", r[0], r[1]));
                assertTrue(why.contains(r[2]), r[0] + ": " + why);
            }
            // The defaults are accepted, so a client that sets them explicitly works.
            client.setProperty("ns", "userns", "false");
            client.setProperty("ns", "unshare_on_exec", "false");
            client.setProperty("ns", "cgroupfs", "none");
            // As upstream without the core section: read or set, core_command is NotSupported (CoreDumpTest enables it).
            Errors.expect("NotSupported", () -> client.getProperty("ns", "core_command"));
            // ... and the host's core_pattern is left alone.
            assertFalse(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/core_pattern"))
                    .contains(portod.socket.getParent().toString()));
            assertEquals("false", client.getProperty("ns", "userns"));
            assertEquals("none", client.getProperty("ns", "cgroupfs"));
            Errors.expect("InvalidValue", () -> client.setProperty("ns", "cgroupfs", "maybe"));
            Errors.expect("InvalidValue", () -> client.setProperty("ns", "userns", "perhaps"));
            // No seize helper ever runs here (portod-native master reaps every task): 0, in every state, as upstream shows none.
            assertEquals("0", client.getProperty("ns", "seize_pid"));
            // All of them are listed, as portoctl's help shows.
            var names = client.propertyList().stream().map(p -> p.name()).toList();
            for (String p : List.of("labels", "env_secret", "respawn_delay", "start_error", "change_time", "death_time", "taint",
                    "task_cred", "owner_cred", "etc_hosts", "core_command", "root_path", "extra_properties", "seize_pid",
                    "pressurize_on_death", "userns", "unshare_on_exec", "cgroupfs"))
                assertTrue(names.contains(p), p);
        } finally {
            client.destroy("ns");
        }
    }
}

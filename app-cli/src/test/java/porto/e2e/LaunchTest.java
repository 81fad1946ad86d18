package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import porto.client.PortoClient;
import porto.rpc.Rpc;

/** What the main task runs as and with: argv, virt_mode, user, umask, environment and streams. */
class LaunchTest extends PortodTest {
    static Path scratch;

    @BeforeAll
    static void up() throws Exception {
        scratch = Files.createTempDirectory("porto-launch-");
    }

    @AfterAll
    static void down() throws Exception {
        if (scratch != null)
            PortodProcess.deleteTree(scratch);
    }

    @Test
    void commandArgvIsTakenVerbatim() throws Exception {
        assertEquals("$HOME 'a b' \\", output("argv", "command_argv=echo\t$HOME\t'a b'\t\\\\"));
        assertEquals("'echo' '$HOME' ''\\''a b'\\''' '\\'", get("argv", "command"), "command shows the argv quoted");
        ok("destroy", "argv");
        try (PortoClient c = portod.client()) {
            c.createFromSpec(Rpc.TContainerSpec.newBuilder().setName("spec")
                    .setCommandArgv(Rpc.TContainerCommandArgv.newBuilder().addArgv("echo").addArgv("$PATH; x")).build(), true);
        }
        ok("wait", "spec");
        assertEquals("$PATH; x\n", ok("get", "spec", "stdout").out());
        ok("destroy", "spec");
    }

    @Test
    void osModeRunsTheCommandAsInit() throws Exception {
        try (Rootfs root = Rootfs.with("sh", "cat")) {
            Files.createDirectories(root.resolve("sys"));
            fails("execvpe(/sbin/init)", "run", "osinit", "virt_mode=os", "root=" + root);
            ok("run", "os", "virt_mode=os", "root=" + root,
                    "command=sh -c 'echo $$ > /pid; cat /proc/net/dev > /net'");
            ok("wait", "os");
            assertEquals("1", Files.readString(root.resolve("pid")).strip(), "the command is pid 1");
            List<String> net = Files.readAllLines(root.resolve("net"));
            assertEquals(3, net.size(), "only lo in an empty network namespace: " + net);
            assertTrue(net.get(2).trim().startsWith("lo:"), net.toString());
            assertEquals("/dev/null", get("os", "stdout_path"));
            assertEquals("/", get("os", "cwd"));
            assertEquals("false", get("os", "bind_dns"));
            ok("destroy", "os");
        }
    }

    @Test
    void userGroupAndUmask() throws Exception {
        assertEquals("0 0 0002", output("ids", "command=sh -c 'echo $(id -u) $(id -g) $(umask)'"));
        ok("destroy", "ids");
        assertEquals("1 1 0027", output("daemon", "command=sh -c 'echo $(id -u) $(id -g) $(umask)'",
                "user=daemon", "group=1", "umask=027"));
        assertEquals("daemon", get("daemon", "group"));
        ok("destroy", "daemon");
    }

    @Test
    void capabilitiesReachTheTask() throws Exception {
        String status = output("caps", "command=cat /proc/self/status", "owner_user=nobody", "owner_group=nogroup",
                "user=nobody", "group=nogroup", "capabilities_ambient=NET_BIND_SERVICE");
        List<String> lines = List.of(status.split("\n"));
        assertTrue(lines.contains("CapAmb:\t0000000000000400"), "NET_BIND_SERVICE is ambient: " + status);
        assertTrue(lines.contains("NoNewPrivs:\t1"), "a user's container runs with no_new_privs: " + status);
        String bound = lines.stream().filter(l -> l.startsWith("CapBnd:")).findFirst().orElseThrow();
        long bits = Long.parseUnsignedLong(bound.substring(7).trim(), 16);
        assertEquals(0, bits & (1L << 16), "no SYS_MODULE in the bounding set: " + bound);
        assertTrue((bits & (1L << 21)) != 0, "SYS_ADMIN stays outside a chroot: " + bound);
        ok("destroy", "caps");
    }

    @Test
    void envIsMergedOverTheDefaults() throws Exception {
        String env = output("env", "command=env", "env=TEST_PORTO1=1; PATH=/bin:/usr/bin; TEST_PORTO2=a\\;b");
        List<String> vars = List.of(env.split("\n"));
        assertTrue(vars.containsAll(List.of("TEST_PORTO1=1", "TEST_PORTO2=a;b", "PATH=/bin:/usr/bin", "PORTO_NAME=env",
                "container=lxc")), env);
        ok("destroy", "env");
    }

    @Test
    void streamsGoWhereTheyAreTold() throws Exception {
        Path dir = Files.createDirectories(scratch.resolve("streams"));
        Files.writeString(dir.resolve("in"), "from stdin\n");
        ok("run", "io", "command=sh -c 'cat; echo to-err >&2'", "cwd=" + dir, "stdin_path=in",
                "stdout_path=out", "stderr_path=" + dir + "/err");
        ok("wait", "io");
        assertEquals("from stdin\n", Files.readString(dir.resolve("out")));
        assertEquals("to-err\n", Files.readString(dir.resolve("err")));
        assertEquals("from stdin\n", ok("get", "io", "stdout").out(), "a user's file is read back too");
        ok("destroy", "io");
        assertTrue(Files.exists(dir.resolve("out")), "a user's file is the user's: destroy keeps it");
    }

    @Test
    void devFdIsTheClientsOwnDescriptor() throws Exception {
        Path script = PortodProcess.portoctlScript(scratch);
        Path file = scratch.resolve("fd3");
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", script + " run viafd 'command=echo through the client'"
                + " stdout_path=/dev/fd/3 3>" + file + " && " + script + " wait viafd").redirectErrorStream(true);
        pb.environment().putAll(portod.env());
        Process p = pb.start();
        p.getOutputStream().close();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), said);
        assertEquals("through the client\n", Files.readString(file));
        fails("InvalidData", "get", "viafd", "stdout");
        ok("destroy", "viafd");
    }
}

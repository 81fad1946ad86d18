package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The quick start's "Basics" and "Properties" sections, command by command, against a real portod.
 * Where the quick start reads a dead container's state right after "run", the test first waits
 * for the death (the quick start's commands are fast enough that a person never sees the race).
 */
class QuickStartTest extends PortodTest {
    private static void runToDeath(String name, String... props) throws Exception {
        String[] args = new String[props.length + 2];
        args[0] = "run";
        args[1] = name;
        System.arraycopy(props, 0, args, 2, props.length);
        ok(args);
        portod.awaitState(name, "dead", Duration.ofSeconds(30));
    }

    private static String host(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    @Test
    void unameRunsAndIsDeadWithItsOutputStored() throws Exception {
        runToDeath("uname", "command=uname -a");
        assertEquals("dead", get("uname", "state"));
        assertEquals(host("uname", "-a"), ok("get", "uname", "stdout").out().replaceAll("\n$", "") + "\n");
        ok("destroy", "uname");
        assertNotEquals(0, portod.portoctl("get", "uname", "state").code());
    }

    @Test
    void processesRunInTheirOwnPidNamespace() throws Exception {
        runToDeath("ps", "command=ps aux");
        String[] lines = ok("get", "ps", "stdout").out().strip().split("\n");
        assertEquals(2, lines.length, "only ps itself is visible: " + String.join("\n", lines));
        assertTrue(lines[0].startsWith("USER"), lines[0]);
        String[] fields = lines[1].trim().split("\\s+");
        assertEquals("1", fields[1], "ps is pid 1 of its namespace: " + lines[1]);
        assertTrue(lines[1].endsWith("ps aux"), lines[1]);
        ok("destroy", "ps");
    }

    @Test
    void hostNetworkIsShared() throws Exception {
        runToDeath("ip", "command=ip link show");
        String inside = ok("get", "ip", "stdout").out();
        for (String line : host("ip", "link", "show").split("\n"))
            if (line.matches("^[0-9]+: .*"))
                assertTrue(inside.contains(line.substring(0, line.indexOf('<'))), "interface " + line + " is visible");
        ok("destroy", "ip");
    }

    @Test
    void hostFilesystemIsShared() throws Exception {
        runToDeath("ls", "command=ls /");
        assertEquals(host("ls", "/"), ok("get", "ls", "stdout").out());
        ok("destroy", "ls");
    }

    @Test
    void userAndGroupAreTheCallers() throws Exception {
        ok("create", "id");
        ok("set", "id", "command", "id");
        assertEquals("root", get("id", "user"));
        assertEquals("root", get("id", "group"));
        ok("start", "id");
        portod.awaitState("id", "dead", Duration.ofSeconds(30));
        assertEquals(host("id"), ok("get", "id", "stdout").out());
        ok("destroy", "id");
    }

    @Test
    void failedStartReportsErrno() throws Exception {
        ok("create", "invalid");
        ok("set", "invalid", "command", "__invalid_command__");
        PortodProcess.Run start = portod.portoctl("start", "invalid");
        assertNotEquals(0, start.code());
        assertEquals("Can't start container: Unknown (No such file or directory: execvpe(__invalid_command__))", start.err().strip());
        assertEquals("2", get("invalid", "start_errno"));
        assertEquals("stopped", get("invalid", "state"));
        ok("destroy", "invalid");
    }

    @Test
    void exitStatusIsHumanisedByGetAndRawByDget() throws Exception {
        runToDeath("true", "command=true");
        runToDeath("false", "command=false");
        assertEquals("Container exited with 0", get("true", "exit_status"));
        assertEquals("Container exited with 1", get("false", "exit_status"));
        ok("run", "sleep", "command=sleep 1000");
        String pid = get("sleep", "root_pid");
        PortodProcess.signal(Long.parseLong(pid), "9");
        portod.awaitState("sleep", "dead", Duration.ofSeconds(30));
        assertEquals("Container killed by signal 9", get("sleep", "exit_status"));
        assertEquals("9", ok("dget", "sleep", "exit_status").line());
        assertEquals("0", ok("dget", "true", "exit_status").line());
        assertEquals("256", ok("dget", "false", "exit_status").line());
        assertEquals("false", get("false", "oom_killed"));
        assertEquals("1", get("false", "exit_code"));
        assertEquals("-9", get("sleep", "exit_code"));
        ok("destroy", "true");
        ok("destroy", "false");
        ok("destroy", "sleep");
    }

    @Test
    void environmentWorkingDirectoryAndLimits() throws Exception {
        runToDeath("env", "command=bash -c 'env | grep TEST_PORTO'", "env=TEST_PORTO1=1; TEST_PORTO2=2");
        assertEquals(Set.of("TEST_PORTO1=1", "TEST_PORTO2=2"), Set.of(ok("get", "env", "stdout").out().strip().split("\n")));

        runToDeath("cwd", "command=pwd", "cwd=/tmp");
        assertEquals("/tmp", ok("get", "cwd", "stdout").line());

        // This host's hard nofile limit is 20000 and root lacks CAP_SYS_RESOURCE, so the quick
        // start's nofile of 819200 cannot be applied; values under the hard limit are.
        runToDeath("ulimit", "command=bash -c 'builtin ulimit -a'", "ulimit=nproc: 20480 30720; nofile: 8192 16384");
        String limits = ok("get", "ulimit", "stdout").out();
        assertTrue(limits.matches("(?s).*open files\\s+\\(-n\\) 8192\n.*"), limits);
        assertTrue(limits.matches("(?s).*max user processes\\s+\\(-u\\) 20480\n.*"), limits);
        for (String n : new String[] {"env", "cwd", "ulimit"})
            ok("destroy", n);
    }

    @Test
    void rootPidIsTheHostPidOfTheCommand() throws Exception {
        ok("run", "sleep2", "command=sleep 1000");
        String pid = get("sleep2", "root_pid");
        assertEquals(Path.of("/usr/bin/sleep"), Files.readSymbolicLink(Path.of("/proc", pid, "exe")));
        ok("destroy", "sleep2");
        assertTrue(!Files.exists(Path.of("/proc", pid)) || Files.readString(Path.of("/proc", pid, "stat")).contains(") Z"),
                "destroy killed the task");
    }

    @Test
    void stdinIsDevNullAndOutputFilesAreInThePlace() throws Exception {
        runToDeath("stdin", "command=cat");
        assertEquals("", ok("get", "stdin", "stdout").line());
        assertTrue(Files.isRegularFile(portod.place.resolve("stdin").resolve("stdout")));
        ok("destroy", "stdin");
        assertTrue(!Files.exists(portod.place.resolve("stdin")), "destroy removes the working directory");
    }
}

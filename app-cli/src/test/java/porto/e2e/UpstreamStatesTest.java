package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import porto.client.PortoClient;
import porto.client.WaitEvent;

/** Issue 14: which values a container has in which state, and the events a waiter sees, as upstream 5.3.15. */
class UpstreamStatesTest extends PortodTest {
    /** Values of a run: none while stopped. */
    private static final List<String> RUNTIME = List.of("root_pid", "memory_usage", "cpu_usage", "process_count",
            "thread_count", "stdout", "stderr", "stdout_offset", "stderr_offset", "io_read", "cache_usage");
    /** Values of a death: only while dead. */
    private static final List<String> DEATH = List.of("exit_code", "exit_status", "oom_killed", "core_dumped", "death_time");

    private static void invalidState(String name, List<String> properties) {
        for (String p : properties)
            Errors.expect("InvalidState", () -> client.getProperty(name, p));
    }

    @Test
    void valuesOfARunAndOfADeathAreThereOnlyInTheirStates() {
        client.create("st");
        invalidState("st", RUNTIME);
        invalidState("st", DEATH);
        assertEquals("", client.getProperty("st", "start_time"), "never started: empty, as upstream");

        client.setProperty("st", "command", "sleep 1000");
        client.start("st");
        assertTrue(Integer.parseInt(client.getProperty("st", "root_pid")) > 0);
        assertTrue(Long.parseLong(client.getProperty("st", "memory_usage")) >= 0);
        assertTrue(Long.parseLong(client.getProperty("st", "cpu_usage")) >= 0);
        assertEquals("1", client.getProperty("st", "process_count"));
        assertEquals("", client.getProperty("st", "stdout"));
        invalidState("st", DEATH);

        client.kill("st", 9);
        assertNotNull(client.waitContainers(List.of("st"), 10_000));
        assertEquals("dead", client.getProperty("st", "state"));
        Errors.expect("InvalidState", () -> client.getProperty("st", "root_pid"));
        assertEquals("-9", client.getProperty("st", "exit_code"));
        assertEquals("9", client.getProperty("st", "exit_status"));
        assertEquals("false", client.getProperty("st", "oom_killed"));
        assertEquals("false", client.getProperty("st", "core_dumped"));
        assertTrue(client.getProperty("st", "death_time").matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d"));
        assertEquals("0", client.getProperty("st", "process_count"));
        assertEquals("", client.getProperty("st", "stdout"));
        client.getProperty("st", "memory_usage");

        assertTrue(Long.parseLong(client.getProperty("st", "time[dead]")) >= 0);
        client.stop("st");
        assertEquals("0", client.getProperty("st", "time"), "a stopped container has run no time, as upstream");
        Errors.expect("InvalidState", () -> client.getProperty("st", "time[dead]"));
        assertEquals("1", client.getProperty("/", "root_pid"));
        invalidState("st", RUNTIME);
        invalidState("st", DEATH);
        client.destroy("st");
    }

    @Test
    void aCoreDumpIsReported() {
        client.create("core");
        client.setProperty("core", "command", "sleep 1000");
        client.setProperty("core", "isolate", "false"); // a pid namespace's init ignores SIGSEGV from outside
        client.setProperty("core", "ulimit", "core: unlimited unlimited");
        client.start("core");
        client.kill("core", 11);
        assertNotNull(client.waitContainers(List.of("core"), 10_000));
        assertEquals("-11", client.getProperty("core", "exit_code"));
        // This host's core_pattern is "core": the dump goes to the task's cwd, the container's own directory.
        assertEquals("true", client.getProperty("core", "core_dumped"));
        assertEquals(0x80 | 11, Integer.parseInt(client.getProperty("core", "exit_status")));
        client.destroy("core");
    }

    @Test
    void asyncWaitReportsEveryStateInOrderStartingIncluded() {
        try (PortoClient watcher = portod.client(); PortoClient c = portod.client()) {
            watcher.asyncWait(List.of("ev"));
            c.create("ev");
            c.setProperty("ev", "command", "true");
            c.start("ev");
            List<String> seen = new ArrayList<>();
            while (!seen.contains("dead")) {
                WaitEvent e = watcher.nextEvent(10_000);
                assertNotNull(e, "events so far: " + seen);
                seen.add(e.state());
            }
            assertEquals(List.of("stopped", "starting", "running", "dead"), seen);
            c.destroy("ev");
        }
    }
}

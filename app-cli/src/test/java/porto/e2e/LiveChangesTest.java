package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Changes to a running container whose kernel work the daemon does with its tree lock released
 * (a limit written, the rest of a cgroup killed after its task died), seen from outside: what the
 * kernel refuses leaves the old value, and what a death must kill is killed. The lock itself is
 * proved by the domain tests (FreezerWritesTest, LiveLimitsTest, KillAfterDeathTest), which can
 * hold a kernel write on a latch; a real freezer or limit write cannot be held without timing.
 */
class LiveChangesTest extends PortodTest {
    private Path script;

    @AfterEach
    void cleanUp() throws Exception {
        for (String name : client.list())
            if (!name.equals("/") && !name.contains("/"))
                client.destroy(name);
        if (script != null)
            Files.deleteIfExists(script);
    }

    private static String value(String name, String property) {
        return client.getProperty(name, property);
    }

    @Test
    void aMemoryLimitBelowLockedMemoryIsRefusedAndTheOldLimitKept() throws Exception {
        script = Files.createTempFile("porto-pinned", ".py");
        // 48M locked in memory: no reclaim can bring the cgroup under a smaller limit.
        Files.writeString(script, """
                import ctypes, time
                if ctypes.CDLL(None, use_errno=True).mlockall(3) != 0:
                    raise SystemExit('mlockall failed: errno %d' % ctypes.get_errno())
                held = bytearray(48 << 20)
                print('ready', flush=True)
                time.sleep(600)
                """);
        client.create("pinned");
        client.setProperty("pinned", "command", "/usr/bin/python3 " + script);
        client.setProperty("pinned", "memory_limit", "256M");
        client.start("pinned");
        ContainerCgroup memory = ContainerCgroup.of(client, "pinned", "memory");
        assumeFalse(memory.unified(), "cgroup2's memory.max takes any value and OOM-kills instead of refusing;"
                + " this host's memory controller is on cgroup2");
        Await.until("the task holds its memory", Duration.ofSeconds(30), () -> value("pinned", "stdout").contains("ready"));

        String message = Errors.expect("ResourceNotAvailable", () -> client.setProperty("pinned", "memory_limit", "16M"));
        assertTrue(message.contains("memory_limit"), message);
        assertEquals(Long.toString(256L << 20), value("pinned", "memory_limit"));
        assertEquals(Long.toString(256L << 20), memory.read("memory.limit_in_bytes", "memory.max"));
        assertEquals("running", value("pinned", "state"));

        client.setProperty("pinned", "memory_limit", "128M");
        assertEquals(Long.toString(128L << 20), value("pinned", "memory_limit"));
        assertEquals(Long.toString(128L << 20), memory.read("memory.limit_in_bytes", "memory.max"));
    }

    @Test
    void whenTheTaskDiesWhatItLeftInItsCgroupIsKilled() throws Exception {
        client.create("leaver");
        // The host's pid namespace, so the pid it prints is one this test can look up.
        client.setProperty("leaver", "isolate", "false");
        client.setProperty("leaver", "command", "sh -c 'sleep 600 & echo $!; exit 3'");
        client.start("leaver");
        portod.awaitState("leaver", "dead", Duration.ofSeconds(30));
        assertEquals("3", value("leaver", "exit_code"));
        String left = value("leaver", "stdout").strip();
        Path proc = Path.of("/proc", left, "stat");
        Await.until("process " + left + " is killed", Duration.ofSeconds(30),
                () -> !Files.exists(proc) || Files.readString(proc).replaceFirst(".*\\) ", "").startsWith("Z"));
        assertEquals("0", value("leaver", "process_count"));
        // A change after the death is taken at once.
        client.destroy("leaver");
    }
}

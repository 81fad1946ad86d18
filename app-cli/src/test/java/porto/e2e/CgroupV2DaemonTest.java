package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import porto.client.PortoClient;
import porto.linux.CgroupMounts;

/**
 * A real portod on the cgroup v2 adapter. On this hybrid host v1 holds the controllers, so the
 * daemon is told to use the unified tree with none of them (PORTO_CGROUP_VERSION=2 and an empty
 * PORTO_CGROUP_V2_CONTROLLERS): what needs no controller must work (tasks in %task leaves,
 * pause, stop, nesting, cpu time from cpu.stat) and every limit must say NotSupported and why.
 */
class CgroupV2DaemonTest {
    static PortodProcess portod;
    static PortoClient client;
    static Path unified;

    @BeforeAll
    static void up() throws Exception {
        Prerequisites.check();
        unified = CgroupMounts.detect().unified();
        assumeTrue(unified != null && Files.isWritable(unified.resolve("cgroup.procs")), "needs a writable cgroup2 mount");
        portod = PortodProcess.start(Map.of("PORTO_CGROUP_VERSION", "2", "PORTO_CGROUP_V2_CONTROLLERS", ""));
        client = portod.client();
    }

    @AfterAll
    static void down() throws Exception {
        if (client != null)
            client.close();
        if (portod != null)
            portod.close();
    }

    private static Path dir(String name) {
        return unified.resolve(portod.cgroupRoot).resolve(name);
    }

    @Test
    void tasksLiveInLeavesAndPauseFreezesThem() throws Exception {
        client.create("v2");
        client.setProperty("v2", "command", "sleep 30");
        client.start("v2");
        String pid = client.getProperty("v2", "root_pid");
        assertTrue(Files.readString(Path.of("/proc", pid, "cgroup")).contains("0::/" + portod.cgroupRoot + "/v2/%task"));
        assertEquals("cpuacct;freezer", client.getProperty("v2", "controllers"));
        client.pause("v2");
        assertTrue(client.getProperty("v2", "cgroup.events").contains("frozen 1"));
        client.resume("v2");
        assertTrue(client.getProperty("v2", "cgroup.events").contains("frozen 0"));
        client.create("v2/child");
        client.setProperty("v2/child", "command", "sleep 30");
        client.start("v2/child");
        String childPid = client.getProperty("v2/child", "root_pid");
        assertTrue(Files.readString(dir("v2/child/%task/cgroup.procs")).contains(childPid));
        assertEquals("2", client.getProperty("v2", "process_count"), "the parent counts its child's task");
        client.stop("v2");
        assertFalse(Files.exists(dir("v2")), "stop removes the cgroups, leaves and all");
        client.destroy("v2");
    }

    @Test
    void cpuTimeComesFromCpuStat() throws Exception {
        client.create("spin2");
        client.setProperty("spin2", "command", "sh -c 'while :; do :; done'");
        client.start("spin2");
        Await.until("spin2 has run a tenth of a second", java.time.Duration.ofSeconds(30),
                () -> Long.parseLong(client.getProperty("spin2", "cpu_usage")) > 100_000_000L);
        long kernel = usage(Files.readString(dir("spin2/cpu.stat")));
        long ours = Long.parseLong(client.getProperty("spin2", "cpu_usage"));
        long after = usage(Files.readString(dir("spin2/cpu.stat")));
        assertTrue(ours >= kernel && ours <= after, kernel + " <= " + ours + " <= " + after);
        assertTrue(ours > 100_000_000L, "the loop ran for a while: " + ours);
        assertTrue(Long.parseLong(client.getProperty("spin2", "cpu_wait")) >= 0, "cpu.pressure gives the wait");
        assertTrue(client.getProperty("spin2", "cpu.stat").startsWith("usage_usec"));
        client.destroy("spin2");
    }

    private static long usage(String cpuStat) {
        return cpuStat.lines().filter(l -> l.startsWith("usage_usec ")).mapToLong(l -> Long.parseLong(l.substring(11)) * 1000)
                .findFirst().orElseThrow();
    }

    @Test
    void limitsWithoutTheirControllerAreNotSupported() throws Exception {
        client.create("lim");
        for (String[] p : new String[][] {{"memory_limit", "64M"}, {"cpu_limit", "1c"}, {"thread_limit", "10"},
                {"io_weight", "2"}, {"anon_limit", "1G"}, {"memory_guarantee", "1G"}}) {
            String message = Errors.expect("NotSupported", () -> client.setProperty("lim", p[0], p[1]));
            assertTrue(message.contains("cgroup v2"), p[0] + ": " + message);
        }
        client.setProperty("lim", "command", "sleep 30");
        client.start("lim");
        assertTrue(Errors.expect("NotSupported", () -> client.getProperty("lim", "memory_usage")).contains("memory"));
        client.destroy("lim");
        assertFalse(Files.exists(dir("lim")));
    }
}

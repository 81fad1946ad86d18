package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 14: default values as upstream 5.3.15 has them, capped only where this host forces it. */
class UpstreamDefaultsTest extends PortodTest {

    /** "soft hard" of one line of /proc/PID/limits text, "unlimited" kept as a word. */
    private static String limit(String limits, String title) {
        for (String line : limits.split("\n"))
            if (line.startsWith(title)) {
                String[] words = line.substring(title.length()).trim().split("\\s+");
                return words[0] + " " + words[1];
            }
        throw new AssertionError("no " + title + " in\n" + limits);
    }

    private static long hostHard(String title) throws Exception {
        String hard = limit(String.join("\n", Files.readAllLines(Path.of("/proc/self/limits"))), title).split(" ")[1];
        return hard.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(hard);
    }

    private static String limitsOf(String name) {
        client.setProperty(name, "command", "cat /proc/self/limits");
        client.start(name);
        client.waitContainers(List.of(name), 10_000);
        return client.getProperty(name, "stdout");
    }

    @Test
    void aTaskGetsUpstreamsDefaultUlimitCappedByTheHostsHardLimits() throws Exception {
        client.create("ul");
        assertEquals("", client.getProperty("ul", "ulimit"), "as upstream, a container's own ulimit is empty");
        String limits = limitsOf("ul");
        assertEquals("0 unlimited", limit(limits, "Max core file size"));
        // nofile: 8K 1M, the hard part capped by this host's hard limit (root lacks CAP_SYS_RESOURCE here).
        assertEquals("8192 " + Math.min(1 << 20, hostHard("Max open files")), limit(limits, "Max open files"));
        // nproc: half of the smaller of pid_max and threads-max.
        long pidMax = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/kernel/pid_max")).get(0).trim());
        long threadsMax = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/kernel/threads-max")).get(0).trim());
        long nproc = Math.min(Math.min(pidMax, threadsMax) / 2, hostHard("Max processes"));
        assertEquals(nproc + " " + nproc, limit(limits, "Max processes"));
        // memlock: 8M soft, unlimited hard, unless this host's hard limit is lower.
        long memlockHard = hostHard("Max locked memory");
        String expected = memlockHard == Long.MAX_VALUE ? (8 << 20) + " unlimited"
                : Math.min(8 << 20, memlockHard) + " " + memlockHard;
        assertEquals(expected, limit(limits, "Max locked memory"));
        if (hostHard("Max open files") < (1 << 20))
            assertTrue(portod.logText().contains("default ulimit nofile"), "the cap is logged:\n" + portod.logText());
        client.destroy("ul");
    }

    @Test
    void aChildTakesWhatItsParentSetAndItDidNot() throws Exception {
        client.create("ulp");
        client.setProperty("ulp", "ulimit", "nofile: 1000 2000; core: 0 0");
        client.start("ulp");
        client.create("ulp/c");
        client.setProperty("ulp/c", "ulimit", "core: 0 4096");
        assertEquals("core: 0 4096", client.getProperty("ulp/c", "ulimit[core]"), "an entry, as upstream prints it");
        assertEquals("", client.getProperty("ulp/c", "ulimit[nofile]"), "its own ulimit has no nofile");
        String limits = limitsOf("ulp/c");
        assertEquals("1000 2000", limit(limits, "Max open files"));
        assertEquals("0 4096", limit(limits, "Max core file size"));
        client.destroy("ulp");
    }

    @Test
    void theHostAnswersItsStatisticsFromTheHierarchyRoots() throws Exception {
        client.create("busy");
        client.setProperty("busy", "command", "sh -c 'echo started; sleep 1000'");
        client.start("busy");
        Await.until("the container used some cpu", java.time.Duration.ofSeconds(20),
                () -> Long.parseLong(client.getProperty("busy", "cpu_usage")) > 0);
        long hostCpu = Long.parseLong(client.getProperty("/", "cpu_usage"));
        assertTrue(hostCpu >= Long.parseLong(client.getProperty("busy", "cpu_usage")), "the root counts every task");
        long rootCpu = Long.parseLong(String.join("", Files.readAllLines(Path.of("/sys/fs/cgroup/cpuacct/cpuacct.usage"))).trim());
        assertTrue(hostCpu <= rootCpu, "read from the cpuacct root: " + hostCpu + " then " + rootCpu);
        long hostMemory = Long.parseLong(client.getProperty("/", "memory_usage"));
        assertTrue(hostMemory >= Long.parseLong(client.getProperty("busy", "memory_usage")) && hostMemory > (1 << 20),
                "memory of the whole host: " + hostMemory);
        for (String p : List.of("anon_usage", "cache_usage", "minor_faults", "major_faults", "cpu_usage_system"))
            assertTrue(Long.parseLong(client.getProperty("/", p)) >= 0, p);
        assertTrue(client.getProperty("/", "io_read").contains("hw: "), client.getProperty("/", "io_read"));
        assertTrue(client.getProperty("/", "ulimit").startsWith("core: 0 unlimited; nofile: 8192 "), client.getProperty("/", "ulimit"));
        client.destroy("busy");
    }
}

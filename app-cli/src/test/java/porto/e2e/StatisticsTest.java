package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import porto.client.PortoClient;
import porto.client.PortoClientException;
import porto.rpc.Rpc;
import porto.rpc.Rpc.TContainerRequest;

/**
 * Statistics of upstream 5.3.15 read from the kernel on demand: memory.stat fields, OOM kills,
 * cpu throttling, disk operations, the processes' memory; NotSupported naming what the kernel lacks.
 */
class StatisticsTest {
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

    /** Polls a kernel counter until it passes; the kernel updates these on its own schedule. */
    private static void await(String what, Supplier<Boolean> done) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!done.get()) {
            if (System.nanoTime() > deadline)
                throw new AssertionError(what + " did not happen in 30 s");
            Thread.sleep(100);
        }
    }

    private static long number(String name, String property) {
        return Long.parseLong(c.getProperty(name, property));
    }

    @Test
    void memoryCpuAndProcessStatisticsOfARunningContainer() throws Exception {
        c.create("st");
        try {
            Errors.expect("InvalidState", () -> c.getProperty("st", "shmem_usage"));
            c.setProperty("st", "command", "sh -c 'while :; do :; done'");
            c.setProperty("st", "cpu_limit", "0.1c");
            c.start("st");
            for (String p : List.of("shmem_usage", "mlock_usage", "memory_reclaimed", "oom_kills", "oom_kills_total"))
                assertTrue(number("st", p) >= 0, p);
            assertEquals(0, number("st", "oom_kills"));
            await("throttling by cpu_limit", () -> number("st", "cpu_throttled") > 0);
            Map<String, String> vm = parse(c.getProperty("st", "virtual_memory"));
            assertTrue(Long.parseLong(vm.get("count")) >= 1 && Long.parseLong(vm.get("size")) > 0 && Long.parseLong(vm.get("used")) > 0, vm.toString());
            for (String p : List.of("io_read_ops", "io_write_ops"))
                assertTrue(parse(c.getProperty("st", p)).containsKey("hw"), p);
            try {
                assertTrue(parse(c.getProperty("st", "io_time")).containsKey("hw"));
            } catch (PortoClientException e) {
                assertEquals("NotSupported", PortoClientException.errorName(e.code()));
                assertTrue(e.errorMessage().contains("disk time"), e.errorMessage());
            }
            String why = Errors.expect("NotSupported", () -> c.getProperty("st", "anon_max_usage"));
            assertTrue(why.contains("memory.anon.max_usage"), why);
            var status = c.call(TContainerRequest.newBuilder().setListContainersBy(Rpc.TListContainersRequest.newBuilder()
                    .addFilters(Rpc.TListContainersFilter.newBuilder().setName("st"))
                    .setFieldOptions(Rpc.TListContainersFieldOptions.newBuilder().addProperties("virtual_memory").addProperties("cpu_throttled")))
                    .build()).getListContainersBy().getContainers(0).getStatus();
            assertTrue(status.getVirtualMemory().getCount() >= 1 && status.getCpuThrottled() > 0, status.toString());
        } finally {
            c.destroy("st");
        }
    }

    @Test
    void oomKillsAreCounted() throws Exception {
        c.create("oom");
        c.create("oom/in");
        try {
            c.setProperty("oom", "memory_limit", "32M");
            c.setProperty("oom/in", "memory_limit", "16M");
            c.setProperty("oom/in", "oom_is_fatal", "false");
            // tail keeps reading a line that never ends until the OOM killer stops it; sh lives on.
            c.setProperty("oom/in", "command", "sh -c 'tail /dev/zero; sleep 1000'");
            c.start("oom/in");
            await("an OOM kill", () -> number("oom/in", "oom_kills") >= 1);
            assertEquals("running", c.getProperty("oom/in", "state"));
            assertTrue(number("oom/in", "oom_kills_total") >= 1);
            assertTrue(number("oom", "oom_kills_total") >= 1, "the parent counts its children's");
        } finally {
            c.destroy("oom");
        }
    }

    @Test
    void cpuBoundsAndTotals() {
        c.create("cb");
        c.create("cb/a");
        c.create("cb/b");
        try {
            c.setProperty("cb", "cpu_limit", "1.5c");
            c.setProperty("cb", "cpu_guarantee", "0.2c");
            c.setProperty("cb/a", "cpu_limit", "0.5c");
            c.setProperty("cb/a", "cpu_guarantee", "0.3c");
            c.setProperty("cb/b", "cpu_guarantee", "0.1c");
            assertEquals("0.5c", c.getProperty("cb/a", "cpu_limit_bound"));
            assertEquals("1.5c", c.getProperty("cb/b", "cpu_limit_bound"), "the parent's limit");
            assertEquals("0.2c", c.getProperty("cb/b", "cpu_guarantee_bound"), "the parent's larger guarantee");
            assertEquals("0.3c", c.getProperty("cb/a", "cpu_guarantee_bound"));
            assertEquals("0.4c", c.getProperty("cb", "cpu_guarantee_total"), "the children's, being more");
            assertEquals("0c", c.getProperty("cb", "cpu_limit_total"), "nothing runs");
            c.setProperty("cb/a", "command", "sleep 1000");
            c.start("cb/a");
            assertEquals("0.5c", c.getProperty("cb", "cpu_limit_total"));
            String why = Errors.expect("NotSupported", () -> c.getProperty("cb", "cpu_unconstrained_wait"));
            assertTrue(why.contains("offstream"), why);
        } finally {
            c.destroy("cb");
        }
    }

    @Test
    void hugetlbLimitIsRefusedWithTheReason() {
        c.create("huge");
        try {
            assertEquals("0", c.getProperty("huge", "hugetlb_limit"));
            c.setProperty("huge", "hugetlb_limit", "0");
            String why = Errors.expect("NotSupported", () -> c.setProperty("huge", "hugetlb_limit", "1G"));
            assertTrue(why.contains("hugetlb"), why);
            Errors.expect("InvalidValue", () -> c.setProperty("huge", "hugetlb_limit", "lots"));
        } finally {
            c.destroy("huge");
        }
    }

    private static Map<String, String> parse(String text) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (String item : text.split(";")) {
            String[] kv = item.split(":", 2);
            if (kv.length == 2)
                m.put(kv[0].trim(), kv[1].trim());
        }
        return m;
    }
}

package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import porto.client.PortoClient;
import porto.client.PortoClientException;
import porto.rpc.Rpc;
import porto.rpc.Rpc.TContainerRequest;

/**
 * Statistics of upstream 5.3.15 read from the kernel on demand: memory.stat fields, OOM kills,
 * cpu throttling, disk operations, the processes' memory; NotSupported naming what the kernel lacks.
 */
class StatisticsTest extends PortodTest {
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
        return Long.parseLong(client.getProperty(name, property));
    }

    @Test
    void memoryCpuAndProcessStatisticsOfARunningContainer() throws Exception {
        client.create("st");
        try {
            Errors.expect("InvalidState", () -> client.getProperty("st", "shmem_usage"));
            client.setProperty("st", "command", "sh -c 'while :; do :; done'");
            client.setProperty("st", "cpu_limit", "0.1c");
            client.start("st");
            for (String p : List.of("shmem_usage", "mlock_usage", "memory_reclaimed", "oom_kills", "oom_kills_total"))
                assertTrue(number("st", p) >= 0, p);
            assertEquals(0, number("st", "oom_kills"));
            await("throttling by cpu_limit", () -> number("st", "cpu_throttled") > 0);
            Map<String, String> vm = parse(client.getProperty("st", "virtual_memory"));
            assertTrue(Long.parseLong(vm.get("count")) >= 1 && Long.parseLong(vm.get("size")) > 0 && Long.parseLong(vm.get("used")) > 0, vm.toString());
            for (String p : List.of("io_read_ops", "io_write_ops"))
                assertTrue(parse(client.getProperty("st", p)).containsKey("hw"), p);
            try {
                assertTrue(parse(client.getProperty("st", "io_time")).containsKey("hw"));
            } catch (PortoClientException e) {
                assertEquals("NotSupported", PortoClientException.errorName(e.code()));
                assertTrue(e.errorMessage().contains("disk time"), e.errorMessage());
            }
            String why = Errors.expect("NotSupported", () -> client.getProperty("st", "anon_max_usage"));
            assertTrue(why.contains("memory.anon.max_usage"), why);
            var status = client.call(TContainerRequest.newBuilder().setListContainersBy(Rpc.TListContainersRequest.newBuilder()
                    .addFilters(Rpc.TListContainersFilter.newBuilder().setName("st"))
                    .setFieldOptions(Rpc.TListContainersFieldOptions.newBuilder().addProperties("virtual_memory").addProperties("cpu_throttled")))
                    .build()).getListContainersBy().getContainers(0).getStatus();
            assertTrue(status.getVirtualMemory().getCount() >= 1 && status.getCpuThrottled() > 0, status.toString());
        } finally {
            client.destroy("st");
        }
    }

    @Test
    void oomKillsAreCounted() throws Exception {
        client.create("oom");
        client.create("oom/in");
        try {
            client.setProperty("oom", "memory_limit", "32M");
            client.setProperty("oom/in", "memory_limit", "16M");
            client.setProperty("oom/in", "oom_is_fatal", "false");
            // tail keeps reading a line that never ends until the OOM killer stops it; sh lives on.
            client.setProperty("oom/in", "command", "sh -c 'tail /dev/zero; sleep 1000'");
            client.start("oom/in");
            await("an OOM kill", () -> number("oom/in", "oom_kills") >= 1);
            assertEquals("running", client.getProperty("oom/in", "state"));
            assertTrue(number("oom/in", "oom_kills_total") >= 1);
            assertTrue(number("oom", "oom_kills_total") >= 1, "the parent counts its children's");
        } finally {
            client.destroy("oom");
        }
    }

    @Test
    void cpuBoundsAndTotals() {
        client.create("cb");
        client.create("cb/a");
        client.create("cb/b");
        try {
            client.setProperty("cb", "cpu_limit", "1.5c");
            client.setProperty("cb", "cpu_guarantee", "0.2c");
            client.setProperty("cb/a", "cpu_limit", "0.5c");
            client.setProperty("cb/a", "cpu_guarantee", "0.3c");
            client.setProperty("cb/b", "cpu_guarantee", "0.1c");
            assertEquals("0.5c", client.getProperty("cb/a", "cpu_limit_bound"));
            assertEquals("1.5c", client.getProperty("cb/b", "cpu_limit_bound"), "the parent's limit");
            assertEquals("0.2c", client.getProperty("cb/b", "cpu_guarantee_bound"), "the parent's larger guarantee");
            assertEquals("0.3c", client.getProperty("cb/a", "cpu_guarantee_bound"));
            assertEquals("0.4c", client.getProperty("cb", "cpu_guarantee_total"), "the children's, being more");
            assertEquals("0c", client.getProperty("cb", "cpu_limit_total"), "nothing runs");
            client.setProperty("cb/a", "command", "sleep 1000");
            client.start("cb/a");
            assertEquals("0.5c", client.getProperty("cb", "cpu_limit_total"));
            String why = Errors.expect("NotSupported", () -> client.getProperty("cb", "cpu_unconstrained_wait"));
            assertTrue(why.contains("offstream"), why);
        } finally {
            client.destroy("cb");
        }
    }

    @Test
    void hugetlbLimitIsRefusedWithTheReason() {
        client.create("huge");
        try {
            assertEquals("0", client.getProperty("huge", "hugetlb_limit"));
            client.setProperty("huge", "hugetlb_limit", "0");
            String why = Errors.expect("NotSupported", () -> client.setProperty("huge", "hugetlb_limit", "1G"));
            assertTrue(why.contains("hugetlb"), why);
            Errors.expect("InvalidValue", () -> client.setProperty("huge", "hugetlb_limit", "lots"));
        } finally {
            client.destroy("huge");
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

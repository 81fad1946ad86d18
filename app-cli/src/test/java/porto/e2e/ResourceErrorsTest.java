package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import porto.client.PortoClient;

/**
 * How resource properties refuse: bad values (InvalidValue, saying what was expected), the wrong
 * state (InvalidState), what this kernel lacks (NotSupported, saying why) and guarantees that
 * cannot be given (ResourceNotAvailable). This host runs cgroup v1 on a mainline kernel.
 */
class ResourceErrorsTest extends PortodTest {
    @AfterEach
    void destroyAll() {
        for (String name : client.list())
            if (!name.equals("/") && !name.contains("/"))
                client.destroy(name);
    }

    private static void set(String name, String property, String value) {
        client.setProperty(name, property, value);
    }

    @Test
    void badValuesSayWhatWasExpected() {
        client.create("bad");
        String[][] cases = {
            {"memory_limit", "lots", "512M"}, {"memory_limit", "100K", "1M"}, {"memory_guarantee", "-1", "size"},
            {"cpu_limit", "-1c", "2.5c"}, {"cpu_guarantee", "fast", "2.5c"},
            {"cpu_period", "5s", "1ms..1s"}, {"cpu_period", "soon", "100ms"}, {"cpu_weight", "0", "0.01..100"},
            {"cpu_policy", "fifo", "normal, high, rt, batch or idle"}, {"cpu_set", "a-b", "N-M"},
            {"cpu_set", "4000", "does not have"}, {"cpu_set", "threads 99", "1.."}, {"cpu_set", "node 7", "NUMA node"},
            {"io_policy", "urgent", "none, normal"}, {"io_weight", "200", "0.01..100"},
            {"io_limit", "nosuchdisk: 1M", "disk not found"}, {"io_limit", "/ x: 1M", "[r|w]"},
            {"io_ops_limit", "/: many", "integer"}, {"thread_limit", "-5", "non-negative"},
            {"oom_is_fatal", "maybe", "true or false"}, {"controllers", "bogus", "expected one of"},
        };
        for (String[] c : cases) {
            String message = Errors.expect("InvalidValue", () -> set("bad", c[0], c[1]));
            assertTrue(message.contains(c[2]), c[0] + "=" + c[1] + ": " + message);
        }
        Errors.expect("InvalidValue", () -> set("bad", "controllers[bogus]", "true"));
        Errors.expect("InvalidValue", () -> set("bad", "controllers[freezer]", "false"));
        assertEquals("0", client.getProperty("bad", "memory_limit"), "nothing refused was kept");
    }

    @Test
    void whatThisKernelLacksIsNotSupportedWithTheReason() throws Exception {
        client.create("ns");
        assertTrue(Errors.expect("NotSupported", () -> set("ns", "anon_limit", "1G")).contains("offstream"));
        assertTrue(Errors.expect("NotSupported", () -> set("ns", "dirty_limit", "1G")).contains("offstream"));
        assertTrue(Errors.expect("NotSupported", () -> set("ns", "recharge_on_pgfault", "true")).contains("offstream"));
        assertTrue(Errors.expect("NotSupported", () -> set("ns", "io_limit", "fs: 1M")).contains("fs"));
        assertTrue(Errors.expect("NotSupported", () -> set("ns", "io_limit", "10M")).contains("fs"));
        assertTrue(Errors.expect("NotSupported", () -> set("ns", "cpu_policy", "iso")).contains("offstream"));
        if (!Files.exists(Path.of("/sys/fs/cgroup/memory/memory.low_limit_in_bytes")))
            assertTrue(Errors.expect("NotSupported", () -> set("ns", "memory_guarantee", "1G")).contains("reclaim"));
        // The defaults are still accepted: specs that spell them out keep working.
        set("ns", "anon_limit", "0");
        set("ns", "recharge_on_pgfault", "false");
        set("ns", "command", "sleep 30");
        client.start("ns");
        assertTrue(Errors.expect("NotSupported", () -> client.getProperty("ns", "max_rss")).contains("offstream"));
        assertTrue(Errors.expect("NotSupported", () -> client.getProperty("ns", "cpu_wait")).contains("wait"));
        assertTrue(Errors.expect("NotSupported", () -> client.getProperty("ns", "hugetlb_usage")).contains("hugetlb"));
    }

    @Test
    void wrongStatesAreInvalidState() {
        client.create("st");
        Errors.expect("InvalidState", () -> client.getProperty("st", "memory_usage"));
        Errors.expect("InvalidState", () -> client.getProperty("st", "memory.stat"));
        Errors.expect("InvalidState", () -> client.getProperty("st", "io_read"));
        set("st", "command", "sleep 30");
        client.start("st");
        Errors.expect("InvalidState", () -> set("st", "controllers[cpuset]", "true"));
        client.create("st/nested");
        set("st/nested", "command", "sleep 30");
        client.start("st/nested");
        // A running container cannot get a controller it was started without.
        Errors.expect("InvalidState", () -> set("st/nested", "memory_limit", "64M"));
        assertEquals("0", client.getProperty("st/nested", "memory_limit"));
        assertTrue(Errors.expect("NotSupported", () -> client.getProperty("st/nested", "memory_usage")).contains("controllers[memory]"));
    }

    @Test
    void unknownKnobsAreUnknownProperties() {
        client.create("kn");
        set("kn", "command", "sleep 30");
        client.start("kn");
        Errors.expect("InvalidProperty", () -> client.getProperty("kn", "memory.no_such_knob"));
        Errors.expect("InvalidProperty", () -> client.getProperty("kn", "nosuch.knob"));
        Errors.expect("InvalidProperty", () -> client.getProperty("kn", "memory_usag"));
        assertTrue(client.getProperty("kn", "memory.stat").contains("total_rss"));
        assertEquals("THAWED", client.getProperty("kn", "freezer.state"));
    }

    @Test
    void guaranteesCannotExceedWhatTheParentCanGive() {
        client.create("g");
        set("g", "cpu_limit", "1c");
        client.create("g/a");
        set("g/a", "cpu_guarantee", "0.75c");
        client.create("g/b");
        set("g/b", "cpu_guarantee", "0.5c");
        client.start("g/a");
        String message = Errors.expect("ResourceNotAvailable", () -> client.start("g/b"));
        assertTrue(message.contains("cpu_limit"), message);
        set("g/b", "cpu_guarantee", "0.25c");
        client.start("g/b");
        // Lowering the parent's limit under its children's guarantees is refused as well.
        Errors.expect("ResourceNotAvailable", () -> set("g", "cpu_limit", "0.5c"));
        assertEquals("1c", client.getProperty("g", "cpu_limit"));
        assertEquals("1024", client.getProperty("g/a", "cpu.shares"), "a guarantee under one core keeps the default shares");
    }

    @Test
    void controllersCanBeEnabledOnAStoppedContainer() {
        client.create("c1");
        client.create("c1/c2");
        assertEquals("false", client.getProperty("c1/c2", "controllers[memory]"));
        set("c1/c2", "controllers[memory]", "true");
        assertEquals("true", client.getProperty("c1/c2", "controllers[memory]"));
        set("c1/c2", "command", "sleep 30");
        client.start("c1/c2");
        assertTrue(client.getProperty("c1/c2", "controllers").contains("memory"));
        assertTrue(Long.parseLong(client.getProperty("c1/c2", "memory_usage")) >= 0);
        assertEquals("/" + portod.cgroupRoot + "/c1/c2", client.getProperty("c1/c2", "cgroups[memory]"));
        assertEquals("/" + portod.cgroupRoot + "/c1", client.getProperty("c1/c2", "cgroups[cpu]"));
    }
}

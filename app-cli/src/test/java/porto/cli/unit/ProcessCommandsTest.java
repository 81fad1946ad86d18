package porto.cli.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import porto.cli.ProcessCommands;

class ProcessCommandsTest {
    private static final String PROC = "11:freezer:/porto%a/b\n4:memory:/porto%a\n0::/\n";

    @Test
    void readsEveryControllerOfEachLine() {
        Map<String, String> m = ProcessCommands.parseProcCgroup("3:cpu,cpuacct:/x\n0::/y\n");
        assertEquals(Map.of("cpu", "/x", "cpuacct", "/x", "", "/y"), m);
    }

    @Test
    void theContainerWhoseFreezerHoldsTheTaskOwnsIt() {
        Map<String, Map<String, String>> cts = Map.of(
                "a", ProcessCommands.parseCgroupsProperty("freezer: /porto%a; memory: /porto%a"),
                "a/b", ProcessCommands.parseCgroupsProperty("freezer: /porto%a/b; memory: /porto%a"),
                "a/bc", ProcessCommands.parseCgroupsProperty("freezer: /porto%a/bc"));
        assertEquals("a/b", ProcessCommands.owner(ProcessCommands.parseProcCgroup(PROC), cts));
        assertEquals("a/b", ProcessCommands.owner(ProcessCommands.parseProcCgroup("1:freezer:/porto%a/b/own\n"), cts),
                "a cgroup the task made below its container's");
        assertEquals("/", ProcessCommands.owner(ProcessCommands.parseProcCgroup("1:freezer:/\n"), cts));
        assertEquals("a", ProcessCommands.owner(ProcessCommands.parseProcCgroup("0::/porto%a\n"),
                Map.of("a", Map.of("freezer", "/porto%a"))), "a freezer on cgroup2");
    }
}

package porto.cli.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import porto.cli.FindCommand;

class FindCommandTest {
    private static final String PROC = "11:freezer:/porto%a/b\n4:memory:/porto%a\n0::/\n";

    @Test
    void readsEveryControllerOfEachLine() {
        Map<String, String> m = FindCommand.parseProcCgroup("3:cpu,cpuacct:/x\n0::/y\n");
        assertEquals(Map.of("cpu", "/x", "cpuacct", "/x", "", "/y"), m);
    }

    @Test
    void theContainerWhoseFreezerHoldsTheTaskOwnsIt() {
        Map<String, Map<String, String>> cts = Map.of(
                "a", FindCommand.parseCgroupsProperty("freezer: /porto%a; memory: /porto%a"),
                "a/b", FindCommand.parseCgroupsProperty("freezer: /porto%a/b; memory: /porto%a"),
                "a/bc", FindCommand.parseCgroupsProperty("freezer: /porto%a/bc"));
        assertEquals("a/b", FindCommand.owner(FindCommand.parseProcCgroup(PROC), cts));
        assertEquals("a/b", FindCommand.owner(FindCommand.parseProcCgroup("1:freezer:/porto%a/b/own\n"), cts),
                "a cgroup the task made below its container's");
        assertEquals("/", FindCommand.owner(FindCommand.parseProcCgroup("1:freezer:/\n"), cts));
        assertEquals("a", FindCommand.owner(FindCommand.parseProcCgroup("0::/porto%a\n"),
                Map.of("a", Map.of("freezer", "/porto%a"))), "a freezer on cgroup2");
    }
}

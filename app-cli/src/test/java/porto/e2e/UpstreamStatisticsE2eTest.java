package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import porto.rpc.Rpc;

/**
 * The last upstream 5.3.15 properties through a real portod on this kernel: the daemon's
 * porto_stat and porto_cpu_jail_state on "/", anon_limit_total and anon_only NotSupported naming
 * the offstream memory files this kernel lacks, net_tos at its default, and the network
 * statistics refused for the host's network (the L3 side is in NetworkStatisticsTest).
 */
class UpstreamStatisticsE2eTest extends PortodTest {
    private static Map<String, Long> map(String text) {
        Map<String, Long> out = new TreeMap<>();
        for (String part : text.split(";")) {
            if (part.isBlank())
                continue;
            String[] kv = part.trim().split(":\\s*", 2);
            out.put(kv[0], Long.parseUnsignedLong(kv[1].trim()));
        }
        return out;
    }

    @Test
    void everyNameIsListedWithADescription() {
        Map<String, String> listed = new TreeMap<>();
        client.propertyList().forEach(p -> listed.put(p.name(), p.description()));
        for (String name : List.of("anon_limit_total", "anon_only", "net_netstat", "net_snmp", "net_rx_max_speed", "net_tx_max_speed",
                "net_rx_speed_hgram", "net_tx_speed_hgram", "net_rx_overlimits", "net_tos", "porto_cpu_jail_state", "porto_stat"))
            assertTrue(listed.containsKey(name) && !listed.get(name).isBlank(), name + " in " + listed.keySet());
    }

    @Test
    void portoStatShowsTheNumbersGetSystemAnswers() throws Exception {
        ok("create", "ps");
        ok("create", "ps/a");
        ok("run", "ps/b", "command=sleep 1000");
        Map<String, Long> stat = map(get("/", "porto_stat"));
        var system = client.call(Rpc.TContainerRequest.newBuilder().setGetSystem(Rpc.TGetSystemRequest.getDefaultInstance())
                .build()).getGetSystem();
        assertEquals(system.getPortoStarts(), stat.get("spawned"));
        assertEquals(system.getContainerCreated(), stat.get("containers_created"));
        assertEquals(system.getContainerCount(), stat.get("containers"));
        assertEquals(system.getContainerStarted(), stat.get("containers_started"));
        assertTrue(stat.get("requests_completed") > 0 && stat.get("requests_completed") <= system.getRequestCompleted(), stat.toString());
        assertTrue(stat.get("porto_uptime") <= system.getPortoUptime() && stat.get("clients") >= 1, stat.toString());
        assertTrue(stat.get("memory_usage_mb") > 0 && stat.get("cpu_usage") > 0, "the daemon's own usage: " + stat);
        assertEquals("1", get("ps", "porto_stat[running_children]"));
        assertEquals(Long.toString(system.getContainerCount()), get("/", "porto_stat[containers]"));
        fails("InvalidValue", "get", "/", "porto_stat[no_such_statistic]");
        ok("destroy", "ps");
    }

    @Test
    void theCpuJailStateListsEveryCpuWithNoJail() throws Exception {
        String[] lines = ok("get", "/", "porto_cpu_jail_state").out().split("\n");
        assertEquals("core jails", lines[0]);
        assertEquals(Runtime.getRuntime().availableProcessors(), lines.length - 1, String.join("|", lines));
        for (int i = 1; i < lines.length; i++)
            assertTrue(lines[i].matches("\\d+\\s+00"), lines[i]);
    }

    @Test
    void anonFeaturesNameTheKernelFilesThisKernelLacks() throws Exception {
        ok("create", "an");
        String why = fails("NotSupported", "get", "an", "anon_limit_total").err();
        assertTrue(why.contains("memory.anon.limit") || why.contains("cgroup v2"), why);
        why = fails("NotSupported", "get", "an", "anon_only").err();
        assertTrue(why.contains("memory.anon.only"), why);
        fails("NotSupported", "set", "an", "anon_only", "true");
        fails("NotSupported", "set", "an", "anon_only", "false");
        ok("destroy", "an");
    }

    @Test
    void netTosKeepsItsDefaultClassOnly() throws Exception {
        ok("create", "tos");
        assertEquals("CS0", get("tos", "net_tos"));
        ok("set", "tos", "net_tos", "CS0");
        fails("InvalidValue", "set", "tos", "net_tos", "AF41");
        String why = fails("NotSupported", "set", "tos", "net_tos", "CS5").err();
        assertTrue(why.contains("DSCP"), why);
        assertEquals("CS0", get("tos", "net_tos"));
        ok("destroy", "tos");
    }

    @Test
    void networkStatisticsNeedANetworkOfTheContainersOwn() throws Exception {
        ok("create", "hostnet");
        ok("set", "hostnet", "command", "sleep 1000");
        for (String p : List.of("net_netstat", "net_snmp", "net_rx_max_speed", "net_tx_speed_hgram"))
            fails("InvalidState", "get", "hostnet", p);
        ok("start", "hostnet");
        for (String p : List.of("net_netstat", "net_snmp", "net_rx_max_speed", "net_tx_max_speed", "net_rx_speed_hgram",
                "net_tx_speed_hgram")) {
            fails("ResourceNotAvailable", "get", "hostnet", p);
            fails("ResourceNotAvailable", "get", "/", p);
        }
        assertTrue(map(get("hostnet", "net_rx_overlimits")).values().stream().allMatch(v -> v >= 0));
        ok("destroy", "hostnet");
    }
}

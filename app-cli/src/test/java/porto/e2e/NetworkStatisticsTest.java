package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import porto.rpc.Rpc;

/**
 * The statistics of an L3 container's network through a real portod in a test namespace: it sends
 * 2 MB to a sink outside at 10 Mbit/s (net_limit), and then its namespace's protocol counters
 * (net_snmp, net_netstat) show the connection, the sampled send speed stays near the limit
 * (net_tx_max_speed) with every sample below 10 MB/s (net_tx_speed_hgram's first bucket), and
 * net_rx_overlimits has its device.
 */
class NetworkStatisticsTest extends NetWorldTest {
    private static final long RATE = 1_250_000; // 10 Mbit/s in bytes/s
    private static final long BYTES = 2_000_000;

    private Map<String, Long> map(String name, String property) throws Exception {
        Map<String, Long> out = new TreeMap<>();
        for (String part : ok("get", name, property).line().split(";")) {
            if (part.isBlank())
                continue;
            String[] kv = part.trim().split(":\\s*", 2);
            out.put(kv[0], Long.parseUnsignedLong(kv[1].trim()));
        }
        return out;
    }

    @Test
    void anL3ContainersTrafficShowsInItsCountersAndSpeeds() throws Exception {
        Process sink = world.spawn(world.outside, "timeout", "60", "python3", world.sink.toString(), "7010", NetWorld.OUTSIDE_ADDRESS);
        ok("run", "talker", "net=L3 eth0", "ip=eth0 198.51.100.40", "net_limit=default: " + RATE,
                "command=sh -c 'timeout 30 python3 " + world.sender + " " + NetWorld.OUTSIDE_ADDRESS + " 7010 " + BYTES
                        + " && exec sleep 1000'");
        assertTrue(Long.parseLong(ok("get", "talker", "net_tx_max_speed").line()) >= 0, "readable at once");
        assertTrue(sink.waitFor(40, TimeUnit.SECONDS), "the sink got everything");
        String[] measured = new String(sink.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().split(" ");
        assertEquals(BYTES, Long.parseLong(measured[0]));

        Map<String, Long> snmp = map("talker", "net_snmp");
        assertTrue(snmp.get("ActiveOpens") >= 1, "the connection it opened: " + snmp);
        assertTrue(snmp.get("OutSegs") > BYTES / 65536, "the segments it sent: " + snmp);
        assertEquals(Long.toString(snmp.get("ActiveOpens")), ok("get", "talker", "net_snmp[ActiveOpens]").line());
        Map<String, Long> netstat = map("talker", "net_netstat");
        assertTrue(netstat.containsKey("TCPTimeouts") && netstat.containsKey("ListenDrops"), netstat.toString());
        assertTrue(map("talker", "net_rx_overlimits").containsKey("eth0"));

        Await.until("a send speed is sampled", Duration.ofSeconds(10),
                () -> Long.parseLong(ok("get", "talker", "net_tx_max_speed").line()) > 0);
        long txMax = Long.parseLong(ok("get", "talker", "net_tx_max_speed").line());
        assertTrue(txMax < 10L * 1024 * 1024, "shaped to 10 Mbit/s, never 10 MB/s in 25 ms: " + txMax);
        Map<String, Long> hgram = map("talker", "net_tx_speed_hgram");
        assertEquals(49, hgram.size(), hgram.toString());
        assertTrue(hgram.get("0") > 10, "the 2 s of sending were sampled every 25 ms: " + hgram);
        assertEquals(0L, hgram.entrySet().stream().filter(e -> !e.getKey().equals("0")).mapToLong(Map.Entry::getValue).sum(),
                "every sample below 10 MB/s: " + hgram);
        Long.parseLong(ok("get", "talker", "net_rx_max_speed").line());
        assertEquals(49, map("talker", "net_rx_speed_hgram").size());

        try (var client = portod.client()) { // the same in a status, the kernel's -1 as upstream's 2^64-1
            var status = client.call(Rpc.TContainerRequest.newBuilder().setListContainersBy(Rpc.TListContainersRequest.newBuilder()
                    .addFilters(Rpc.TListContainersFilter.newBuilder().setName("talker"))
                    .setFieldOptions(Rpc.TListContainersFieldOptions.newBuilder().addProperties("net_snmp").addProperties("net_netstat")))
                    .build()).getListContainersBy().getContainers(0).getStatus();
            Map<String, Long> fromStatus = new TreeMap<>();
            status.getNetSnmp().getMapList().forEach(kv -> fromStatus.put(kv.getKey(), kv.getVal()));
            assertEquals(snmp.get("ActiveOpens"), fromStatus.get("ActiveOpens"), status.toString());
            assertEquals(-1L, fromStatus.get("MaxConn"), "2^64-1 as a uint64");
            assertTrue(status.getNetNetstat().getMapCount() > 10, status.toString());
        }
        ok("run", "talker/child", "command=sleep 1000"); // in its parent's namespace
        assertEquals(snmp.get("ActiveOpens"), map("talker/child", "net_snmp").get("ActiveOpens"));
        ok("destroy", "talker");
    }
}

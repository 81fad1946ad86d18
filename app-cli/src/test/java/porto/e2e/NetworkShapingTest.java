package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * net_limit through a real portod in a test namespace: an L3 container limited to 10 Mbit/s sends
 * 3 MB (at most 30 s) to a sink in the "outside" namespace, which measures the rate; the class and
 * device counters grow with that traffic. Shaping a shared namespace is refused with the reason.
 */
class NetworkShapingTest extends NetWorldTest {
    private static final long RATE = 1_250_000; // 10 Mbit/s in bytes/s
    private static final long BYTES = 3_000_000;

    private static long value(String text, String device) {
        for (String part : text.split(";")) {
            String[] kv = part.trim().split(":\\s*", 2);
            if (kv[0].equals(device))
                return Long.parseLong(kv[1].trim());
        }
        throw new AssertionError("no " + device + " in '" + text + "'");
    }

    @Test
    void aTenMegabitLimitHoldsWithinFifteenPercentAndTheCountersGrow() throws Exception {
        Process sink = world.spawn(world.outside, "timeout", "60", "python3", world.sink.toString(), "7000", NetWorld.OUTSIDE_ADDRESS);
        ok("run", "shaped", "net=L3 eth0", "ip=eth0 198.51.100.20", "net_limit=default: " + RATE,
                "command=timeout 30 python3 " + world.sender + " " + NetWorld.OUTSIDE_ADDRESS + " 7000 " + BYTES);
        ok("wait", "shaped");
        assertEquals("0", ok("get", "shaped", "exit_code").line(), ok("get", "shaped", "stderr").out());
        assertTrue(sink.waitFor(30, TimeUnit.SECONDS));
        String[] measured = new String(sink.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().split(" ");
        assertEquals(BYTES, Long.parseLong(measured[0]));
        long rate = Long.parseLong(measured[1]);
        assertTrue(Math.abs(rate - RATE) <= RATE * 15 / 100, "measured " + rate + " bytes/s for a limit of " + RATE);

        assertEquals("eth0: 1:1", ok("get", "shaped", "net_class_id").line());
        assertTrue(value(ok("get", "shaped", "net_bytes").line(), "eth0") >= BYTES, ok("get", "shaped", "net_bytes").line());
        assertTrue(value(ok("get", "shaped", "net_packets").line(), "eth0") > BYTES / 65536);
        assertTrue(value(ok("get", "shaped", "net_overlimits").line(), "eth0") > 0, "the limit held packets back");
        assertTrue(value(ok("get", "shaped", "net_tx_bytes").line(), "eth0") >= BYTES);
        assertTrue(value(ok("get", "shaped", "net_rx_packets").line(), "eth0") > 0, "acknowledgements came back");
        ok("destroy", "shaped");
    }

    @Test
    void aLimitChangedWhileRunningTakesEffectAtOnce() throws Exception {
        ok("run", "live", "net=L3 eth0", "ip=eth0 198.51.100.22", "net_limit=default: 125000000", "command=sleep 1000");
        ok("set", "live", "net_limit", "default: " + RATE); // 1 Gbit/s down to 10 Mbit/s, running
        assertEquals("default: " + RATE, ok("get", "live", "net_limit").line());
        Process sink = world.spawn(world.outside, "timeout", "60", "python3", world.sink.toString(), "7001", NetWorld.OUTSIDE_ADDRESS);
        ok("run", "sender", "net=container live",
                "command=timeout 30 python3 " + world.sender + " " + NetWorld.OUTSIDE_ADDRESS + " 7001 " + BYTES);
        ok("wait", "sender");
        assertEquals("0", ok("get", "sender", "exit_code").line(), ok("get", "sender", "stderr").out());
        assertTrue(sink.waitFor(30, TimeUnit.SECONDS));
        String[] measured = new String(sink.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().split(" ");
        assertEquals(BYTES, Long.parseLong(measured[0]));
        long rate = Long.parseLong(measured[1]);
        assertTrue(Math.abs(rate - RATE) <= RATE * 15 / 100, "measured " + rate + " bytes/s after the limit became " + RATE);

        ok("set", "live", "net_limit", "");
        assertEquals("", ok("get", "live", "net_class_id").line(), "no limit left, no class left");
        ok("destroy", "sender");
        ok("destroy", "live");
        PortodProcess.Run shared = portod.portoctl("run", "shared", "command=sleep 1000");
        assertEquals(0, shared.code(), shared.err());
        PortodProcess.Run refused = portod.portoctl("set", "shared", "net_limit", "default: 1000000");
        assertTrue(refused.code() != 0 && refused.err().contains("NotSupported"), refused.err());
        assertEquals("", ok("get", "shared", "net_limit").line(), "a refused value is not kept");
    }

    @Test
    void topShowsTheRateAContainerSends() throws Exception {
        Process sink = world.spawn(world.outside, "timeout", "60", "python3", world.sink.toString(), "7002", NetWorld.OUTSIDE_ADDRESS);
        ok("run", "busy", "net=L3 eth0", "ip=eth0 198.51.100.23", "net_limit=default: " + RATE,
                "command=timeout 30 python3 " + world.sender + " " + NetWorld.OUTSIDE_ADDRESS + " 7002 " + BYTES);
        Await.until("the transfer runs", java.time.Duration.ofSeconds(20),
                () -> portod.portoctl("get", "busy", "net_tx_bytes").line().matches("eth0: \\d{6,}"));
        PortodProcess.Run top = ok("top", "-d", "0.5", "busy");
        String[] lines = top.out().split("\n");
        assertTrue(lines[0].matches("container +state +cpu% +cpu +memory +threads +read +write +net-rx +net-tx +time *"), lines[0]);
        String[] cells = lines[1].trim().split(" +");
        assertEquals("busy", cells[0], top.out());
        String tx = cells[9];
        assertTrue(tx.endsWith("/s") && !tx.startsWith("0"), "net-tx of a sender at 10 Mbit/s: " + top.out());
        assertTrue(cells[8].endsWith("/s"), "net-rx (its acknowledgements): " + top.out());
        ok("wait", "busy");
        assertTrue(sink.waitFor(30, TimeUnit.SECONDS));
        ok("destroy", "busy");
    }

    @Test
    void countersOfAnUnshapedContainerGrowWithItsTraffic() throws Exception {
        ok("run", "plain", "net=L3 eth0", "ip=eth0 198.51.100.21",
                "command=python3 " + world.server + " 8080 1 plain 198.51.100.21");
        long rxBefore = value(ok("get", "plain", "net_rx_packets").line(), "eth0");
        long txBefore = value(ok("get", "plain", "net_tx_bytes").line(), "eth0");
        assertEquals("", ok("get", "plain", "net_bytes").line(), "no class without shaping");
        assertEquals("plain " + NetWorld.OUTSIDE_ADDRESS,
                NetWorld.in(world.outside, "timeout", "15", "python3", world.client.toString(), "198.51.100.21", "8080").strip());
        ok("wait", "plain");
        assertTrue(value(ok("get", "plain", "net_rx_packets").line(), "eth0") >= rxBefore + 3, "a TCP exchange came in");
        assertTrue(value(ok("get", "plain", "net_tx_bytes").line(), "eth0") > txBefore + "plain".length(), "and its answer went out");
        ok("destroy", "plain");
    }

    @Test
    void shapingASharedNamespaceIsNotSupported() throws Exception {
        PortodProcess.Run r = portod.portoctl("run", "shared", "net_limit=default: 1000000", "command=true");
        assertTrue(r.code() != 0 && r.err().contains("NotSupported") && r.err().contains("CONFIG_NET_CLS_CGROUP"), r.err());
        PortodProcess.Run bad = portod.portoctl("run", "bad", "net_limit=default: lots", "command=true");
        assertTrue(bad.code() != 0 && bad.err().contains("InvalidValue"), bad.err());
    }
}

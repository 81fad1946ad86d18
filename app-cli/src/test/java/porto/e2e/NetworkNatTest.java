package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * net=NAT through a real portod in a test namespace: addresses from the configured range
 * (203.0.113.1, two of them), never handed out twice, freed at stop, held across a kill -9 of the
 * daemon; traffic to the "outside" namespace leaves masqueraded as the host's uplink address.
 */
class NetworkNatTest extends NetWorldTest {
    @Override
    Map<String, String> daemonEnvironment() {
        return Map.of("PORTO_NET_NAT_FIRST_IPV4", "203.0.113.1", "PORTO_NET_NAT_COUNT", "2");
    }

    private String natSet() throws Exception {
        return NetWorld.in(world.host, "nft", "list", "set", "inet", "porto", "nat4");
    }

    @Test
    void aNatContainerReachesTheOutsideMasqueraded() throws Exception {
        Process server = world.spawn(world.outside, "python3", world.server.toString(), "9090", "1", "hello", NetWorld.OUTSIDE_ADDRESS);
        ok("run", "a", "net=NAT", "command=timeout 15 python3 " + world.client + " " + NetWorld.OUTSIDE_ADDRESS + " 9090");
        assertEquals("eth0 203.0.113.1", ok("get", "a", "ip").line(), "the first address of the range");
        ok("wait", "a");
        assertEquals("hello " + NetWorld.HOST_ADDRESS, ok("get", "a", "stdout").line(), "the outside saw the host's address");
        assertTrue(server.waitFor(10, TimeUnit.SECONDS));
        assertTrue(natSet().contains("203.0.113.1"), natSet());
        ok("destroy", "a");
        assertFalse(natSet().contains("203.0.113.1"), "the rule's source went with the container: " + natSet());
    }

    @Test
    void addressesAreNeverHandedOutTwiceAndSurviveARestart() throws Exception {
        ok("run", "a", "net=NAT", "command=sleep 1000");
        ok("run", "b", "net=NAT", "command=sleep 1000");
        assertEquals("eth0 203.0.113.1", ok("get", "a", "ip").line());
        assertEquals("eth0 203.0.113.2", ok("get", "b", "ip").line());
        ok("create", "c");
        ok("set", "c", "net", "NAT");
        ok("set", "c", "command", "sleep 1000");
        PortodProcess.Run full = portod.portoctl("start", "c");
        assertTrue(full.code() != 0 && full.err().contains("ResourceNotAvailable"), full.err());
        assertEquals("", ok("get", "c", "ip").line(), "a refused start holds nothing");

        long old = portod.daemonPid();
        PortodProcess.signal(old, "KILL");
        portod.awaitNewDaemon(old, Duration.ofSeconds(30));
        full = portod.portoctl("start", "c");
        assertTrue(full.code() != 0 && full.err().contains("ResourceNotAvailable"), "still both held after the restart: " + full.err());
        assertEquals("eth0 203.0.113.1", ok("get", "a", "ip").line());

        ok("stop", "a");
        assertEquals("", ok("get", "a", "ip").line(), "stop gives the address back");
        ok("start", "c");
        assertEquals("eth0 203.0.113.1", ok("get", "c", "ip").line(), "and the next start gets it");
        String set = natSet();
        assertEquals(1, set.split("203\\.0\\.113\\.1\\b", -1).length - 1, set);
        for (String name : new String[] {"a", "b", "c"})
            ok("destroy", name);
        assertFalse(natSet().contains("203.0.113."), natSet());
        assertFalse(NetWorld.ip("-n", world.host, "-o", "link").contains("L3-"));
    }
}

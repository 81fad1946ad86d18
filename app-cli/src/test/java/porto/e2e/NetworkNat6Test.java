package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** net=NAT with an IPv4 and an IPv6 range: both addresses, and IPv6 traffic leaves masqueraded too. */
class NetworkNat6Test {
    private NetWorld world;
    private PortodProcess portod;

    @BeforeEach
    void setUp() throws Exception {
        world = new NetWorld();
        portod = world.startDaemon(Map.of("PORTO_NET_NAT_FIRST_IPV4", "203.0.113.1", "PORTO_NET_NAT_FIRST_IPV6", "2001:db8:2::1",
                "PORTO_NET_NAT_COUNT", "4"));
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (portod != null)
                portod.close();
        } finally {
            world.close();
        }
    }

    private PortodProcess.Run ok(String... args) throws Exception {
        PortodProcess.Run r = portod.portoctl(args);
        assertEquals(0, r.code(), () -> "portoctl " + String.join(" ", args) + ": " + r.err() + "\nlog:\n" + portod.logText());
        return r;
    }

    @Test
    void bothFamiliesGetAnAddressAndIpv6IsMasqueraded() throws Exception {
        Process server = world.spawn(world.outside, "python3", world.server.toString(), "9096", "1", "hello6",
                NetWorld.OUTSIDE_ADDRESS6);
        ok("run", "a", "net=NAT", "command=timeout 15 python3 " + world.client + " " + NetWorld.OUTSIDE_ADDRESS6 + " 9096");
        assertEquals("eth0 203.0.113.1; eth0 2001:db8:2::1", ok("get", "a", "ip").line());
        ok("wait", "a");
        assertEquals("hello6 " + NetWorld.HOST_ADDRESS6, ok("get", "a", "stdout").line(), "the outside saw the host's address");
        assertTrue(server.waitFor(10, TimeUnit.SECONDS));
        String set = NetWorld.in(world.host, "nft", "list", "set", "inet", "porto", "nat6");
        assertTrue(set.contains("2001:db8:2::1"), set);
        ok("destroy", "a");
        assertFalse(NetWorld.in(world.host, "nft", "list", "set", "inet", "porto", "nat6").contains("2001:db8:2::1"));
    }
}

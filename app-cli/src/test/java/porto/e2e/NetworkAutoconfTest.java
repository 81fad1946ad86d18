package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * net=autoconf through a real portod in a test namespace: a veth into a test bridge on which the
 * test sends router advertisements for 2001:db8:6::/64 (a few dozen, from a raw ICMPv6 socket,
 * bounded in time); the task starts only once SLAAC gave its device an address. Without a router
 * the start fails after autoconf_timeout_s and leaves no device.
 */
class NetworkAutoconfTest {
    private static final String RA = String.join("\n",
            "import socket, struct, sys, time",
            "dev, prefix, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3])",
            "s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)",
            "idx = socket.if_nametoindex(dev)",
            "s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)",
            "s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)",
            "ra = struct.pack('!BBHBBHII', 134, 0, 0, 64, 0, 1800, 0, 0)",
            "pi = struct.pack('!BBBBIII', 3, 4, 64, 0xc0, 86400, 14400, 0) + socket.inet_pton(socket.AF_INET6, prefix)",
            "end = time.time() + seconds",
            "while time.time() < end:",
            "    try:",
            "        s.sendto(ra + pi, ('ff02::1', 0, 0, idx))",
            "    except OSError:",
            "        pass",
            "    time.sleep(0.2)", "");
    private NetWorld world;
    private PortodProcess portod;
    private Path script;

    @BeforeEach
    void setUp() throws Exception {
        world = new NetWorld();
        script = Files.createTempFile("porto-ra", ".py");
        Files.writeString(script, RA);
        portod = world.startDaemon(Map.of("PORTO_NET_AUTOCONF_TIMEOUT_S", "5"));
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (portod != null)
                portod.close();
        } finally {
            world.close();
            Files.deleteIfExists(script);
        }
    }

    private PortodProcess.Run ok(String... args) throws Exception {
        PortodProcess.Run r = portod.portoctl(args);
        assertEquals(0, r.code(), () -> "portoctl " + String.join(" ", args) + ": " + r.err() + "\nlog:\n" + portod.logText());
        return r;
    }

    private void bridge(String name) throws Exception {
        NetWorld.ip("-n", world.host, "link", "add", name, "type", "bridge");
        NetWorld.ip("-n", world.host, "addr", "add", "fe80::1/64", "dev", name, "nodad"); // the router's source
        NetWorld.ip("-n", world.host, "link", "set", name, "up");
    }

    @Test
    void theTaskStartsWithItsSlaacAddress() throws Exception {
        bridge("br6");
        world.spawn(world.host, "timeout", "40", "python3", script.toString(), "br6", "2001:db8:6::", "30");
        ok("run", "a", "net=veth eth1 br6; autoconf eth1", "command=ip -o -6 addr show dev eth1 scope global");
        ok("wait", "a");
        String out = ok("get", "a", "stdout").out();
        assertTrue(out.contains("inet6 2001:db8:6:"), "the address was there when the task started: " + out);
        ok("destroy", "a");
    }

    @Test
    void withoutARouterTheStartFailsAfterTheTimeoutAndLeavesNothing() throws Exception {
        bridge("brq");
        PortodProcess.Run r = portod.portoctl("run", "q", "net=veth eth1 brq; autoconf eth1", "command=true");
        assertTrue(r.code() != 0 && r.err().contains("no SLAAC address on eth1") && r.err().contains("autoconf_timeout_s"), r.err());
        assertFalse(NetWorld.ip("-n", world.host, "-o", "link").contains("pv"), "no device left");
    }
}

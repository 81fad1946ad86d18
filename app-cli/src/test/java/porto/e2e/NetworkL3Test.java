package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import porto.client.PortoClient;

/**
 * net=L3 through a real portod that runs in a test namespace ("host"): the container is reachable
 * by TCP from another namespace ("outside") and reaches it back, through the proxy ARP entry on
 * the host's uplink; stop, a failed setup and a daemon restart leave nothing behind and keep what
 * runs. Addresses: 198.51.100.0/24 only; every transfer is a line of text.
 */
class NetworkL3Test extends NetWorldTest {
    private static final String ADDRESS = "198.51.100.10";

    private String hostLinks() throws Exception {
        return NetWorld.ip("-n", world.host, "-o", "link");
    }

    @Test
    void anL3ContainerIsReachableFromOutsideAndReachesItBack() throws Exception {
        ok("create", "web");
        ok("set", "web", "net", "L3 eth0");
        ok("set", "web", "ip", "eth0 " + ADDRESS);
        ok("set", "web", "command", "python3 " + world.server + " 8080 1 hello-from-web " + ADDRESS);
        ok("start", "web");
        assertEquals("L3 eth0", ok("get", "web", "net").line());
        assertEquals("eth0 " + ADDRESS, ok("get", "web", "ip").line());

        String answer = NetWorld.in(world.outside, "timeout", "15", "python3", world.client.toString(), ADDRESS, "8080").strip();
        assertEquals("hello-from-web " + NetWorld.OUTSIDE_ADDRESS, answer, "the container saw the outside's own address");
        assertTrue(NetWorld.ip("-n", world.host, "neigh", "show", "proxy").contains(ADDRESS + " dev up0"),
                "the uplink answers ARP for the container");

        Process outsideServer = world.spawn(world.outside, "python3", world.server.toString(), "9090", "1", "hello-from-outside",
                NetWorld.OUTSIDE_ADDRESS);
        ok("run", "back", "net=L3 eth0", "ip=eth0 198.51.100.11",
                "command=timeout 15 python3 " + world.client + " " + NetWorld.OUTSIDE_ADDRESS + " 9090");
        ok("wait", "back");
        assertEquals("hello-from-outside 198.51.100.11", ok("get", "back", "stdout").line());
        assertTrue(outsideServer.waitFor(10, TimeUnit.SECONDS));

        ok("destroy", "back");
        ok("wait", "web");
        ok("destroy", "web");
        assertFalse(hostLinks().contains("L3-"), "no host device is left: " + hostLinks());
        assertEquals("", NetWorld.ip("-n", world.host, "neigh", "show", "proxy").strip());
        String routes = NetWorld.ip("-n", world.host, "route");
        assertFalse(routes.contains(ADDRESS) || routes.contains("198.51.100.11"), routes);
    }

    @Test
    void anIpv6L3ContainerIsReachableThroughProxyNdp() throws Exception {
        String address = "2001:db8:1::10";
        ok("run", "web6", "net=L3 eth0", "ip=eth0 " + address, "command=python3 " + world.server + " 8080 1 hello6 " + address);
        assertEquals("hello6 " + NetWorld.OUTSIDE_ADDRESS6,
                NetWorld.in(world.outside, "timeout", "15", "python3", world.client.toString(), address, "8080").strip());
        assertTrue(NetWorld.ip("-n", world.host, "-6", "neigh", "show", "proxy").contains(address + " dev up0"));
        ok("destroy", "web6");
        assertEquals("", NetWorld.ip("-n", world.host, "-6", "neigh", "show", "proxy").strip());
        assertFalse(NetWorld.ip("-n", world.host, "-6", "route").contains(address));
    }

    @Test
    void aFailedSetupAnswersAClearErrorAndLeavesNoDevice() throws Exception {
        ok("create", "clash");
        ok("set", "clash", "net", "L3 lo"); // a new namespace has its lo already
        ok("set", "clash", "command", "sleep 100");
        PortodProcess.Run r = portod.portoctl("start", "clash");
        assertTrue(r.code() != 0, r.out());
        assertTrue(r.err().contains("ResourceNotAvailable") && r.err().contains("lo"), r.err());
        assertEquals("stopped", ok("get", "clash", "state").line());
        assertFalse(hostLinks().contains("L3-"), hostLinks());
        ok("destroy", "clash");
    }

    @Test
    void badValuesAreRefusedWithInvalidValue() throws Exception {
        ok("create", "bad");
        for (String[] pv : new String[][] {{"net", "bogus"}, {"net", "L3"}, {"net", "inherited; none"}, {"net", "veth a b 20"},
                {"ip", "eth0 300.1.1.1"}, {"ip", "eth0"}, {"ip", "eth0 example.com"}, {"default_gw", "eth0 198.51.100.1/24"},
                {"ip_limit", "nonsense"}}) {
            PortodProcess.Run r = portod.portoctl("set", "bad", pv[0], pv[1]);
            assertTrue(r.code() != 0 && r.err().contains("InvalidValue"), pv[0] + "=" + pv[1] + ": " + r.err());
        }
        ok("set", "bad", "net", "ipvlan up0 iv0");
        ok("set", "bad", "command", "true");
        PortodProcess.Run r = portod.portoctl("start", "bad");
        assertTrue(r.err().contains("NotSupported") && r.err().contains("ipvlan"), r.err());
        ok("destroy", "bad");
    }

    @Test
    void sysctlsOfTheWhitelistGoIntoTheContainersNamespaceOnly() throws Exception {
        ok("run", "tuned", "net=L3 eth0", "ip=eth0 198.51.100.30", "sysctl=net.ipv4.tcp_fin_timeout: 17; net.core.somaxconn: 77",
                "command=cat /proc/sys/net/ipv4/tcp_fin_timeout /proc/sys/net/core/somaxconn");
        ok("wait", "tuned");
        assertEquals("17\n77", ok("get", "tuned", "stdout").line());
        assertEquals("60", NetWorld.in(world.host, "cat", "/proc/sys/net/ipv4/tcp_fin_timeout").strip(), "the host's is untouched");
        ok("destroy", "tuned");
        ok("create", "tuned2");
        PortodProcess.Run r = portod.portoctl("set", "tuned2", "sysctl", "vm.swappiness: 1");
        assertTrue(r.code() != 0 && r.err().contains("InvalidValue") && r.err().contains("whitelist"), r.err());
        ok("set", "tuned2", "sysctl", "net.ipv4.tcp_fin_timeout: 17");
        ok("set", "tuned2", "command", "true");
        r = portod.portoctl("start", "tuned2");
        assertTrue(r.code() != 0 && r.err().contains("own"), "no sysctl on a shared namespace: " + r.err());
        ok("destroy", "tuned2");
    }

    @Test
    void aHostWithoutForwardingIsReportedAtStart() throws Exception {
        NetWorld.in(world.host, "sysctl", "-q", "-w", "net.ipv4.conf.all.forwarding=0");
        PortodProcess.Run r = portod.portoctl("run", "nofw", "net=L3 eth0", "ip=eth0 198.51.100.31", "command=true");
        assertTrue(r.code() != 0 && r.err().contains("net.ipv4.conf.all.forwarding = 1"), r.err());
        assertFalse(hostLinks().contains("L3-"), hostLinks());
    }

    @Test
    void aKilledDaemonKeepsTheNetworkAndDuplicatesNothing() throws Exception {
        ok("run", "svc", "net=L3 eth0", "ip=eth0 " + ADDRESS, "command=python3 " + world.server + " 8080 2 svc " + ADDRESS);
        assertEquals("svc " + NetWorld.OUTSIDE_ADDRESS,
                NetWorld.in(world.outside, "timeout", "15", "python3", world.client.toString(), ADDRESS, "8080").strip());
        long old = portod.daemonPid();
        PortodProcess.signal(old, "KILL");
        portod.awaitNewDaemon(old, Duration.ofSeconds(30));
        assertEquals("running", ok("get", "svc", "state").line());
        assertEquals("svc " + NetWorld.OUTSIDE_ADDRESS,
                NetWorld.in(world.outside, "timeout", "15", "python3", world.client.toString(), ADDRESS, "8080").strip());
        assertEquals(1, hostLinks().split("L3-", -1).length - 1, "one host device: " + hostLinks());
        ok("destroy", "svc");
        assertFalse(hostLinks().contains("L3-"), hostLinks());
    }

    @Test
    void twentyNetworkedContainersOutliveAKilledDaemonUnduplicated() throws Exception {
        int n = 20;
        for (int i = 0; i < n; i++) {
            String net = i % 2 == 0 ? "L3 eth0" : "L3 eth0; MTU eth0 1400";
            ok("run", "c" + i, "net=" + net, "ip=eth0 198.51.100." + (100 + i), "command=python3 " + world.server + " 8080 1 c" + i
                    + " 198.51.100." + (100 + i));
        }
        String routesBefore = NetWorld.ip("-n", world.host, "route");
        String proxiesBefore = NetWorld.ip("-n", world.host, "neigh", "show", "proxy");
        long old = portod.daemonPid();
        PortodProcess.signal(old, "KILL");
        portod.awaitNewDaemon(old, Duration.ofSeconds(30));
        assertEquals(routesBefore, NetWorld.ip("-n", world.host, "route"), "the same routes, none twice");
        assertEquals(proxiesBefore, NetWorld.ip("-n", world.host, "neigh", "show", "proxy"));
        assertEquals(n, hostLinks().split("L3-", -1).length - 1, hostLinks());
        for (int i = 0; i < n; i += 7) // a few of them, each answers once
            assertEquals("c" + i + " " + NetWorld.OUTSIDE_ADDRESS, NetWorld.in(world.outside, "timeout", "15", "python3",
                    world.client.toString(), "198.51.100." + (100 + i), "8080").strip());
        for (int i = 0; i < n; i++)
            ok("destroy", "c" + i);
        assertFalse(hostLinks().contains("L3-"), hostLinks());
        assertEquals("", NetWorld.ip("-n", world.host, "neigh", "show", "proxy").strip());
    }
}

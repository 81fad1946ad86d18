package porto.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static porto.ports.Errno.*;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import porto.ports.KernelException;
import porto.ports.net.Network;
import porto.ports.net.Network.Address;
import porto.ports.net.Network.Link;
import porto.ports.net.Network.Route;

/**
 * What every {@link Network} must do. The "host" namespace ({@code null}) is the fixture's scratch
 * namespace on Linux, never the machine's own; addresses are documentation ones.
 */
public abstract class NetworkConformance {
    /** An adapter whose host is a scratch namespace; {@link #reopen} is the same kernel seen by a new adapter. */
    public interface Fixture extends AutoCloseable {
        Network network();

        Network reopen();

        @Override
        void close() throws Exception;
    }

    protected abstract Fixture newFixture() throws Exception;

    private Fixture fx;
    private Network net;

    @BeforeEach
    void setUpNetwork() throws Exception {
        fx = newFixture();
        net = fx.network();
    }

    @AfterEach
    void tearDownNetwork() throws Exception {
        fx.close();
    }

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    private Optional<Link> link(String ns, String name) throws KernelException {
        return net.links(ns).stream().filter(l -> l.name().equals(name)).findFirst();
    }

    @Test
    void aNewNamespaceHasItsLoopbackUpAndGoesWhenDeleted() throws Exception {
        net.createNamespace("c1");
        assertEquals(List.of("c1"), net.namespaces());
        Link lo = link("c1", "lo").orElseThrow();
        assertTrue(lo.up(), "lo is up in a new namespace");
        assertEquals(0, lo.group(), "in the default group");
        assertEquals(1, net.links("c1").size(), "nothing but lo: " + net.links("c1"));
        assertEquals(List.of("c1"), fx.reopen().namespaces(), "a restarted daemon finds it");
        net.deleteNamespace("c1");
        assertEquals(List.of(), net.namespaces());
        net.deleteNamespace("c1"); // gone already: no error
    }

    @Test
    void aNewNamespaceHasProtocolCountersOfItsOwnFromZero() throws Exception {
        net.createNamespace("c1");
        var netstat = net.protocolCounters("c1", Network.ProtocolTable.NETSTAT);
        var snmp = net.protocolCounters("c1", Network.ProtocolTable.SNMP);
        assertTrue(netstat.containsKey("TCPTimeouts") && netstat.containsKey("ListenDrops"), "netstat: " + netstat);
        assertTrue(snmp.containsKey("InReceives") && snmp.containsKey("ActiveOpens") && snmp.containsKey("InDatagrams"),
                "snmp: " + snmp);
        assertFalse(netstat.containsKey("TcpExt:") || snmp.containsKey("Ip:"), "a section's label is no counter");
        assertEquals(0L, snmp.get("InReceives"), "nothing was received in the new namespace");
        assertEquals(0L, snmp.get("ActiveOpens"));
        assertEquals(-1L, snmp.get("MaxConn"), "a gauge the kernel prints as -1");
        assertTrue(net.protocolCounters(null, Network.ProtocolTable.SNMP).containsKey("InReceives"), "the host has them too");
        net.deleteNamespace("c1");
        assertThrows(KernelException.class, () -> net.protocolCounters("c1", Network.ProtocolTable.SNMP), "gone with its namespace");
    }

    @Test
    void aVethPairSpansTwoNamespacesAndGoesAsOne() throws Exception {
        net.createNamespace("c1");
        net.createVeth(null, "L3-c1", "c1", "eth0", 1400);
        Link host = link(null, "L3-c1").orElseThrow();
        Link inside = link("c1", "eth0").orElseThrow();
        assertEquals("veth", host.kind());
        assertEquals("veth", inside.kind());
        assertEquals(1400, host.mtu());
        assertEquals(1400, inside.mtu());
        assertFalse(inside.up());
        net.setUp("c1", "eth0", 1300, "02:00:00:00:00:07");
        inside = link("c1", "eth0").orElseThrow();
        assertTrue(inside.up());
        assertEquals(1300, inside.mtu());
        assertEquals("02:00:00:00:00:07", inside.mac());
        net.deleteLink(null, "L3-c1");
        assertTrue(link("c1", "eth0").isEmpty(), "the peer goes with its pair");
        net.deleteNamespace("c1");
    }

    @Test
    void deletingTheNamespaceTakesItsPairAlong() throws Exception {
        net.createNamespace("c1");
        net.createVeth(null, "L3-c1", "c1", "eth0", 0);
        net.deleteNamespace("c1");
        assertTrue(link(null, "L3-c1").isEmpty(), "no device is left on the host");
    }

    @Test
    void clashesAndMissingDevicesAreTheKernelsErrors() throws Exception {
        net.createNamespace("c1");
        net.createVeth(null, "L3-c1", "c1", "eth0", 0);
        KernelException clash = assertThrows(KernelException.class, () -> net.createVeth(null, "L3-c1", "c1", "eth1", 0));
        assertEquals(EEXIST, clash.errno(), clash.getMessage());
        assertEquals(ENODEV, assertThrows(KernelException.class, () -> net.deleteLink(null, "nosuch")).errno());
        assertEquals(ENODEV, assertThrows(KernelException.class,
                () -> net.addAddress("c1", "nosuch", new Address(ip("198.51.100.7"), 32))).errno());
        assertEquals(ENODEV, assertThrows(KernelException.class,
                () -> net.addRoute("c1", new Route(ip("0.0.0.0"), 0, "nosuch", null))).errno());
        net.deleteNamespace("c1");
    }

    @Test
    void addressesAndRoutesOnBothSides() throws Exception {
        net.createNamespace("c1");
        net.createVeth(null, "L3-c1", "c1", "eth0", 0);
        net.setUp(null, "L3-c1", 0, "");
        net.setUp("c1", "eth0", 0, "");
        Address v4 = new Address(ip("198.51.100.7"), 32);
        Address v6 = new Address(ip("2001:db8::7"), 128);
        net.addAddress("c1", "eth0", v4);
        net.addAddress("c1", "eth0", v6);
        assertTrue(net.addresses("c1", "eth0").containsAll(List.of(v4, v6)), net.addresses("c1", "eth0").toString());
        assertEquals(EEXIST, assertThrows(KernelException.class, () -> net.addAddress("c1", "eth0", v4)).errno());

        Route defaultRoute = new Route(ip("0.0.0.0"), 0, "eth0", null);
        net.addRoute("c1", defaultRoute);
        Route back = new Route(ip("198.51.100.7"), 32, "L3-c1", null);
        net.addRoute(null, back);
        assertTrue(net.routes("c1").contains(defaultRoute), net.routes("c1").toString());
        assertTrue(net.routes(null).contains(back), net.routes(null).toString());
        assertEquals(EEXIST, assertThrows(KernelException.class, () -> net.addRoute(null, back)).errno());
        net.deleteRoute(null, back);
        assertFalse(net.routes(null).contains(back));
        net.deleteNamespace("c1");
    }

    @Test
    void proxyNeighboursAreAddedAndRemovedOneByOne() throws Exception {
        net.createNamespace("c1");
        net.createVeth(null, "up0", "c1", "eth0", 0);
        net.proxyNeighbours(null, "up0").forEach(a -> { throw new AssertionError("none yet: " + a); });
        net.addProxyNeighbour(null, "up0", ip("198.51.100.7"));
        net.addProxyNeighbour(null, "up0", ip("2001:db8::7"));
        assertEquals(List.of(ip("198.51.100.7"), ip("2001:db8::7")), net.proxyNeighbours(null, "up0"));
        net.deleteProxyNeighbour(null, "up0", ip("198.51.100.7"));
        assertEquals(List.of(ip("2001:db8::7")), net.proxyNeighbours(null, "up0"));
        net.deleteNamespace("c1");
    }

    @Test
    void sysctlsArePerNamespace() throws Exception {
        net.createNamespace("c1");
        net.setSysctl("c1", "net.ipv4.conf.all.forwarding", "1");
        assertEquals("1", net.sysctl("c1", "net.ipv4.conf.all.forwarding"));
        net.createNamespace("c2");
        assertEquals("0", net.sysctl("c2", "net.ipv4.conf.all.forwarding"), "a new namespace starts from the default");
        net.deleteNamespace("c1");
        net.deleteNamespace("c2");
    }

    @Test
    void masqueradedSourcesAreAddedAndRemovedPrecisely() throws Exception {
        assertEquals(List.of(), net.masqueraded());
        net.removeMasquerade(ip("203.0.113.1")); // nothing yet: no error
        net.addMasquerade(ip("203.0.113.1"));
        net.addMasquerade(ip("203.0.113.2"));
        net.addMasquerade(ip("2001:db8::1"));
        assertEquals(java.util.Set.of(ip("203.0.113.1"), ip("203.0.113.2"), ip("2001:db8::1")), java.util.Set.copyOf(net.masqueraded()));
        assertEquals(3, net.masqueraded().size(), "each once");
        net.removeMasquerade(ip("203.0.113.1"));
        assertEquals(java.util.Set.of(ip("203.0.113.2"), ip("2001:db8::1")), java.util.Set.copyOf(fx.reopen().masqueraded()),
                "a restarted daemon sees the same");
        net.removeMasquerade(ip("203.0.113.2"));
        net.removeMasquerade(ip("2001:db8::1"));
        assertEquals(List.of(), net.masqueraded());
    }

    @Test
    void aMacvlanIsMadeOnAHostParentInsideTheNamespace() throws Exception {
        net.createNamespace("c1");
        net.createVeth(null, "par0", null, "par1", 0);
        net.createLink("c1", "mv0", "macvlan", "par0", "bridge");
        assertEquals("macvlan", link("c1", "mv0").orElseThrow().kind());
        assertTrue(link(null, "mv0").isEmpty(), "made inside, not on the host");
        assertEquals(ENODEV, assertThrows(KernelException.class, () -> net.createLink("c1", "mv1", "macvlan", "nosuch", "")).errno());
        KernelException ipvlan = assertThrows(KernelException.class, () -> net.createLink("c1", "iv0", "ipvlan", "par0", "l2"));
        assertEquals(95, ipvlan.errno(), "this kernel has no ipvlan driver: " + ipvlan.getMessage());
        KernelException ipip6 = assertThrows(KernelException.class,
                () -> net.createIpip6("c1", "tnl0", ip("2001:db8:2::2"), ip("2001:db8:2::1")));
        assertEquals(95, ipip6.errno(), "this kernel has no ip6_tunnel driver: " + ipip6.getMessage());
        net.deleteNamespace("c1");
        net.deleteLink(null, "par0");
    }

    @Test
    void aTapIsMadeUpOnTheHostOnceAndDeleted() throws Exception {
        net.createTap("ptap0", 0, 0);
        Link tap = link(null, "ptap0").orElseThrow();
        assertEquals("tun", tap.kind());
        assertTrue(tap.up());
        assertEquals(EEXIST, assertThrows(KernelException.class, () -> net.createTap("ptap0", 0, 0)).errno(),
                "a second tap of the same name is a clash, not a share");
        net.createVeth(null, "par0", null, "par1", 0);
        assertThrows(KernelException.class, () -> net.createTap("par0", 0, 0));
        net.deleteLink(null, "ptap0");
        net.deleteLink(null, "par0");
        assertTrue(link(null, "ptap0").isEmpty());
    }

    @Test
    void aDeviceMovesIntoANamespaceAndBack() throws Exception {
        net.createNamespace("c1");
        net.createVeth(null, "st0", null, "st1", 0);
        net.moveLink(null, "st0", "c1");
        assertTrue(link(null, "st0").isEmpty());
        assertTrue(link("c1", "st0").isPresent());
        net.moveLink("c1", "st0", null);
        assertTrue(link(null, "st0").isPresent(), "back on the host");
        net.deleteNamespace("c1");
        assertTrue(link(null, "st0").isPresent(), "a device moved out is not taken along");
        net.deleteLink(null, "st0");
    }

    @Test
    void aShapedDeviceHasOneClassWithCounters() throws Exception {
        net.createNamespace("c1");
        net.createVeth(null, "L3-c1", "c1", "eth0", 0);
        net.setUp("c1", "eth0", 0, "");
        assertEquals(null, net.shapingStats("c1", "eth0"));
        net.shape("c1", "eth0", 1_250_000, 2_500_000);
        Network.ClassStats stats = net.shapingStats("c1", "eth0");
        assertTrue(stats != null && stats.bytes() >= 0 && stats.drops() == 0, String.valueOf(stats));
        net.shape("c1", "eth0", 125_000, 125_000); // replaced, not added
        assertTrue(net.shapingStats("c1", "eth0") != null);
        net.unshape("c1", "eth0");
        assertEquals(null, net.shapingStats("c1", "eth0"));
        net.unshape("c1", "eth0"); // none: no error
        net.deleteNamespace("c1");
    }

    @Test
    void anAddressLabelIsAddedOnceInItsNamespace() throws Exception {
        net.createNamespace("c1");
        Network.AddrLabel label = new Network.AddrLabel(new Address(ip("2001:db8::"), 32), 7);
        net.addAddrLabel("c1", label);
        assertTrue(net.addrLabels("c1").contains(label), String.valueOf(net.addrLabels("c1")));
        assertFalse(net.addrLabels(null).contains(label), "only in that namespace");
        KernelException twice = assertThrows(KernelException.class, () -> net.addAddrLabel("c1", label));
        assertEquals(EEXIST, twice.errno());
        assertThrows(KernelException.class, () -> net.addAddrLabel("c1", new Network.AddrLabel(new Address(ip("198.51.100.0"), 24), 3)));
        net.deleteNamespace("c1");
    }
}

package porto.ports.net;

import java.net.InetAddress;
import java.util.List;
import porto.ports.KernelException;

/**
 * The kernel's network objects a container needs: namespaces, links, addresses, routes and proxy
 * neighbour entries. A namespace is named by the adapter's own names ({@link #createNamespace});
 * {@code null} is the daemon's "host" namespace. Every call fails with the kernel's errno.
 */
public interface Network {
    /** A link as the kernel shows it; {@code kind} is "veth", "bridge", ... or "" when it has none; group 0 is "default". */
    record Link(int index, String name, String kind, int mtu, String mac, boolean up, int master, int group, Stats stats) {}

    /** Device counters (rtnl_link_stats64); {@code rxOverruns} is rx_over_errors plus rx_errors, as upstream counts them. */
    record Stats(long rxBytes, long rxPackets, long rxDrops, long txBytes, long txPackets, long txDrops, long rxOverruns) {
        public static final Stats ZERO = new Stats(0, 0, 0, 0, 0, 0, 0);

        /** Counters without receive errors. */
        public Stats(long rxBytes, long rxPackets, long rxDrops, long txBytes, long txPackets, long txDrops) {
            this(rxBytes, rxPackets, rxDrops, txBytes, txPackets, txDrops, 0);
        }
    }

    /** Counters of a traffic class. */
    record ClassStats(long bytes, long packets, long drops, long overlimits) {}

    /** An address on a link, with its prefix length. */
    record Address(InetAddress ip, int prefix) {
        @Override
        public String toString() {
            return ip.getHostAddress() + "/" + prefix;
        }
    }

    /** An IPv6 address label (ip-addrlabel(8)): addresses in {@code prefix} get {@code label} in source selection. */
    record AddrLabel(Address prefix, int label) {}

    /** A route of the main table: {@code destination/prefix} through {@code device}, via {@code gateway} if set. */
    record Route(InetAddress destination, int prefix, String device, InetAddress gateway) {}

    /** Creates a new, empty network namespace (its loopback up) that lives until {@link #deleteNamespace}. */
    void createNamespace(String name) throws KernelException;

    /** Removes it; the links in it go with it. No error if it is gone already. */
    void deleteNamespace(String name) throws KernelException;

    /** The names of the namespaces this adapter holds (after a restart too). */
    List<String> namespaces() throws KernelException;

    /** A file that setns(2) enters for that namespace, for the launcher. */
    String namespacePath(String name);

    List<Link> links(String ns) throws KernelException;

    /** A veth pair: {@code name} in {@code ns}, {@code peer} in {@code peerNs}; mtu 0 keeps the default. */
    void createVeth(String ns, String name, String peerNs, String peer, int mtu) throws KernelException;

    void deleteLink(String ns, String name) throws KernelException;

    /**
     * A device of {@code kind} ("macvlan", "ipvlan", ...) named {@code name} in {@code ns}, on the
     * host's device {@code hostParent}, in {@code mode} (the kind's word: "bridge", "l2", ...; "" for
     * its default). A kind the kernel lacks fails with EOPNOTSUPP.
     */
    void createLink(String ns, String name, String kind, String hostParent, String mode) throws KernelException;

    /**
     * An IPv4-in-IPv6 tunnel {@code name} in {@code ns} from {@code local} to {@code remote}; a
     * kernel without the ip6_tunnel driver fails with EOPNOTSUPP.
     */
    void createIpip6(String ns, String name, InetAddress remote, InetAddress local) throws KernelException;

    /**
     * A persistent tap device {@code name} in the host namespace, owned by {@code uid}/{@code gid}
     * (they may open it without privileges), up.
     */
    void createTap(String name, int uid, int gid) throws KernelException;

    /** Attaches {@code name} to the bridge {@code master} (both in {@code ns}). */
    void setMaster(String ns, String name, String master) throws KernelException;

    /** Moves a device to another namespace, keeping its name. */
    void moveLink(String ns, String name, String targetNs) throws KernelException;

    /** Sets a link up, with this mtu (0: as it is) and mac ("" as it is). */
    void setUp(String ns, String name, int mtu, String mac) throws KernelException;

    void addAddress(String ns, String link, Address address) throws KernelException;

    List<Address> addresses(String ns, String link) throws KernelException;

    /**
     * Waits until {@code link} in {@code ns} has a global IPv6 address (SLAAC), at most
     * {@code timeoutMillis}; fails with ETIMEDOUT when none came.
     */
    void awaitAutoconf(String ns, String link, long timeoutMillis) throws KernelException;

    void addRoute(String ns, Route route) throws KernelException;

    void deleteRoute(String ns, Route route) throws KernelException;

    /** The main table's routes (unicast, IPv4 and IPv6). */
    List<Route> routes(String ns) throws KernelException;

    /** A proxy ARP/NDP entry: {@code link} answers for {@code ip}. */
    void addProxyNeighbour(String ns, String link, InetAddress ip) throws KernelException;

    void deleteProxyNeighbour(String ns, String link, InetAddress ip) throws KernelException;

    List<InetAddress> proxyNeighbours(String ns, String link) throws KernelException;

    /** Adds an IPv6 address label in {@code ns}; EEXIST when the prefix has one already. */
    void addAddrLabel(String ns, AddrLabel label) throws KernelException;

    /** The namespace's address labels, the kernel's defaults included. */
    List<AddrLabel> addrLabels(String ns) throws KernelException;

    /** Writes a per-namespace sysctl such as "net.ipv4.conf.eth0.proxy_arp". */
    void setSysctl(String ns, String key, String value) throws KernelException;

    String sysctl(String ns, String key) throws KernelException;

    /** Runs ip(8) with these arguments inside {@code ns} (the manual's "net=ip"), failing with its words. */
    void runIp(String ns, List<String> args) throws KernelException;

    /** NAT: traffic from {@code source} that leaves the host gets the host's address. */
    void addMasquerade(InetAddress source) throws KernelException;

    /** Stops masquerading {@code source}; no error if it was not. */
    void removeMasquerade(InetAddress source) throws KernelException;

    List<InetAddress> masqueraded() throws KernelException;

    /**
     * Shapes what {@code device} in {@code ns} sends: one class that takes every packet, at
     * {@code rate} bytes/s, borrowing up to {@code ceil}. Replaces a shaping set before.
     */
    void shape(String ns, String device, long rate, long ceil) throws KernelException;

    /** Removes the shaping of the device; no error if there is none. */
    void unshape(String ns, String device) throws KernelException;

    /** The counters of the device's class, or null when it is not shaped. */
    ClassStats shapingStats(String ns, String device) throws KernelException;

    /** The two protocol counter tables of a namespace, as /proc/net/netstat and /proc/net/snmp show them there. */
    enum ProtocolTable { NETSTAT, SNMP }

    /**
     * The counters of {@code table} in {@code ns}, by field name ("TCPTimeouts", "InReceives", ...);
     * a name two sections share (Udp and UdpLite) holds the later section's value, as upstream keeps it.
     */
    java.util.Map<String, Long> protocolCounters(String ns, ProtocolTable table) throws KernelException;
}

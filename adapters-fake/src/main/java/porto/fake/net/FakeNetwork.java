package porto.fake.net;

import static porto.ports.Errno.*;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import porto.ports.KernelException;
import porto.ports.net.Network;

/**
 * A simulated network stack with the kernel's errors: names per namespace, veth pairs that go as
 * one, routes and addresses that need their device. "Host" is the key {@code ""}. The state lives in
 * a {@link World}, so a second adapter over the same world is a restarted daemon.
 */
public final class FakeNetwork implements Network {
    private static final String HOST = "";

    /** The simulated kernel's network objects. */
    public static final class World {
        final Map<String, Space> spaces = new TreeMap<>();
        int nextIndex = 100;
        final List<InetAddress> masqueraded = new ArrayList<>();

        public World() {
            spaces.put(HOST, new Space());
        }

        /** Simulated traffic: the device counters {@code name} in {@code ns} shows from now on ("" or null: host). */
        public synchronized void setStats(String ns, String name, Stats stats) {
            Space s = spaces.get(key(ns));
            FakeLink l = s == null ? null : s.links.get(name);
            if (l == null)
                throw new IllegalArgumentException("no link " + name + " in " + ns);
            l.stats = stats;
        }

        /** Simulated traffic: adds {@code delta} to a protocol counter of {@code ns}. */
        public synchronized void count(String ns, ProtocolTable table, String name, long delta) {
            spaces.get(key(ns)).protocol.get(table).merge(name, delta, Long::sum);
        }

        /** Every device of every namespace, as "ns/name", for leak checks. */
        public synchronized List<String> devices() {
            List<String> out = new ArrayList<>();
            spaces.forEach((ns, s) -> s.links.keySet().forEach(n -> out.add(ns + "/" + n)));
            return out;
        }
    }

    static final class Space {
        final Map<String, FakeLink> links = new LinkedHashMap<>();
        final List<Route> routes = new ArrayList<>();
        final Map<String, String> sysctls = new HashMap<>();
        final List<AddrLabel> addrLabels = new ArrayList<>();
        /** A few of the counters the kernel keeps per namespace, all 0 in a new one. */
        final Map<ProtocolTable, Map<String, Long>> protocol = new java.util.EnumMap<>(Map.of(
                ProtocolTable.NETSTAT, new TreeMap<>(Map.of("TCPTimeouts", 0L, "SyncookiesSent", 0L, "ListenDrops", 0L)),
                ProtocolTable.SNMP, new TreeMap<>(Map.of("InReceives", 0L, "OutRequests", 0L, "InDatagrams", 0L,
                        "ActiveOpens", 0L, "MaxConn", -1L))));
    }

    static final class FakeLink {
        final int index;
        final String kind;
        int mtu = 1500;
        String mac;
        boolean up;
        String peerNs, peerName;
        int master;
        long[] shaping; // rate, ceil
        Stats stats = Stats.ZERO;
        final List<Address> addresses = new ArrayList<>();
        final List<InetAddress> proxies = new ArrayList<>();

        FakeLink(int index, String kind) {
            this.index = index;
            this.kind = kind;
            this.mac = String.format("02:00:00:00:%02x:%02x", (index >> 8) & 0xff, index & 0xff);
        }
    }

    private final World world;

    public FakeNetwork(World world) {
        this.world = world;
    }

    private static String key(String ns) {
        return ns == null ? HOST : ns;
    }

    private Space space(String ns) throws KernelException {
        Space s = world.spaces.get(key(ns));
        if (s == null)
            throw new KernelException(ENOENT, "no network namespace " + ns);
        return s;
    }

    private FakeLink link(String ns, String name) throws KernelException {
        FakeLink l = space(ns).links.get(name);
        if (l == null)
            throw new KernelException(ENODEV, "no link " + name + " in " + (ns == null ? "host" : ns));
        return l;
    }

    @Override
    public synchronized void createNamespace(String name) throws KernelException {
        if (world.spaces.containsKey(name))
            throw new KernelException(EEXIST, "network namespace " + name + " exists");
        Space s = new Space();
        FakeLink lo = new FakeLink(1, "");
        lo.mtu = 65536;
        lo.up = true;
        s.links.put("lo", lo);
        world.spaces.put(name, s);
    }

    @Override
    public synchronized void deleteNamespace(String name) throws KernelException {
        Space s = world.spaces.get(name);
        if (s == null || name.equals(HOST))
            return;
        for (var e : List.copyOf(s.links.entrySet()))
            removePeer(e.getValue());
        world.spaces.remove(name);
    }

    private void removePeer(FakeLink l) {
        if (l.peerName == null)
            return;
        Space peer = world.spaces.get(l.peerNs);
        if (peer != null) {
            peer.links.remove(l.peerName);
            peer.routes.removeIf(r -> l.peerName.equals(r.device()));
        }
    }

    @Override
    public synchronized List<String> namespaces() {
        return world.spaces.keySet().stream().filter(n -> !n.equals(HOST)).toList();
    }

    @Override
    public String namespacePath(String name) {
        return "/run/fake-netns/" + name;
    }

    @Override
    public synchronized List<Link> links(String ns) throws KernelException {
        List<Link> out = new ArrayList<>();
        for (var e : space(ns).links.entrySet()) {
            FakeLink l = e.getValue();
            out.add(new Link(l.index, e.getKey(), l.kind, l.mtu, l.mac, l.up, l.master, 0, l.stats));
        }
        return out;
    }

    @Override
    public synchronized void createVeth(String ns, String name, String peerNs, String peer, int mtu) throws KernelException {
        Space a = space(ns), b = space(peerNs);
        if (a.links.containsKey(name) || b.links.containsKey(peer) || (Objects.equals(ns, peerNs) && name.equals(peer)))
            throw new KernelException(EEXIST, "a link named " + name + " or " + peer + " exists");
        FakeLink one = new FakeLink(world.nextIndex++, "veth"), two = new FakeLink(world.nextIndex++, "veth");
        if (mtu > 0)
            one.mtu = two.mtu = mtu;
        one.peerNs = key(peerNs);
        one.peerName = peer;
        two.peerNs = key(ns);
        two.peerName = name;
        a.links.put(name, one);
        b.links.put(peer, two);
    }

    @Override
    public synchronized void deleteLink(String ns, String name) throws KernelException {
        FakeLink l = link(ns, name);
        space(ns).links.remove(name);
        space(ns).routes.removeIf(r -> name.equals(r.device()));
        removePeer(l);
    }

    /** The kinds this simulated kernel has drivers for, as this machine's: no ipvlan, no ip6tnl. */
    private static final java.util.Set<String> KINDS = java.util.Set.of("macvlan", "bridge");

    @Override
    public synchronized void createLink(String ns, String name, String kind, String hostParent, String mode) throws KernelException {
        link(null, hostParent);
        if (!KINDS.contains(kind))
            throw new KernelException(95, "Unknown device type");
        if (space(ns).links.containsKey(name))
            throw new KernelException(EEXIST, "a link named " + name + " exists");
        space(ns).links.put(name, new FakeLink(world.nextIndex++, kind));
    }

    @Override
    public synchronized void createIpip6(String ns, String name, java.net.InetAddress remote, java.net.InetAddress local)
            throws KernelException {
        space(ns);
        throw new KernelException(95, "Unknown device type"); // as this machine: no ip6_tunnel driver
    }

    @Override
    public synchronized void awaitAutoconf(String ns, String link, long timeoutMillis) throws KernelException {
        for (Address a : addresses(ns, link))
            if (a.ip() instanceof java.net.Inet6Address v6 && !v6.isLinkLocalAddress())
                return;
        throw new KernelException(110, "no SLAAC address on " + link + ": this simulated link has no router");
    }

    @Override
    public synchronized void createTap(String name, int uid, int gid) throws KernelException {
        if (name.length() > 15)
            throw new KernelException(22, "tap name " + name + " is longer than 15 characters");
        if (space(null).links.containsKey(name))
            throw new KernelException(EEXIST, "a link named " + name + " exists");
        FakeLink tap = new FakeLink(world.nextIndex++, "tun");
        tap.up = true;
        space(null).links.put(name, tap);
    }

    @Override
    public synchronized void setMaster(String ns, String name, String master) throws KernelException {
        link(ns, name).master = link(ns, master).index;
    }

    @Override
    public synchronized void moveLink(String ns, String name, String targetNs) throws KernelException {
        FakeLink l = link(ns, name);
        Space target = space(targetNs);
        if (target.links.containsKey(name))
            throw new KernelException(EEXIST, "a link named " + name + " exists in the target");
        space(ns).links.remove(name);
        space(ns).routes.removeIf(r -> name.equals(r.device()));
        target.links.put(name, l);
        if (l.peerName != null) { // the peer's note of where this end lives
            FakeLink peer = world.spaces.get(l.peerNs).links.get(l.peerName);
            if (peer != null)
                peer.peerNs = key(targetNs);
        }
    }

    @Override
    public synchronized void setUp(String ns, String name, int mtu, String mac) throws KernelException {
        FakeLink l = link(ns, name);
        l.up = true;
        if (mtu > 0)
            l.mtu = mtu;
        if (!mac.isEmpty())
            l.mac = mac.toLowerCase();
    }

    @Override
    public synchronized void addAddress(String ns, String link, Address address) throws KernelException {
        FakeLink l = link(ns, link);
        if (l.addresses.contains(address))
            throw new KernelException(EEXIST, "address " + address + " exists on " + link);
        l.addresses.add(address);
    }

    @Override
    public synchronized List<Address> addresses(String ns, String link) throws KernelException {
        return List.copyOf(link(ns, link).addresses);
    }

    @Override
    public synchronized void addRoute(String ns, Route route) throws KernelException {
        if (route.device() != null)
            link(ns, route.device());
        Space s = space(ns);
        if (s.routes.contains(route))
            throw new KernelException(EEXIST, "route exists");
        s.routes.add(route);
    }

    @Override
    public synchronized void deleteRoute(String ns, Route route) throws KernelException {
        if (!space(ns).routes.remove(route))
            throw new KernelException(ESRCH, "no such route");
    }

    @Override
    public synchronized List<Route> routes(String ns) throws KernelException {
        return List.copyOf(space(ns).routes);
    }

    @Override
    public synchronized void addProxyNeighbour(String ns, String link, InetAddress ip) throws KernelException {
        FakeLink l = link(ns, link);
        if (!l.proxies.contains(ip))
            l.proxies.add(ip);
    }

    @Override
    public synchronized void deleteProxyNeighbour(String ns, String link, InetAddress ip) throws KernelException {
        if (!link(ns, link).proxies.remove(ip))
            throw new KernelException(ENOENT, "no proxy entry " + ip.getHostAddress());
    }

    @Override
    public synchronized List<InetAddress> proxyNeighbours(String ns, String link) throws KernelException {
        return List.copyOf(link(ns, link).proxies);
    }

    @Override
    public synchronized void addAddrLabel(String ns, AddrLabel label) throws KernelException {
        Space s = space(ns);
        if (!(label.prefix().ip() instanceof java.net.Inet6Address))
            throw new KernelException(22, "address label " + label.prefix() + ": not an IPv6 prefix");
        if (s.addrLabels.stream().anyMatch(l -> l.prefix().equals(label.prefix())))
            throw new KernelException(EEXIST, "address label for " + label.prefix() + " exists");
        s.addrLabels.add(label);
    }

    /** Only the labels added: this kernel has no defaults. */
    @Override
    public synchronized List<AddrLabel> addrLabels(String ns) throws KernelException {
        return List.copyOf(space(ns).addrLabels);
    }

    @Override
    public synchronized void setSysctl(String ns, String key, String value) throws KernelException {
        space(ns).sysctls.put(key, value);
    }

    @Override
    public synchronized String sysctl(String ns, String key) throws KernelException {
        return space(ns).sysctls.getOrDefault(key, "0");
    }

    /** Commands of net=ip, as "ns: args"; this kernel runs none of them. */
    public final List<String> ipCommands = new ArrayList<>();

    @Override
    public synchronized void runIp(String ns, List<String> args) throws KernelException {
        space(ns);
        ipCommands.add(key(ns) + ": " + String.join(" ", args));
    }

    @Override
    public synchronized void addMasquerade(InetAddress source) {
        if (!world.masqueraded.contains(source))
            world.masqueraded.add(source);
    }

    @Override
    public synchronized void removeMasquerade(InetAddress source) {
        world.masqueraded.remove(source);
    }

    @Override
    public synchronized List<InetAddress> masqueraded() {
        return List.copyOf(world.masqueraded);
    }

    @Override
    public synchronized void shape(String ns, String device, long rate, long ceil) throws KernelException {
        if (rate <= 0 || ceil < rate)
            throw new KernelException(22, "bad rate " + rate + " / ceil " + ceil);
        link(ns, device).shaping = new long[] {rate, ceil};
    }

    @Override
    public synchronized void unshape(String ns, String device) throws KernelException {
        link(ns, device).shaping = null;
    }

    @Override
    public synchronized ClassStats shapingStats(String ns, String device) throws KernelException {
        return link(ns, device).shaping == null ? null : new ClassStats(0, 0, 0, 0);
    }

    @Override
    public synchronized Map<String, Long> protocolCounters(String ns, ProtocolTable table) throws KernelException {
        return new TreeMap<>(space(ns).protocol.get(table));
    }
}

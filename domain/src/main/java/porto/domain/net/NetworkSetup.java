package porto.domain.net;

import static porto.ports.Errno.*;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import porto.domain.ErrorCode;
import porto.domain.PortoException;
import porto.ports.KernelException;
import porto.ports.net.Network;
import porto.ports.net.Network.Address;
import porto.ports.net.Network.Route;

/**
 * Carries out a container's {@code net}: its own namespace (named after the container's id, so a
 * restarted daemon finds it), the devices, addresses and routes in it and the host's side of them.
 * A setup that fails half-way undoes itself; a teardown removes what the setup made, and is safe to
 * repeat. The namespace is bind-mounted by the adapter, so it outlives a daemon restart untouched.
 */
public final class NetworkSetup {
    private static final String LINK_LOCAL_GATEWAY = "fe80::1";

    private final Network net;
    private final NetworkConfig config;
    private final NatPool nat;
    private final String natProblem;
    private final L3Speeds speeds;
    private final TrafficShaping shaping;

    public NetworkSetup(Network net, NetworkConfig config) {
        this(net, config, null);
    }

    /** With a clock, the speeds of L3 and NAT containers are sampled ({@link #speeds}). */
    public NetworkSetup(Network net, NetworkConfig config, porto.ports.Clock clock) {
        this.net = net;
        this.config = config;
        this.speeds = new L3Speeds(net, clock);
        this.shaping = new TrafficShaping(net);
        NatPool pool = null;
        String problem = null;
        try {
            pool = new NatPool(config);
        } catch (PortoException e) {
            problem = "the NAT range of the config is invalid: " + e.getMessage();
        }
        this.nat = pool;
        this.natProblem = problem;
    }

    /** Addresses from the NAT range for container {@code id} on {@code device}. */
    public List<IpSpec.Entry> allocateNat(long id, String device) throws PortoException {
        if (nat == null)
            throw new PortoException(ErrorCode.InvalidValue, natProblem);
        return nat.allocate(id, device);
    }

    /** A restored container says which NAT addresses it holds; false if another holds them. */
    public boolean restoreNat(long id, List<IpSpec.Entry> ips) {
        return nat != null && nat.take(id, ips);
    }

    /** Frees the NAT addresses of {@code id}; true if it held some. */
    public boolean freeNat(long id) {
        return nat != null && nat.free(id);
    }

    /** The name of the namespace of container {@code id}. */
    public static String namespaceOf(long id) {
        return "ct" + id;
    }

    /** The host's end of the veth pair of an L3 or NAT container (at most 15 characters). */
    public static String hostDevice(long id) {
        return "L3-" + id;
    }

    /** Whether this spec gives the container a namespace of its own that the daemon makes. */
    public static boolean ownNamespace(NetSpec spec) {
        return !spec.sharesHost() && spec.first("container") == null && spec.first("netns") == null;
    }

    public String namespacePath(long id) {
        return net.namespacePath(namespaceOf(id));
    }

    /** Builds the container's network; on failure nothing of it is left. */
    public void setUp(long id, NetSpec spec, List<IpSpec.Entry> ips, List<IpSpec.Entry> gateways, Shaping shaping,
                      java.util.Map<String, String> sysctls) throws PortoException {
        if (net == null)
            throw new PortoException(ErrorCode.NotSupported, "this daemon has no network adapter");
        String ns = namespaceOf(id);
        try {
            net.createNamespace(ns);
        } catch (KernelException e) {
            throw error("cannot create the network namespace of container " + id, e);
        }
        try {
            for (Network.AddrLabel label : config.addrLabels()) // portod.conf's addrlabel, in every namespace made, as upstream
                net.addAddrLabel(ns, label);
            for (var e : sysctls.entrySet()) // before the devices: their defaults follow the "default" tree
                net.setSysctl(ns, e.getKey(), e.getValue());
            List<String> routed = new ArrayList<>(); // devices L3 and NAT configure themselves
            int index = 0;
            for (NetSpec.Option o : spec.options()) {
                index++;
                switch (o.kind()) {
                    case "none", "MTU", "MAC", "autoconf" -> { }
                    case "veth" -> {
                        String host = "pv" + id + "-" + index;
                        net.createVeth(null, host, ns, o.args().get(0), o.args().size() > 2 ? NetSpec.mtu(o.args().get(2)) : 0);
                        net.setMaster(null, host, o.args().get(1));
                        net.setUp(null, host, 0, "");
                        net.setUp(ns, o.args().get(0), 0, o.args().size() > 3 ? NetSpec.mac(o.args().get(3)) : "");
                    }
                    case "macvlan" -> {
                        net.createLink(ns, o.args().get(1), "macvlan", o.args().get(0), o.arg(2, "bridge"));
                        net.setUp(ns, o.args().get(1), o.args().size() > 3 ? NetSpec.mtu(o.args().get(3)) : 0,
                                o.args().size() > 4 ? NetSpec.mac(o.args().get(4)) : "");
                    }
                    case "ipvlan" -> net.createLink(ns, o.args().get(1), "ipvlan", o.args().get(0), o.arg(2, "l2"));
                    case "ipip6" -> { // asked of the kernel: one without ip6_tunnel says so
                        net.createIpip6(ns, o.args().get(0), IpSpec.literal(o.args().get(1)), IpSpec.literal(o.args().get(2)));
                        net.setUp(ns, o.args().get(0), 0, "");
                    }
                    case "steal" -> {
                        net.moveLink(null, o.args().get(0), ns);
                        net.setUp(ns, o.args().get(0), 0, "");
                    }
                    case "ip" -> net.runIp(ns, o.args());
                    case "L3" -> {
                        routed.add(o.arg(0, "eth0"));
                        l3(id, ns, o.arg(0, "eth0"), o.arg(1, null), ips, gateways);
                    }
                    case "NAT" -> {
                        String device = o.arg(0, "eth0");
                        routed.add(device);
                        l3(id, ns, device, null, ips, gateways);
                        for (IpSpec.Entry e : ips)
                            if (NetMasks.matches(e.device(), device))
                                net.addMasquerade(e.ip());
                    }
                    default -> throw new PortoException(ErrorCode.NotSupported, "net=" + o.kind() + " is not supported by this daemon yet");
                }
            }
            if (!routed.isEmpty())
                speeds.watch();
            for (IpSpec.Entry e : ips) // addresses of the other devices (veth, macvlan, stolen ones)
                if (routed.stream().noneMatch(d -> NetMasks.matches(e.device(), d)))
                    net.addAddress(ns, e.device(), new Address(e.ip(), e.prefix()));
            for (IpSpec.Entry g : gateways)
                if (routed.stream().noneMatch(d -> NetMasks.matches(g.device(), d)))
                    net.addRoute(ns, new Route(IpSpec.literal(g.v6() ? "::" : "0.0.0.0"), 0, g.device(), g.ip()));
            for (NetSpec.Option o : spec.options()) { // devices made by the other options
                if (o.kind().equals("MTU"))
                    net.setUp(ns, o.args().get(0), NetSpec.mtu(o.args().get(1)), "");
                if (o.kind().equals("MAC"))
                    net.setUp(ns, o.args().get(0), 0, NetSpec.mac(o.args().get(1)));
            }
            for (NetSpec.Option o : spec.options()) // the task starts once its addresses are there
                if (o.kind().equals("autoconf"))
                    net.awaitAutoconf(ns, o.args().get(0), config.autoconfTimeoutS() * 1000L);
            this.shaping.shape(id, ns, routed, shaping);
        } catch (PortoException | RuntimeException e) {
            tearDown(id, spec, ips);
            throw e;
        } catch (KernelException e) {
            tearDown(id, spec, ips);
            throw error("network setup of container " + id + " failed", e);
        }
    }

    /** net=tap: see {@link Taps}. */
    public void setUpTaps(long id, NetSpec spec, List<IpSpec.Entry> ips, int uid, int gid) throws PortoException {
        new Taps(this, net).setUp(id, spec, ips, uid, gid);
    }

    public void tearDownTaps(NetSpec spec, List<IpSpec.Entry> ips) {
        new Taps(this, net).tearDown(spec, ips);
    }

    /** The tc classes of containers' devices. */
    public TrafficShaping shaping() {
        return shaping;
    }

    /** The sampled speeds of L3 and NAT containers; sampling starts when asked, if it does not run. */
    public L3Speeds speeds() {
        speeds.watch();
        return speeds;
    }

    /** Speed samples not counted because they came too late, without starting the sampling. */
    public long l3StatLost() {
        return speeds.lost();
    }

    /** The counters of containers' devices and classes. */
    public NetworkCounters counters() {
        return new NetworkCounters(net, config);
    }

    /** {@code master}: the mask of the host devices that answer for the addresses, or null for those of their network. */
    private void l3(long id, String ns, String device, String master, List<IpSpec.Entry> ips, List<IpSpec.Entry> gateways)
            throws KernelException, PortoException {
        String host = hostDevice(id);
        requireHostSysctls(ips, device);
        net.createVeth(null, host, ns, device, 0);
        net.setUp(ns, device, 0, "");
        net.setUp(null, host, 0, "");
        List<IpSpec.Entry> mine = ips.stream().filter(e -> NetMasks.matches(e.device(), device)).toList();
        // The host's end answers the container's ARP for every address; for IPv6 it is the gateway fe80::1.
        net.setSysctl(null, "net.ipv4.conf." + host + ".proxy_arp", "1");
        boolean v6 = mine.stream().anyMatch(IpSpec.Entry::v6);
        if (v6)
            net.addAddress(null, host, new Address(IpSpec.literal(LINK_LOCAL_GATEWAY), 64));
        for (IpSpec.Entry e : mine) {
            net.addAddress(ns, device, new Address(e.ip(), e.prefix()));
            net.addRoute(null, new Route(e.ip(), e.ip().getAddress().length * 8, host, null));
            for (String uplink : master == null ? uplinksFor(e.ip()) : managedMatching(master))
                net.addProxyNeighbour(null, uplink, e.ip());
        }
        boolean v4 = mine.stream().anyMatch(e -> !e.v6());
        IpSpec.Entry gw4 = gateway(gateways, device, false), gw6 = gateway(gateways, device, true);
        if (v4 || gw4 != null)
            net.addRoute(ns, new Route(IpSpec.literal("0.0.0.0"), 0, device, gw4 == null ? null : gw4.ip()));
        if (v6 || gw6 != null)
            net.addRoute(ns, new Route(IpSpec.literal("::"), 0, device, gw6 == null ? IpSpec.literal(LINK_LOCAL_GATEWAY) : gw6.ip()));
    }

    /** The manual's host sysctls that L3 needs: without them the container is not reachable, so the start says so. */
    private void requireHostSysctls(List<IpSpec.Entry> ips, String device) throws KernelException, PortoException {
        boolean v4 = false, v6 = false;
        for (IpSpec.Entry e : ips)
            if (NetMasks.matches(e.device(), device)) {
                v4 |= !e.v6();
                v6 |= e.v6();
            }
        List<String> missing = new ArrayList<>();
        if (v4 && !net.sysctl(null, "net.ipv4.conf.all.forwarding").equals("1"))
            missing.add("net.ipv4.conf.all.forwarding = 1");
        if (v6 && !net.sysctl(null, "net.ipv6.conf.all.forwarding").equals("1"))
            missing.add("net.ipv6.conf.all.forwarding = 1");
        if (v6 && config.proxyNdp() && !net.sysctl(null, "net.ipv6.conf.all.proxy_ndp").equals("1"))
            missing.add("net.ipv6.conf.all.proxy_ndp = 1");
        if (!missing.isEmpty())
            throw new PortoException(ErrorCode.InvalidState, "net=L3 and NAT need on the host: " + String.join(", ", missing));
    }

    private static IpSpec.Entry gateway(List<IpSpec.Entry> gateways, String device, boolean v6) {
        return gateways.stream().filter(g -> NetMasks.matches(g.device(), device) && g.v6() == v6).findFirst().orElse(null);
    }

    /** The managed host devices whose names match {@code mask} (net=L3 <name> <master>). */
    private List<String> managedMatching(String mask) throws KernelException {
        List<String> out = new ArrayList<>();
        for (Network.Link link : net.links(null))
            if (!link.name().equals("lo") && !link.name().startsWith("L3-") && !config.unmanaged(link)
                    && NetMasks.matches(mask, link.name()))
                out.add(link.name());
        return out;
    }

    /** The managed host devices with an address of the same network as {@code ip}: they answer for it. */
    List<String> uplinksFor(InetAddress ip) throws KernelException {
        List<String> out = new ArrayList<>();
        if (!config.proxyNdp() && ip.getAddress().length == 16)
            return out;
        for (Network.Link link : net.links(null)) {
            String name = link.name();
            if (name.equals("lo") || name.startsWith("L3-") || config.unmanaged(link))
                continue;
            for (Address a : net.addresses(null, name))
                if (a.prefix() < a.ip().getAddress().length * 8 && IpSpec.contains(a.ip(), a.prefix(), ip)) {
                    out.add(name);
                    break;
                }
        }
        return out;
    }

    /**
     * Removes the container's network: its proxy entries on the host, then its namespace (the
     * veth pair and the host's routes through it go with it). Errors are skipped: what can be
     * removed is.
     */
    public void tearDown(long id, NetSpec spec, List<IpSpec.Entry> ips) {
        if (net == null)
            return;
        try {
            if (spec.first("NAT") != null)
                for (IpSpec.Entry e : ips)
                    net.removeMasquerade(e.ip());
        } catch (KernelException e) {
            // the rest goes all the same
        }
        removeProxyEntries(ips);
        for (NetSpec.Option o : spec.options())
            if (o.kind().equals("steal"))
                try {
                    net.moveLink(namespaceOf(id), o.args().get(0), null); // a stolen device goes back, not away
                } catch (KernelException e) {
                    // not moved yet, or gone
                }
        try {
            net.deleteNamespace(namespaceOf(id));
        } catch (KernelException e) {
            // left for the cleanup after the next restart
        }
    }

    void removeProxyEntries(List<IpSpec.Entry> ips) {
        try {
            for (IpSpec.Entry e : ips)
                for (Network.Link link : net.links(null))
                    if (!link.name().startsWith("L3-") && !config.unmanaged(link)
                            && net.proxyNeighbours(null, link.name()).contains(e.ip()))
                        net.deleteProxyNeighbour(null, link.name(), e.ip());
        } catch (KernelException e) {
            // the rest goes all the same
        }
    }

    /** After a restart: removes the namespaces of containers that no longer hold one. */
    public List<String> removeStale(Set<Long> holders) {
        List<String> removed = new ArrayList<>();
        if (net == null)
            return removed;
        try {
            for (String ns : net.namespaces()) {
                if (ns.startsWith("ct") && holders.contains(parseId(ns)))
                    continue;
                net.deleteNamespace(ns);
                removed.add(ns);
            }
        } catch (KernelException e) {
            // tried again at the next restart
        }
        if (!holders.isEmpty())
            speeds.watch(); // a restarted daemon measures the L3 devices it took back (it stops if there are none)
        return removed;
    }

    private static long parseId(String ns) {
        try {
            return Long.parseLong(ns.substring(2));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static PortoException error(String what, KernelException e) {
        ErrorCode code = switch (e.errno()) {
            case EOPNOTSUPP -> ErrorCode.NotSupported; // a driver this kernel lacks (ipvlan, ...)
            case EEXIST -> ErrorCode.ResourceNotAvailable;
            case ENODEV -> ErrorCode.InvalidValue;
            default -> ErrorCode.Unknown;
        };
        return new PortoException(code, what + ": " + e.getMessage(), e.errno());
    }
}

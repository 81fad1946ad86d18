package porto.domain;

import static porto.domain.Property.STOPPED_ONLY;
import static porto.domain.Property.ANY_STATE;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import porto.domain.net.IpSpec;
import porto.domain.net.NetSpec;
import porto.domain.net.NetworkCounters.Counter;
import porto.domain.net.Shaping;
import porto.domain.net.NetSpec;
import porto.domain.net.NetworkSetup;

/**
 * The manual's "Network" properties; their parsing and the setup live in {@code porto.domain.net},
 * this class declares them and connects them to a start and a stop.
 */
final class NetworkProperties {
    private NetworkProperties() {}

    static final TypedProperty<NetSpec> NET = TypedProperty.of("net",
            "network namespace: inherited|none|L3 <name> [master]|NAT [name]|veth <name> <bridge> [mtu] [hw]|"
                    + "macvlan <master> <name> [type] [mtu] [hw]|ipvlan <master> <name> [mode] [mtu]|tap <name>|"
                    + "ipip6 <name> <remote> <local>|MTU <name> <mtu>|MAC <name> <mac>|autoconf <name>|ip <cmd> <args>...|"
                    + "container <name>|netns <name>|steal <device>; ...",
            STOPPED_ONLY, NetSpec::parse, NetSpec::format, NetSpec.INHERITED);
    static final TypedProperty<List<IpSpec.Entry>> IP = TypedProperty.of("ip",
            "ip addresses: <interface> <ip>[/<prefix>]; ...", STOPPED_ONLY, IpSpec::parseAddresses,
            e -> IpSpec.format(e, true), List.<IpSpec.Entry>of());
    static final TypedProperty<List<IpSpec.Entry>> DEFAULT_GW = TypedProperty.of("default_gw",
            "default gateway: <interface> <ip>; ...", STOPPED_ONLY, IpSpec::parseGateways,
            e -> IpSpec.format(e, false), List.<IpSpec.Entry>of());
    static final TypedProperty<String> IP_LIMIT = TypedProperty.of("ip_limit",
            "ip allowed for sub-containers: none|any|<ip>[/<mask>]; ...", STOPPED_ONLY, NetworkProperties::parseIpLimit,
            t -> t, "");

    static final TypedProperty<Map<String, Long>> NET_GUARANTEE = rates("net_guarantee", "minimum egress bandwidth");
    static final TypedProperty<Map<String, Long>> NET_LIMIT = rates("net_limit", "maximum egress bandwidth");
    static final TypedProperty<Map<String, Long>> NET_RX_LIMIT = rates("net_rx_limit", "maximum ingress bandwidth");

    private static TypedProperty<Map<String, Long>> rates(String name, String what) {
        return TypedProperty.of(name, what + ": <interface>|default: <Bps>; ... (applied at once when running)", ANY_STATE,
                NetworkProperties::parseRates, NetworkProperties::formatRates, Map.<String, Long>of()).keyed();
    }

    private static Map<String, Long> parseRates(String text) throws PortoException {
        Map<String, Long> out = new TreeMap<>();
        for (var e : Values.parseMap(text, false).entrySet())
            out.put(e.getKey(), Values.parseSize(e.getValue()));
        return Collections.unmodifiableMap(out);
    }

    private static String formatRates(Map<String, Long> rates) {
        Map<String, String> text = new TreeMap<>();
        rates.forEach((k, v) -> text.put(k, Long.toString(v)));
        return Values.formatMap(text);
    }

    static final TypedProperty<Map<String, String>> SYSCTL = TypedProperty.of("sysctl",
            "network namespace sysctls: <sysctl>: <value>; ... (a whitelist, applied at start)", STOPPED_ONLY,
            porto.domain.net.NetSysctls::parse, porto.domain.net.NetSysctls::format, Map.<String, String>of()).keyed();

    /** The counters are read through the network setup, which also builds and tears down namespaces. */
    static void register(Properties p, NetworkSetup networking) {
        p.add(SYSCTL.entry());
        p.add(NET.entry());
        p.add(IP.entry());
        p.add(DEFAULT_GW.entry());
        p.add(IP_LIMIT.entry());
        p.add(NET_GUARANTEE.entry());
        p.add(NET_LIMIT.entry());
        p.add(NET_RX_LIMIT.entry());
        counter(p, networking, "net_bytes", "traffic class counters: <interface>: <bytes>; ...", Counter.BYTES);
        counter(p, networking, "net_packets", "tc packets: <interface>: <packets>; ...", Counter.PACKETS);
        counter(p, networking, "net_drops", "tc drops: <interface>: <packets>; ...", Counter.DROPS);
        counter(p, networking, "net_overlimits", "tc overlimits: <interface>: <packets>; ...", Counter.OVERLIMITS);
        counter(p, networking, "net_rx_bytes", "device rx bytes: <interface>: <bytes>; ...", Counter.RX_BYTES);
        counter(p, networking, "net_rx_packets", "device rx packets: <interface>: <packets>; ...", Counter.RX_PACKETS);
        counter(p, networking, "net_rx_drops", "device rx drops: <interface>: <packets>; ...", Counter.RX_DROPS);
        counter(p, networking, "net_tx_bytes", "device tx bytes: <interface>: <bytes>; ...", Counter.TX_BYTES);
        counter(p, networking, "net_tx_packets", "device tx packets: <interface>: <packets>; ...", Counter.TX_PACKETS);
        counter(p, networking, "net_tx_drops", "device tx drops: <interface>: <packets>; ...", Counter.TX_DROPS);
        p.add(Property.readOnly("net_class_id", "traffic class: <interface>: major:minor (hex)", c -> {
            Properties.requireRuntime(c, "net_class_id");
            return Values.formatMap(networking.counters().classIds(c.id, ownNamespace(c)));
        }, true));
    }

    private static void counter(Properties p, NetworkSetup networking, String name, String description, Counter counter) {
        p.add(Property.readOnly(name, description, c -> {
            Properties.requireRuntime(c, name);
            Map<String, String> text = new TreeMap<>();
            networking.counters().read(c.id, ownNamespace(c), counter).forEach((k, v) -> text.put(k, Long.toString(v)));
            return Values.formatMap(text);
        }, true));
    }

    private static String parseIpLimit(String text) throws PortoException {
        String t = text.trim();
        if (t.isEmpty() || t.equals("none") || t.equals("any"))
            return t;
        List<String> parts = new ArrayList<>();
        for (String part : t.split(";")) {
            String p = part.trim();
            if (p.isEmpty())
                continue;
            IpSpec.parseAddresses("x " + p); // an address with an optional prefix
            parts.add(p);
        }
        return String.join("; ", parts);
    }

    /** Whether the daemon builds a namespace for {@code c} at start. */
    static boolean ownNamespace(Container c) throws PortoException {
        return c.config.containsKey("net") && NetworkSetup.ownNamespace(NET.value(c));
    }

    /**
     * Checks a start against the ip_limit of the ancestors: below a limit only L3 with addresses
     * inside it (any: everything, none: no network of its own).
     */
    static void checkStart(Container c, Caller caller) throws PortoException {
        if (caller.isRoot() || !c.config.containsKey("net"))
            return;
        NetSpec net = NET.value(c);
        for (String rootOnly : List.of("steal", "netns"))
            if (net.first(rootOnly) != null)
                throw new PortoException(ErrorCode.Permission, "net=" + rootOnly + " is for root only");
        if (!ownNamespace(c))
            return;
        for (Container p = c.parent; p != null && !p.isHost(); p = p.parent) {
            String limit = IP_LIMIT.value(p);
            if (limit.isEmpty() || limit.equals("any"))
                continue;
            NetSpec spec = NET.value(c);
            if (limit.equals("none") || spec.options().stream().anyMatch(o -> !o.kind().equals("L3")))
                throw new PortoException(ErrorCode.Permission, "ip_limit of " + p.name + " allows only L3 networks"
                        + (limit.equals("none") ? ", and no address" : "") + ": net=" + spec.format());
            for (IpSpec.Entry e : IP.value(c))
                if (!allowed(limit, e))
                    throw new PortoException(ErrorCode.Permission, "ip " + e.ip().getHostAddress() + " is outside ip_limit '"
                            + limit + "' of " + p.name);
        }
    }

    private static boolean allowed(String limit, IpSpec.Entry e) throws PortoException {
        for (IpSpec.Entry allowed : IpSpec.parseAddresses(limit.replaceAll("(^|;)\\s*", "$1x ")))
            if (IpSpec.contains(allowed.ip(), allowed.prefix(), e.ip()))
                return true;
        return false;
    }

    /** The namespace file the task enters, or null when the launcher decides as before. */
    static String namespacePath(NetworkSetup networking, Map<String, Container> containers, Container c) throws PortoException {
        if (!c.config.containsKey("net"))
            return null;
        if (ownNamespace(c))
            return networking.namespacePath(c.id);
        NetSpec spec = NET.value(c);
        NetSpec.Option netns = spec.first("netns");
        if (netns != null) {
            String name = netns.args().get(0);
            if (name.contains("/") || name.startsWith("."))
                throw new PortoException(ErrorCode.InvalidValue, "net=netns: '" + name + "' is not a name of ip-netns(8)");
            return "/run/netns/" + name;
        }
        NetSpec.Option other = spec.first("container");
        if (other != null) {
            Container target = containers.get(other.args().get(0));
            if (target == null)
                throw new PortoException(ErrorCode.ContainerDoesNotExist, "net=container: no container " + other.args().get(0));
            if (target.rootPid <= 0)
                throw new PortoException(ErrorCode.InvalidState, "net=container: " + target.name + " is " + target.state().text()
                        + ", it holds no network namespace");
            if (target.ownerUid != c.ownerUid && c.ownerUid != 0)
                throw new PortoException(ErrorCode.Permission, "net=container: " + target.name + " belongs to another user");
            return "/proc/" + target.rootPid + "/ns/net";
        }
        return null;
    }

    /** The network part of a start, read with the tree lock held and carried out without it. */
    record Start(long id, NetSpec spec, List<IpSpec.Entry> ips, List<IpSpec.Entry> gateways, Shaping shaping,
                 Map<String, String> sysctls, int uid, int gid) {
        void run(NetworkSetup networking) throws PortoException {
            if (spec.tapOnly())
                networking.setUpTaps(id, spec, ips, uid, gid);
            else
                networking.setUp(id, spec, ips, gateways, shaping, sysctls);
        }
    }

    private static Shaping shaping(Container c) throws PortoException {
        return new Shaping(NET_GUARANTEE.value(c), NET_LIMIT.value(c), NET_RX_LIMIT.value(c));
    }

    /** The config's default network sysctls, then the container's own. */
    private static Map<String, String> sysctls(porto.domain.net.NetworkConfig config, Container c) throws PortoException {
        Map<String, String> out = new TreeMap<>(config.netSysctls());
        out.putAll(SYSCTL.value(c));
        return out;
    }

    /** What a start of {@code c} must build, or null when the daemon builds no namespace for it. */
    static Start start(NetworkSetup networking, porto.domain.net.NetworkConfig config, UserDatabase users, Properties p,
                       Container c) throws PortoException {
        if (!ownNamespace(c)) {
            if (!SYSCTL.value(c).isEmpty())
                throw new PortoException(ErrorCode.InvalidValue, "sysctl needs a network namespace of the container's own"
                        + " (net=none, L3, NAT, ...): it would change the one it shares");
            if (shaping(c).any())
                throw new PortoException(ErrorCode.NotSupported, "net_guarantee, net_limit and net_rx_limit need a network namespace"
                        + " of the container's own (net=L3, NAT, veth, ...): shaping a shared one needs tc's cgroup classifier,"
                        + " which this kernel lacks (CONFIG_NET_CLS_CGROUP)");
            if (c.config.containsKey("net") && NET.value(c).tapOnly()) // the task's user may open its taps
                return new Start(c.id, NET.value(c), IP.value(c), List.of(), shaping(c), Map.of(),
                        users.resolveUid(p.value(c, "user")), users.resolveGid(p.value(c, "group")));
            return null;
        }
        NetSpec spec = NET.value(c);
        NetSpec.Option nat = spec.first("NAT");
        if (nat != null && IP.value(c).isEmpty()) // NAT hands out an address, shown in ip until the stop
            c.config.put("ip", IpSpec.format(networking.allocateNat(c.id, nat.arg(0, "eth0")), true));
        return new Start(c.id, spec, IP.value(c), DEFAULT_GW.value(c), shaping(c), sysctls(config, c), 0, 0);
    }

    /** A shaping property set on a started container takes effect at once; a shared namespace cannot be shaped. */
    /**
     * The kernel work a shaping property changed on a running container needs (its tc classes
     * retuned), decided with the lock held and run without it; null when there is none.
     */
    static KernelSteps.Step retuning(NetworkSetup networking, Container c, String property) throws PortoException {
        if (!List.of("net_guarantee", "net_limit", "net_rx_limit").contains(property) || c.state() == State.STOPPED)
            return null;
        if (!ownNamespace(c)) {
            if (shaping(c).any())
                throw new PortoException(ErrorCode.NotSupported, property + " needs a network namespace of the container's own"
                        + " (net=L3, NAT, veth, ...): this kernel lacks tc's cgroup classifier (CONFIG_NET_CLS_CGROUP)");
            return null;
        }
        long id = c.id;
        NetSpec spec = NET.value(c);
        Shaping shaping = shaping(c);
        return () -> networking.shaping().retune(id, spec, shaping);
    }

    /** After a restart: a running NAT container holds its addresses again, and its tc classes are there. */
    static void restore(NetworkSetup networking, Container c) throws PortoException {
        if (!ownNamespace(c))
            return;
        if (NET.value(c).first("NAT") != null)
            networking.restoreNat(c.id, IP.value(c));
        networking.shaping().reshape(c.id, NET.value(c), shaping(c));
    }

    /** What the setup made goes: the kernel's objects, then the NAT address. */
    static void tearDown(NetworkSetup networking, Container c) {
        Runnable kernelWork = stop(networking, c);
        kernelWork.run();
        freed(networking, c);
    }

    /** The kernel work of a stop, read with the lock held, to run without it. */
    static Runnable stop(NetworkSetup networking, Container c) {
        try {
            if (c.config.containsKey("net") && NET.value(c).tapOnly()) {
                NetSpec taps = NET.value(c);
                List<IpSpec.Entry> tapIps = IP.value(c);
                return () -> networking.tearDownTaps(taps, tapIps);
            }
            if (!ownNamespace(c))
                return () -> { };
            long id = c.id;
            NetSpec spec = NET.value(c);
            List<IpSpec.Entry> ips = IP.value(c);
            return () -> networking.tearDown(id, spec, ips);
        } catch (PortoException e) {
            return () -> { }; // a stored value that no longer parses: nothing was built from it
        }
    }

    /** After the kernel work, with the lock held: the NAT address goes back to the range. */
    static void freed(NetworkSetup networking, Container c) {
        if (networking.freeNat(c.id))
            c.config.remove("ip");
    }
}

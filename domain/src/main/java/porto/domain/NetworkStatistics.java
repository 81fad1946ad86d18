package porto.domain;

import static porto.domain.Property.ANY_STATE;

import java.util.Map;
import java.util.TreeMap;
import porto.domain.net.L3Speeds;
import porto.domain.net.NetSpec;
import porto.domain.net.NetworkSetup;
import porto.domain.net.NetworkCounters.Counter;
import porto.ports.net.Network.ProtocolTable;

/**
 * Upstream 5.3.15's last network properties: the namespace's protocol counters (net_netstat,
 * net_snmp), the sampled speeds of L3 and NAT containers (net_rx/tx_max_speed and
 * net_rx/tx_speed_hgram), net_rx_overlimits, and net_tos (only its default: this daemon's
 * shaping has no DSCP classes).
 */
final class NetworkStatistics {
    private NetworkStatistics() {}

    static final TypedProperty<String> NET_TOS = TypedProperty.of("net_tos",
            "default IP TOS class: CS0|...|CS7 (only CS0: this portod has no per-class shaping)", ANY_STATE,
            NetworkStatistics::parseTos, t -> t, "CS0")
            .onSet((c, tos) -> {
                if (!tos.equals("CS0"))
                    throw new PortoException(ErrorCode.NotSupported, "net_tos " + tos + " is not supported: this portod "
                            + "shapes one class per device and does not classify traffic by DSCP class (net_cls classid)");
            });

    static void register(Properties p, NetworkSetup networking, ContainerTree tree) {
        protocol(p, networking, tree, "net_netstat", "/proc/net/netstat", ProtocolTable.NETSTAT);
        protocol(p, networking, tree, "net_snmp", "/proc/net/snmp", ProtocolTable.SNMP);
        speed(p, networking, tree, "net_rx_max_speed", "highest receive speed since the network was made, bytes/s", L3Speeds.Speed::rxMax);
        speed(p, networking, tree, "net_tx_max_speed", "highest send speed since the network was made, bytes/s", L3Speeds.Speed::txMax);
        speed(p, networking, tree, "net_rx_speed_hgram", "receive speeds since the network was made: <MB/s>:<samples>;... ",
                L3Speeds.Speed::rxHistogram);
        speed(p, networking, tree, "net_tx_speed_hgram", "send speeds since the network was made: <MB/s>:<samples>;... ",
                L3Speeds.Speed::txHistogram);
        p.add(Property.readOnly("net_rx_overlimits", "device rx overruns and errors, and what net_rx_limit held back: "
                + "<interface>: <packets>; ...", c -> {
                    var counters = networking.counters();
                    Properties.requireRuntime(c, "net_rx_overlimits");
                    boolean own = NetworkProperties.ownNamespace(c);
                    Map<String, Long> byDevice = counters.read(c.id, own, Counter.RX_OVERRUNS);
                    String routed = own ? routedDevice(NetworkProperties.NET.value(c)) : null;
                    if (routed != null && byDevice.containsKey(routed))
                        byDevice.merge(routed, counters.ingressOverlimits(c.id), Long::sum);
                    return format(byDevice);
                }, true));
        p.add(NET_TOS.entry());
    }

    private static void protocol(Properties p, NetworkSetup networking, ContainerTree tree, String name, String file,
                                 ProtocolTable table) {
        p.add(Property.readOnly(name, "the network namespace's counters from " + file + ": <name>: <value>; ...", c -> {
            var counters = networking.counters();
            var containers = tree.containers();
            Properties.requireRuntime(c, name);
            Container owner = namespaceOwner(containers, c, name);
            Map<String, String> text = new TreeMap<>(); // as upstream's unsigned values: MaxConn -1 is 2^64-1
            counters.protocol(owner.id, table).forEach((k, v) -> text.put(k, Long.toUnsignedString(v)));
            return Values.formatMap(text);
        }, true));
    }

    private interface SpeedValue {
        Object of(L3Speeds.Speed speed);
    }

    private static void speed(Properties p, NetworkSetup networking, ContainerTree tree, String name, String description,
                              SpeedValue value) {
        p.add(Property.readOnly(name, description, c -> {
            var speeds = networking.speeds();
            var containers = tree.containers();
            Properties.requireRuntime(c, name);
            Container owner = namespaceOwner(containers, c, name);
            if (routedDevice(NetworkProperties.NET.value(owner)) == null) // upstream measures only L3 devices
                return name.endsWith("hgram") ? "" : "0";
            return value.of(speeds.of(owner.id)).toString();
        }, false));
    }

    /**
     * The container whose namespace {@code c} uses: itself or the nearest one it inherits from, or
     * the one {@code net=container} names. The host's network has none (ResourceNotAvailable, as upstream).
     */
    private static Container namespaceOwner(Map<String, Container> containers, Container c, String property) throws PortoException {
        if (c.state() == State.DEAD)
            throw new PortoException(ErrorCode.InvalidState, property + " is not available in dead state: its network is gone");
        Container x = c;
        for (int hops = 0; hops < 256; hops++) {
            if (x == null || x.isHost())
                break;
            NetSpec net = NetworkProperties.NET.value(x);
            if (NetworkProperties.ownNamespace(x))
                return x;
            if (net.first("netns") != null)
                throw new PortoException(ErrorCode.NotSupported, property + " of a net=netns network is not read by this portod");
            NetSpec.Option other = net.first("container");
            if (other != null)
                x = containers.get(other.arg(0, ""));
            else if (net.inherited())
                x = x.parent;
            else
                break; // taps only: the host's network
        }
        throw new PortoException(ErrorCode.ResourceNotAvailable, property + " is not available for a container with the host's network");
    }

    /** The device an L3 or NAT option makes in the container, or null when it has none. */
    private static String routedDevice(NetSpec net) {
        for (NetSpec.Option o : net.options())
            if (o.kind().equals("L3") || o.kind().equals("NAT"))
                return o.arg(0, "eth0");
        return null;
    }

    private static String format(Map<String, Long> values) {
        Map<String, String> text = new TreeMap<>();
        values.forEach((k, v) -> text.put(k, Long.toString(v)));
        return Values.formatMap(text);
    }

    private static String parseTos(String text) throws PortoException {
        String t = text.trim();
        if (!t.matches("CS[0-7]"))
            throw Values.invalid("net_tos is CS0 ... CS7, got '" + text + "'");
        return t;
    }
}

package porto.domain.net;

import porto.domain.PortoException;
import porto.ports.KernelException;
import porto.ports.net.Network;

/** The network counters of a container, read from the kernel on demand. */
public final class NetworkCounters {
    private final Network net;
    private final NetworkConfig config;

    NetworkCounters(Network net, NetworkConfig config) {
        this.net = net;
        this.config = config;
    }

    /** Which counters {@link #read} reads. */
    public enum Counter { BYTES, PACKETS, DROPS, OVERLIMITS, RX_BYTES, RX_PACKETS, RX_DROPS, RX_OVERRUNS, TX_BYTES, TX_PACKETS, TX_DROPS, CLASS_ID }

    /**
     * A counter by device: of the container's own devices when it has a namespace of its own,
     * of the host's managed devices otherwise (tc counters only of shaped devices; CLASS_ID as text
     * is in {@link #classIds}).
     */
    public java.util.Map<String, Long> read(long id, boolean own, Counter counter) throws PortoException {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        if (net == null)
            return out;
        String ns = own ? NetworkSetup.namespaceOf(id) : null;
        try {
            for (Network.Link link : net.links(ns)) {
                String name = link.name();
                if (name.equals("lo") || (!own && (config.unmanaged(link) || name.startsWith("L3-") || name.startsWith("pv"))))
                    continue;
                Network.Stats st = link.stats();
                Long value = switch (counter) {
                    case RX_BYTES -> st.rxBytes();
                    case RX_PACKETS -> st.rxPackets();
                    case RX_DROPS -> st.rxDrops();
                    case RX_OVERRUNS -> st.rxOverruns();
                    case TX_BYTES -> st.txBytes();
                    case TX_PACKETS -> st.txPackets();
                    case TX_DROPS -> st.txDrops();
                    default -> {
                        Network.ClassStats cs = own ? net.shapingStats(ns, name) : null;
                        yield cs == null ? null : switch (counter) {
                            case BYTES -> cs.bytes();
                            case PACKETS -> cs.packets();
                            case DROPS -> cs.drops();
                            default -> cs.overlimits();
                        };
                    }
                };
                if (value != null)
                    out.put(name, value);
            }
        } catch (KernelException e) {
            throw NetworkSetup.error("cannot read the network counters of container " + id, e);
        }
        return out;
    }

    /** The traffic class of each shaped device of the container: "1:1" (one class per device). */
    public java.util.Map<String, String> classIds(long id, boolean own) throws PortoException {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        for (String device : read(id, own, Counter.BYTES).keySet())
            out.put(device, "1:1");
        return out;
    }

    /**
     * What the shaping of the container's ingress (net_rx_limit, a class on its host device) held
     * back: its overlimits, or 0 when that device is not shaped.
     */
    public long ingressOverlimits(long id) throws PortoException {
        if (net == null)
            return 0;
        try {
            Network.ClassStats cs = net.shapingStats(null, NetworkSetup.hostDevice(id));
            return cs == null ? 0 : cs.overlimits();
        } catch (KernelException e) {
            if (e.errno() == 19) // ENODEV: no host device (not L3 or NAT)
                return 0;
            throw NetworkSetup.error("cannot read the ingress shaping of container " + id, e);
        }
    }

    /** The protocol counters (/proc/net/netstat or /proc/net/snmp) of the namespace of container {@code id}. */
    public java.util.Map<String, Long> protocol(long id, Network.ProtocolTable table) throws PortoException {
        if (net == null)
            throw new PortoException(porto.domain.ErrorCode.NotSupported, "this daemon has no network adapter");
        try {
            return net.protocolCounters(NetworkSetup.namespaceOf(id), table);
        } catch (KernelException e) {
            throw NetworkSetup.error("cannot read the protocol counters of container " + id, e);
        }
    }
}

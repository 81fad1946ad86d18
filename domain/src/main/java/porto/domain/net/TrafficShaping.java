package porto.domain.net;

import java.util.ArrayList;
import java.util.List;
import porto.domain.PortoException;
import porto.ports.KernelException;
import porto.ports.net.Network;

/**
 * The tc classes (HTB) of containers with a network of their own: each device's egress class in
 * the container's namespace, and for L3 and NAT the host's end of the pair, whose egress is the
 * container's ingress (net_rx_limit). Set at start, again after a restart, changed while running.
 */
public final class TrafficShaping {
    private final Network net;

    TrafficShaping(Network net) {
        this.net = net;
    }

    /**
     * After a restart: a running container's classes are set again (a class replaced is the same
     * class; one that went missing comes back).
     */
    public void reshape(long id, NetSpec spec, Shaping shaping) throws PortoException {
        if (net == null || !shaping.any())
            return;
        List<String> routed = new ArrayList<>();
        for (NetSpec.Option o : spec.options())
            if (o.kind().equals("L3") || o.kind().equals("NAT"))
                routed.add(o.arg(0, "eth0"));
        try {
            shape(id, NetworkSetup.namespaceOf(id), routed, shaping);
        } catch (KernelException e) {
            throw NetworkSetup.error("cannot shape the traffic of container " + id + " again", e);
        }
    }

    /**
     * A running container's shaping changed: each device gets its new class, or loses the one it
     * had when it is no longer shaped.
     */
    public void retune(long id, NetSpec spec, Shaping shaping) throws PortoException {
        if (net == null)
            return;
        String ns = NetworkSetup.namespaceOf(id);
        try {
            for (Network.Link link : net.links(ns)) {
                if (link.name().equals("lo"))
                    continue;
                long[] egress = shaping.egress(link.name());
                if (egress != null)
                    net.shape(ns, link.name(), egress[0], egress[1]);
                else
                    net.unshape(ns, link.name());
            }
            for (NetSpec.Option o : spec.options())
                if (o.kind().equals("L3") || o.kind().equals("NAT")) {
                    long rx = Shaping.of(shaping.rxLimit(), o.arg(0, "eth0"));
                    if (rx > 0)
                        net.shape(null, NetworkSetup.hostDevice(id), rx, rx);
                    else
                        net.unshape(null, NetworkSetup.hostDevice(id));
                }
        } catch (KernelException e) {
            throw NetworkSetup.error("cannot change the shaping of container " + id, e);
        }
    }

    /** The classes of a new network: the container's devices and, for L3 and NAT, the host's end. */
    void shape(long id, String ns, List<String> routed, Shaping shaping) throws KernelException {
        if (!shaping.any())
            return;
        for (Network.Link link : net.links(ns)) {
            long[] egress = link.name().equals("lo") ? null : shaping.egress(link.name());
            if (egress != null)
                net.shape(ns, link.name(), egress[0], egress[1]);
        }
        for (String device : routed) { // what the host's end sends is what the container receives
            long rx = Shaping.of(shaping.rxLimit(), device);
            if (rx > 0)
                net.shape(null, NetworkSetup.hostDevice(id), rx, rx);
        }
    }
}

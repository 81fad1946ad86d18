package porto.domain.net;

import java.util.ArrayList;
import java.util.List;
import porto.domain.ErrorCode;
import porto.domain.PortoException;
import porto.ports.KernelException;
import porto.ports.net.Network;
import porto.ports.net.Network.Route;

/**
 * net=tap: persistent tap devices in the host's namespace owned by the task's user, with routes
 * and proxy entries for their addresses; on failure none of them is left.
 */
final class Taps {
    private final NetworkSetup setup;
    private final Network net;

    Taps(NetworkSetup setup, Network net) {
        this.setup = setup;
        this.net = net;
    }

    void setUp(long id, NetSpec spec, List<IpSpec.Entry> ips, int uid, int gid) throws PortoException {
        if (net == null)
            throw new PortoException(ErrorCode.NotSupported, "this daemon has no network adapter");
        List<String> made = new ArrayList<>();
        try {
            for (NetSpec.Option o : spec.options()) {
                String name = o.args().get(0);
                net.createTap(name, uid, gid);
                made.add(name);
                for (IpSpec.Entry e : ips)
                    if (NetMasks.matches(e.device(), name)) {
                        net.addRoute(null, new Route(e.ip(), e.ip().getAddress().length * 8, name, null));
                        for (String uplink : setup.uplinksFor(e.ip()))
                            net.addProxyNeighbour(null, uplink, e.ip());
                    }
            }
        } catch (KernelException e) {
            tearDown(ips, made);
            throw NetworkSetup.error("cannot set up net=tap of container " + id, e);
        }
    }

    /** Removes the taps (their routes go with them) and the proxy entries of their addresses. */
    void tearDown(NetSpec spec, List<IpSpec.Entry> ips) {
        tearDown(ips, spec.options().stream().map(o -> o.args().get(0)).toList());
    }

    private void tearDown(List<IpSpec.Entry> ips, List<String> taps) {
        if (net == null)
            return;
        setup.removeProxyEntries(ips);
        for (String tap : taps)
            try {
                net.deleteLink(null, tap);
            } catch (KernelException e) {
                // gone already
            }
    }
}

package porto.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import porto.domain.Caller;
import porto.domain.ContainerService;
import porto.domain.DomainConfig;
import porto.domain.ErrorCode;
import porto.domain.PortoException;
import porto.fake.FakeKernel;
import porto.fake.FakeUsers;
import porto.fake.net.FakeNetwork;

/**
 * Who may do what with the network, on the fake: below an ip_limit a user's sub-containers get
 * only L3 networks with addresses inside it; stealing a device and entering an ip-netns(8)
 * namespace are for root.
 */
class NetworkPermissionsTest {
    private final FakeKernel kernel = new FakeKernel();
    private final FakeNetwork.World net = new FakeNetwork.World();
    private final Caller alice = new Caller(4242, FakeUsers.ALICE, FakeUsers.ALICE);
    private final ContainerService service;

    NetworkPermissionsTest() throws Exception {
        kernel.users().setAliceInPorto(true);
        new FakeNetwork(net).setSysctl(null, "net.ipv4.conf.all.forwarding", "1");
        service = porto.domain.DomainWiring.build(new ContainerService.Kernel(kernel.cgroups(), kernel.launcher(), kernel.processes(),
                kernel.exits(), kernel.clock(), kernel.store(), kernel.users(), kernel.files(), new FakeNetwork(net)),
                DomainConfig.defaults(2, Map.of(), "host"));
        service.start();
        service.create(Caller.ROOT, "p", false);
        service.set(Caller.ROOT, "p", "ip_limit", "198.51.100.64/26");
        service.set(Caller.ROOT, "p", "owner_user", "alice");
    }

    private ErrorCode startAsAlice(String name, String... props) throws PortoException {
        service.create(alice, name, false);
        service.set(alice, name, "command", "sleep 1000");
        for (int i = 0; i < props.length; i += 2)
            service.set(alice, name, props[i], props[i + 1]);
        try {
            service.start(alice, name);
            return ErrorCode.Success;
        } catch (PortoException e) {
            return e.code();
        }
    }

    @Test
    void belowAnIpLimitOnlyL3WithAddressesInsideIt() throws Exception {
        assertEquals(ErrorCode.Permission, startAsAlice("p/outside", "net", "L3 eth0", "ip", "eth0 198.51.100.10"));
        assertEquals(ErrorCode.Permission, startAsAlice("p/nat", "net", "NAT"));
        assertEquals(ErrorCode.Success, startAsAlice("p/inside", "net", "L3 eth0", "ip", "eth0 198.51.100.70"));
        assertTrue(new FakeNetwork(net).namespaces().size() == 1, "only the allowed one got a network: " + new FakeNetwork(net).namespaces());
        assertEquals(ErrorCode.Success, startAsAlice("p/shared", "net", "inherited"), "sharing the parent's is no new address");
    }

    @Test
    void stealingAndForeignNamespacesAreForRoot() throws Exception {
        new FakeNetwork(net).createVeth(null, "st0", null, "st1", 0);
        assertEquals(ErrorCode.Permission, startAsAlice("p/thief", "net", "steal st0"));
        assertEquals(ErrorCode.Permission, startAsAlice("p/guest", "net", "netns somebody"));
        assertTrue(new FakeNetwork(net).links(null).stream().anyMatch(l -> l.name().equals("st0")), "st0 stays on the host");
        PortoException e = assertThrows(PortoException.class, () -> service.set(alice, "p/thief", "net", "ip netns add x"));
        assertEquals(ErrorCode.InvalidValue, e.code(), e.getMessage());
    }

    @Test
    void rootMayStealAndGetsTheDeviceBackAtStop() throws Exception {
        new FakeNetwork(net).createVeth(null, "st0", null, "st1", 0);
        service.create(Caller.ROOT, "r", false);
        service.set(Caller.ROOT, "r", "command", "sleep 1000");
        service.set(Caller.ROOT, "r", "net", "steal st0");
        service.start(Caller.ROOT, "r");
        assertTrue(new FakeNetwork(net).links(null).stream().noneMatch(l -> l.name().equals("st0")));
        service.stop(Caller.ROOT, "r", 0);
        assertTrue(new FakeNetwork(net).links(null).stream().anyMatch(l -> l.name().equals("st0")));
        assertEquals(List.of(), new FakeNetwork(net).namespaces());
    }

    @Test
    void aRestartedDaemonRebuildsAMissingClass() throws Exception {
        service.create(Caller.ROOT, "shaped", false);
        service.set(Caller.ROOT, "shaped", "command", "sleep 1000");
        service.set(Caller.ROOT, "shaped", "net", "L3 eth0");
        service.set(Caller.ROOT, "shaped", "ip", "eth0 198.51.100.5");
        service.set(Caller.ROOT, "shaped", "net_limit", "default: 1000000");
        service.start(Caller.ROOT, "shaped");
        String ns = new FakeNetwork(net).namespaces().get(0);
        assertTrue(new FakeNetwork(net).shapingStats(ns, "eth0") != null);
        kernel.daemonCrashed();
        new FakeNetwork(net).unshape(ns, "eth0"); // lost while no daemon ran
        ContainerService next = porto.domain.DomainWiring.build(new ContainerService.Kernel(kernel.cgroups(), kernel.launcher(),
                kernel.processes(), kernel.exits(), kernel.clock(), kernel.store(), kernel.users(), kernel.files(), new FakeNetwork(net)),
                DomainConfig.defaults(2, Map.of(), "host"));
        next.start();
        kernel.deliverExits();
        assertEquals("running", next.get("shaped", "state"));
        assertTrue(new FakeNetwork(net).shapingStats(ns, "eth0") != null, "the class is back");
        assertEquals("eth0: 1:1", next.get("shaped", "net_class_id"));
    }
}

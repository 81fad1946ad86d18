package porto.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;
import porto.domain.Caller;
import porto.domain.ContainerService;
import porto.domain.DomainConfig;
import porto.domain.PortoException;
import porto.domain.net.NetworkConfig;
import porto.fake.FakeKernel;
import porto.fake.net.FakeNetwork;

/**
 * Networks on the fake kernel: random starts, stops, task deaths, destroys and daemon restarts
 * over L3 and NAT containers (a NAT range of 3 for 5 containers) never leak a namespace, a device
 * or a masqueraded address, and never give one address to two containers.
 */
class NetworkFakeProperties {
    private static final int CONTAINERS = 5;
    private static final Caller ROOT = Caller.ROOT;

    private FakeKernel kernel;
    private FakeNetwork.World net;
    private final DomainConfig config = DomainConfig.defaults(2, Map.of(), "host")
            .withNetwork(new NetworkConfig("203.0.113.1", "", 3, List.of("eth0", "lo"), List.of(), true, Map.of(), ""));
    private ContainerService service;

    private ContainerService newService() {
        var ports = new ContainerService.Kernel(kernel.cgroups(), kernel.launcher(), kernel.processes(), kernel.exits(),
                kernel.clock(), kernel.store(), kernel.users(), kernel.files(), new FakeNetwork(net));
        ContainerService s = porto.domain.DomainWiring.build(ports, config);
        s.start();
        kernel.deliverExits();
        return s;
    }

    private static String name(int i) {
        return "n" + i;
    }

    private void create(int i) throws PortoException {
        service.create(ROOT, name(i), false);
        service.set(ROOT, name(i), "command", "sleep 1000");
        if (i % 2 == 0) {
            service.set(ROOT, name(i), "net", "NAT");
        } else {
            service.set(ROOT, name(i), "net", "L3 eth0");
            service.set(ROOT, name(i), "ip", "eth0 198.51.100." + (10 + i));
        }
    }

    @Property(tries = 150)
    void networksNeverLeakNorShareAnAddress(@ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = 49) Integer> steps)
            throws Exception {
        kernel = new FakeKernel(); // a fresh machine for each try
        net = new FakeNetwork.World();
        new FakeNetwork(net).setSysctl(null, "net.ipv4.conf.all.forwarding", "1"); // what L3 needs on the host
        service = newService();
        for (int i = 0; i < CONTAINERS; i++)
            create(i);
        for (int step : steps) {
            int i = step % CONTAINERS;
            try {
                switch (step / CONTAINERS % 5) {
                    case 0, 1 -> service.start(ROOT, name(i));
                    case 2 -> service.stop(ROOT, name(i), 0);
                    case 3 -> service.kill(ROOT, name(i), 9);
                    default -> {
                        if (step % 2 == 0) {
                            kernel.daemonCrashed();
                            service = newService();
                        } else {
                            service.destroy(ROOT, name(i));
                            create(i);
                        }
                    }
                }
            } catch (PortoException e) {
                // refused (already running, a full NAT range, not running): the invariants hold all the same
            }
            kernel.deliverExits();
            checkInvariants();
        }
        for (int i = 0; i < CONTAINERS; i++)
            service.destroy(ROOT, name(i));
        assertEquals(List.of(), net.devices(), "everything went with the containers");
        assertEquals(List.of(), new FakeNetwork(net).masqueraded());
    }

    private void checkInvariants() throws Exception {
        Set<String> namespaces = new TreeSet<>(), hostDevices = new TreeSet<>(), natAddresses = new TreeSet<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < CONTAINERS; i++) {
            String state = service.get(name(i), "state");
            String id = service.get(name(i), "id");
            if (state.equals("stopped")) {
                if (i % 2 == 0)
                    assertEquals("", service.get(name(i), "ip"), "a stopped NAT container holds no address");
                continue;
            }
            namespaces.add("ct" + id);
            hostDevices.add("/L3-" + id);
            String ip = service.get(name(i), "ip");
            assertTrue(seen.add(ip), "address " + ip + " given twice");
            if (i % 2 == 0)
                natAddresses.add(ip.substring("eth0 ".length()));
        }
        FakeNetwork adapter = new FakeNetwork(net);
        assertEquals(namespaces, new TreeSet<>(adapter.namespaces()), "one namespace per running container");
        Set<String> devices = new TreeSet<>();
        for (String d : net.devices())
            if (d.startsWith("/"))
                devices.add(d);
        assertEquals(hostDevices, devices, "one host device per running container");
        Set<String> masqueraded = new TreeSet<>();
        adapter.masqueraded().forEach(a -> masqueraded.add(a.getHostAddress()));
        assertEquals(natAddresses, masqueraded, "masquerade exactly the NAT containers' addresses");
        assertTrue(natAddresses.size() <= 3, "no more than the range: " + natAddresses);
        Statistics.label("containers with a network").collect(namespaces.size());
    }
}

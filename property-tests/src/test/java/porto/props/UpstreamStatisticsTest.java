package porto.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import porto.domain.Caller;
import porto.domain.ContainerService;
import porto.domain.DomainConfig;
import porto.domain.ErrorCode;
import porto.domain.HostResources;
import porto.domain.PortoException;
import porto.domain.net.NetworkConfig;
import porto.fake.FakeKernel;
import porto.fake.net.FakeNetwork;
import porto.ports.Cgroups.Limit;
import porto.ports.net.Network;

/**
 * The last upstream properties on the fake kernel, where time and traffic are the test's: speeds
 * sampled every 25 ms of the fake clock, protocol counters per namespace, rx overruns, the
 * offstream anon_* features missing and present, porto_stat and the cpu jail order.
 */
class UpstreamStatisticsTest {
    private static final Caller ROOT = Caller.ROOT;
    private static final long MIB = 1024 * 1024;
    /** Two NUMA nodes of two cores with two threads each: cpus 0-3 on node 0, 4-7 on node 1, siblings n and n+2. */
    private static final HostResources HOST = new HostResources(8L << 30, HostResources.DEFAULT_RESERVE, List.of(
            new HostResources.Cpu(0, 0, 0), new HostResources.Cpu(1, 1, 0), new HostResources.Cpu(2, 0, 0),
            new HostResources.Cpu(3, 1, 0), new HostResources.Cpu(4, 4, 1), new HostResources.Cpu(5, 5, 1),
            new HostResources.Cpu(6, 4, 1), new HostResources.Cpu(7, 5, 1)));

    private FakeKernel kernel;
    private FakeNetwork.World net;
    private ContainerService service;

    @BeforeEach
    void newMachine() throws Exception {
        kernel = new FakeKernel();
        net = new FakeNetwork.World();
        new FakeNetwork(net).setSysctl(null, "net.ipv4.conf.all.forwarding", "1");
        DomainConfig base = DomainConfig.defaults(8, Map.of(), "host");
        DomainConfig config = new DomainConfig(base.placeRoot(), 8, Map.of(), base.defaultUlimit(), "host", base.stopTimeoutMs(),
                base.version(), base.initArgv(), HOST).withNetwork(new NetworkConfig("203.0.113.1", "", 3, List.of("eth0", "lo"),
                List.of(), true, Map.of(), ""));
        var ports = new ContainerService.Kernel(kernel.cgroups(), kernel.launcher(), kernel.processes(), kernel.exits(),
                kernel.clock(), kernel.store(), kernel.users(), kernel.files(), new FakeNetwork(net));
        service = porto.domain.DomainWiring.build(ports, config);
        service.start();
        kernel.deliverExits();
    }

    private ErrorCode error(String name, String property) {
        return assertThrows(PortoException.class, () -> service.get(name, property)).code();
    }

    private String startL3(String name, String address) throws Exception {
        service.create(ROOT, name, false);
        service.set(ROOT, name, "command", "sleep 1000");
        service.set(ROOT, name, "net", "L3 eth0");
        service.set(ROOT, name, "ip", "eth0 " + address);
        service.start(ROOT, name);
        return service.get(name, "id");
    }

    /** The host's end of the pair sends what the container receives: its tx is the container's rx. */
    private void hostDeviceCounted(String id, long hostRx, long hostTx) {
        net.setStats(null, "L3-" + id, new Network.Stats(hostRx, 0, 0, hostTx, 0, 0));
    }

    @Test
    void speedsAreSampledEvery25MsFromTheHostDevice() throws Exception {
        String id = startL3("web", "198.51.100.10");
        assertEquals("0", service.get("web", "net_rx_max_speed"), "nothing measured yet");
        kernel.clock().advance(25); // the first sample only primes the counters
        hostDeviceCounted(id, MIB / 4, MIB); // in the next 25 ms: 40 MiB/s in, 10 MiB/s out
        kernel.clock().advance(25);
        assertEquals(Long.toString(40 * MIB), service.get("web", "net_rx_max_speed"));
        assertEquals(Long.toString(10 * MIB), service.get("web", "net_tx_max_speed"));
        hostDeviceCounted(id, MIB / 4, MIB); // an idle interval: maxima stay, a 0 counts
        kernel.clock().advance(25);
        assertEquals(Long.toString(40 * MIB), service.get("web", "net_rx_max_speed"));
        String rx = service.get("web", "net_rx_speed_hgram");
        assertTrue(rx.startsWith("0:1;10:0;") && rx.contains(";39:1;43:0;") && rx.endsWith(";5000:0"), rx);
        assertEquals(49, rx.split(";").length, "upstream's 49 buckets");
        String tx = service.get("web", "net_tx_speed_hgram");
        assertTrue(tx.startsWith("0:1;10:1;13:0;"), tx);

        service.create(ROOT, "web/child", false); // inherits the L3 namespace
        service.set(ROOT, "web/child", "command", "sleep 1000");
        service.start(ROOT, "web/child");
        assertEquals(Long.toString(40 * MIB), service.get("web/child", "net_rx_max_speed"));

        service.create(ROOT, "shared", false);
        service.set(ROOT, "shared", "command", "sleep 1000");
        assertEquals(ErrorCode.InvalidState, error("shared", "net_tx_max_speed"));
        service.start(ROOT, "shared");
        assertEquals(ErrorCode.ResourceNotAvailable, error("shared", "net_tx_speed_hgram"));
        assertEquals(ErrorCode.ResourceNotAvailable, error("/", "net_rx_max_speed"));

        service.destroy(ROOT, "web");
        kernel.clock().advance(50); // no L3 device is left: sampling stops
        String again = startL3("web2", "198.51.100.12"); // and starts again with the next one
        kernel.clock().advance(25);
        hostDeviceCounted(again, 0, MIB / 2);
        kernel.clock().advance(25);
        assertEquals(Long.toString(20 * MIB), service.get("web2", "net_rx_max_speed"));
    }

    @Test
    void protocolCountersAndRxOverrunsComeFromTheContainersNamespace() throws Exception {
        String id = startL3("web", "198.51.100.11");
        net.count("ct" + id, Network.ProtocolTable.NETSTAT, "TCPTimeouts", 3);
        net.count("ct" + id, Network.ProtocolTable.SNMP, "InReceives", 7);
        assertEquals("3", service.get("web", "net_netstat[TCPTimeouts]"));
        assertTrue(service.get("web", "net_netstat").contains("TCPTimeouts: 3"), service.get("web", "net_netstat"));
        assertEquals("7", service.get("web", "net_snmp[InReceives]"));
        assertEquals(ErrorCode.InvalidValue, error("web", "net_snmp[NoSuchCounter]"));
        assertEquals(ErrorCode.ResourceNotAvailable, error("/", "net_netstat"));

        net.setStats("ct" + id, "eth0", new Network.Stats(0, 0, 0, 0, 0, 0, 5));
        assertEquals("eth0: 5", service.get("web", "net_rx_overlimits"));
        service.stop(ROOT, "web", 0);
        assertEquals(ErrorCode.InvalidState, error("web", "net_snmp"));
        assertEquals(ErrorCode.InvalidState, error("web", "net_rx_overlimits"));
    }

    @Test
    void netTosTakesUpstreamsClassesAndOnlyTheDefaultHere() throws Exception {
        service.create(ROOT, "t", false);
        assertEquals("CS0", service.get("t", "net_tos"));
        service.set(ROOT, "t", "net_tos", "CS0");
        PortoException bad = assertThrows(PortoException.class, () -> service.set(ROOT, "t", "net_tos", "CS8"));
        assertEquals(ErrorCode.InvalidValue, bad.code());
        PortoException other = assertThrows(PortoException.class, () -> service.set(ROOT, "t", "net_tos", "CS3"));
        assertEquals(ErrorCode.NotSupported, other.code());
        assertTrue(other.getMessage().contains("DSCP"), other.getMessage());
    }

    @Test
    void anonFeaturesAnswerNotSupportedWithoutTheKernelFilesAndWorkWithThem() throws Exception {
        service.create(ROOT, "a", false);
        service.create(ROOT, "a/b", false);
        PortoException why = assertThrows(PortoException.class, () -> service.get("a/b", "anon_limit_total"));
        assertEquals(ErrorCode.NotSupported, why.code());
        assertTrue(why.getMessage().contains("no anon limit"), why.getMessage());
        why = assertThrows(PortoException.class, () -> service.get("a", "anon_only"));
        assertEquals(ErrorCode.NotSupported, why.code());
        assertTrue(why.getMessage().contains("memory.anon.only"), why.getMessage());
        assertEquals(ErrorCode.NotSupported, assertThrows(PortoException.class, () -> service.set(ROOT, "a", "anon_only", "false")).code());

        kernel.cgroups().setUnsupported(Limit.ANON_LIMIT, null);
        kernel.cgroups().setUnsupported(Limit.ANON_ONLY, null);
        assertEquals(Long.toString(8L << 30), service.get("a/b", "anon_limit_total"), "no limit: the host's memory");
        service.set(ROOT, "a", "anon_limit", "2G");
        service.set(ROOT, "a/b", "anon_limit", "3G");
        assertEquals(Long.toString(2L << 30), service.get("a/b", "anon_limit_total"), "the parent's smaller limit binds");
        assertEquals("false", service.get("a", "anon_only"));
        service.set(ROOT, "a", "anon_only", "true");
        service.set(ROOT, "a", "command", "sleep 1000");
        service.start(ROOT, "a");
        assertEquals(1L, kernel.cgroups().limit("a", Limit.ANON_ONLY).orElseThrow(), "written at start");
        service.set(ROOT, "a", "anon_only", "false");
        assertEquals(0L, kernel.cgroups().limit("a", Limit.ANON_ONLY).orElseThrow(), "and at once while running");
    }

    @Test
    void portoStatJoinsTheDaemonsCountersWithTheTrees() throws Exception {
        service.setDaemonStatistics(() -> Map.of("requests_completed", 42L, "clients", 2L));
        service.create(ROOT, "m", false);
        service.create(ROOT, "m/r", false);
        service.set(ROOT, "m/r", "command", "sleep 1000");
        service.start(ROOT, "m/r");
        String all = service.get("/", "porto_stat");
        assertTrue(all.contains("requests_completed: 42") && all.contains("clients: 2"), all);
        assertEquals("2", service.get("/", "porto_stat[containers]"));
        assertEquals("1", service.get("/", "porto_stat[running]"));
        assertEquals("1", service.get("m", "porto_stat[running_children]"));
        assertEquals("0", service.get("m/r", "porto_stat[running_children]"));
        assertEquals(ErrorCode.InvalidValue, error("/", "porto_stat[nonsense]"));
    }

    @Test
    void theCpuJailOrderTakesNodesInTurnThenSiblings() throws Exception {
        assertEquals("core jails\n0    00\n4    00\n2    00\n6    00\n1    00\n5    00\n3    00\n7    00\n",
                service.get("/", "porto_cpu_jail_state"));
    }
}

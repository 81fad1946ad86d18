package porto.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import porto.domain.net.NetworkConfig;
import porto.fake.net.FakeNetwork;

/**
 * A shaping property set on a running container retunes its tc classes with the tree lock let go:
 * while the kernel takes the new class, reads and other containers' changes go on.
 */
class ShapingWhileRunningTest {
    private static final Caller ROOT = Caller.ROOT;
    private final HeldKernel kernel = new HeldKernel();
    private final ContainerService service;

    ShapingWhileRunningTest() throws Exception {
        FakeNetwork network = new FakeNetwork(new FakeNetwork.World());
        network.setSysctl(null, "net.ipv4.conf.all.forwarding", "1");
        DomainConfig config = DomainConfig.defaults(2, Map.of(), "host").withNetwork(new NetworkConfig("203.0.113.1", "", 3,
                List.of("eth0", "lo"), List.of(), true, Map.of(), ""));
        service = kernel.service(network, config);
    }

    @AfterEach
    void tearDown() {
        kernel.close();
    }

    @Test
    void readsAndOtherChangesGoOnWhileAClassIsRetuned() throws Exception {
        service.create(ROOT, "web", false);
        service.set(ROOT, "web", "command", "work");
        service.set(ROOT, "web", "net", "L3 eth0");
        service.set(ROOT, "web", "ip", "eth0 198.51.100.10");
        service.start(ROOT, "web");
        service.create(ROOT, "other", false);

        kernel.hold("shape"); // the retune waits in the kernel until the test lets it go
        Future<?> set = kernel.inThread(() -> service.set(ROOT, "web", "net_limit", "eth0: 1000000"));
        kernel.awaitHeld();
        assertEquals("running", kernel.within10s(() -> service.get("web", "state")));
        assertEquals(List.of("other", "web"), kernel.within10s(() -> service.list(null)));
        kernel.within10s(() -> {
            service.set(ROOT, "other", "command", "work");
            return null;
        });
        kernel.release();
        HeldKernel.done(set);
        assertEquals("eth0: 1000000", service.get("web", "net_limit"));
    }
}

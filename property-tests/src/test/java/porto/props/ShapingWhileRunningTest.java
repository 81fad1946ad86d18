package porto.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import porto.domain.Caller;
import porto.domain.ContainerService;
import porto.domain.DomainConfig;
import porto.domain.DomainWiring;
import porto.domain.net.NetworkConfig;
import porto.fake.FakeKernel;
import porto.fake.net.FakeNetwork;
import porto.ports.net.Network;

/**
 * A shaping property set on a running container retunes its tc classes with the tree lock let go:
 * while the kernel takes the new class, reads and other containers' changes go on.
 */
class ShapingWhileRunningTest {
    private static final Caller ROOT = Caller.ROOT;
    private final FakeKernel kernel = new FakeKernel();
    private final FakeNetwork.World world = new FakeNetwork.World();
    private final AtomicBoolean holdShaping = new AtomicBoolean();
    private final CountDownLatch shaping = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final ContainerService service;

    ShapingWhileRunningTest() throws Exception {
        FakeNetwork fake = new FakeNetwork(world);
        fake.setSysctl(null, "net.ipv4.conf.all.forwarding", "1");
        // Once armed, a change of a tc class waits until the test lets it go, as a slow kernel would.
        Network held = (Network) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Network.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("shape") && holdShaping.get()) {
                        shaping.countDown();
                        release.await();
                    }
                    try {
                        return method.invoke(fake, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        DomainConfig config = DomainConfig.defaults(2, Map.of(), "host").withNetwork(new NetworkConfig("203.0.113.1", "", 3,
                List.of("eth0", "lo"), List.of(), true, Map.of(), ""));
        service = DomainWiring.build(new ContainerService.Kernel(kernel.cgroups(), kernel.launcher(), kernel.processes(),
                kernel.exits(), kernel.clock(), kernel.store(), kernel.users(), kernel.files(), held), config);
        service.start();
        kernel.deliverExits();
    }

    @AfterEach
    void tearDown() {
        release.countDown();
        threads.shutdownNow();
    }

    private <T> T within10s(java.util.concurrent.Callable<T> call) throws Exception {
        return threads.submit(call).get(10, TimeUnit.SECONDS);
    }

    @Test
    void readsAndOtherChangesGoOnWhileAClassIsRetuned() throws Exception {
        service.create(ROOT, "web", false);
        service.set(ROOT, "web", "command", "sleep 1000");
        service.set(ROOT, "web", "net", "L3 eth0");
        service.set(ROOT, "web", "ip", "eth0 198.51.100.10");
        service.start(ROOT, "web");
        service.create(ROOT, "other", false);

        holdShaping.set(true);
        Future<?> set = threads.submit(() -> {
            service.set(ROOT, "web", "net_limit", "eth0: 1000000");
            return null;
        });
        assertTrue(shaping.await(10, TimeUnit.SECONDS), "the retune reached the kernel");
        assertEquals("running", within10s(() -> service.get("web", "state")));
        assertEquals(List.of("other", "web"), within10s(() -> service.list(null)));
        within10s(() -> {
            service.set(ROOT, "other", "command", "sleep 1");
            return null;
        });
        release.countDown();
        set.get(10, TimeUnit.SECONDS);
        assertEquals("eth0: 1000000", service.get("web", "net_limit"));
    }
}

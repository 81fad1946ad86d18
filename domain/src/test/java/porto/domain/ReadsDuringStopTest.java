package porto.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import porto.fake.FakeKernel;
import porto.fake.Program;
import porto.ports.ContainerFiles;

/** A stop whose kernel work is held up (removing the working directory) holds up no read. */
class ReadsDuringStopTest {
    private final FakeKernel kernel = new FakeKernel();
    private final CountDownLatch removing = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile boolean holdRemoval;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final ContainerService service;

    ReadsDuringStopTest() {
        kernel.launcher().define("work", Program.forever());
        ContainerFiles fake = kernel.files();
        // The removal of a working directory waits until the test lets it go, as a slow disk would.
        ContainerFiles held = (ContainerFiles) Proxy.newProxyInstance(ContainerFiles.class.getClassLoader(),
                new Class<?>[] {ContainerFiles.class}, (proxy, method, args) -> {
                    if (method.getName().equals("removeDirectory") && holdRemoval) {
                        removing.countDown();
                        release.await();
                    }
                    try {
                        return method.invoke(fake, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        service = DomainWiring.build(new ContainerService.Kernel(kernel.cgroups(), kernel.launcher(), kernel.processes(),
                kernel.exits(), kernel.clock(), kernel.store(), kernel.users(), held),
                DomainConfig.defaults(2, Map.of(), "host"));
        service.start();
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
    void getAndListAnswerWhileAStopIsHeldUp() throws Exception {
        service.create(Caller.ROOT, "held", false);
        service.set(Caller.ROOT, "held", "command", "work");
        service.start(Caller.ROOT, "held");
        service.create(Caller.ROOT, "other", false);
        holdRemoval = true;
        Future<?> stop = threads.submit(() -> {
            service.stop(Caller.ROOT, "held", 0);
            return null;
        });
        assertTrue(removing.await(10, TimeUnit.SECONDS), "the stop reached its kernel work");

        assertEquals(List.of("held", "other"), within10s(() -> service.list(null)));
        assertEquals("stopped", within10s(() -> service.get("other", "state")));
        within10s(() -> service.get("held", "state"));
        PortoException busy = assertThrows(PortoException.class, () -> service.start(Caller.ROOT, "held"));
        assertEquals(ErrorCode.Busy, busy.code());

        release.countDown();
        stop.get(10, TimeUnit.SECONDS);
        assertEquals("stopped", service.get("held", "state"));
    }
}

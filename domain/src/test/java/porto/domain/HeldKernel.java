package porto.domain;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import porto.fake.FakeKernel;
import porto.fake.Program;
import porto.ports.Cgroups;
import porto.ports.KernelException;
import porto.ports.Processes;
import porto.ports.net.Network;

/**
 * The fake kernel with a hand on its cgroup, process and network calls: the next call of a named method
 * can be held until the test lets it go (as a write stuck in the kernel), or made to fail once.
 * Programs: "work" runs until killed.
 */
final class HeldKernel implements AutoCloseable {
    final FakeKernel fake = new FakeKernel();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile String holdNext;
    private volatile String failNext;
    private final List<String> states = new ArrayList<>();

    HeldKernel() {
        fake.launcher().define("work", Program.forever());
    }

    ContainerService service() {
        return service(null, DomainConfig.defaults(2, Map.of(), "host"));
    }

    /** As {@link #service()}, with {@code network} (null: none) whose calls can be held too. */
    ContainerService service(Network network, DomainConfig config) {
        Cgroups cgroups = intercept(Cgroups.class, fake.cgroups());
        Processes processes = intercept(Processes.class, fake.processes());
        ContainerService.Kernel kernel = network == null
                ? new ContainerService.Kernel(cgroups, fake.launcher(), processes, fake.exits(), fake.clock(), fake.store(),
                        fake.users(), fake.files())
                : new ContainerService.Kernel(cgroups, fake.launcher(), processes, fake.exits(), fake.clock(), fake.store(),
                        fake.users(), fake.files(), intercept(Network.class, network));
        ContainerService service = DomainWiring.build(kernel, config);
        service.addListener((name, state, when) -> {
            synchronized (states) {
                states.add(name + " " + state);
            }
        });
        service.start();
        return service;
    }

    @SuppressWarnings("unchecked")
    private <T> T intercept(Class<T> port, T target) {
        return (T) Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port}, (proxy, method, args) -> {
            String name = method.getName();
            if (name.equals(failNext)) {
                failNext = null;
                throw new KernelException(16, name + " failed, as the test asked");
            }
            if (name.equals(holdNext)) {
                holdNext = null;
                reached.countDown();
                release.await();
            }
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    /** The next call of {@code method} waits for {@link #release}. */
    void hold(String method) {
        holdNext = method;
    }

    /** The next call of {@code method} fails with EBUSY. */
    void failNext(String method) {
        failNext = method;
    }

    void awaitHeld() throws InterruptedException {
        assertTrue(reached.await(10, TimeUnit.SECONDS), "the held call was reached");
    }

    void release() {
        release.countDown();
    }

    interface Request {
        void run() throws Exception;
    }

    Future<?> inThread(Request request) {
        return threads.submit(() -> {
            request.run();
            return null;
        });
    }

    <T> T within10s(Callable<T> call) throws Exception {
        return threads.submit(call).get(10, TimeUnit.SECONDS);
    }

    /** Waits (10 s at most) for a request run {@link #inThread}, throwing what it threw. */
    static void done(Future<?> request) throws Exception {
        request.get(10, TimeUnit.SECONDS);
    }

    /** The state changes of {@code name} so far, each as "name state". */
    List<String> states(String name) {
        synchronized (states) {
            return states.stream().filter(s -> s.startsWith(name + " ")).toList();
        }
    }

    @Override
    public void close() {
        release.countDown();
        threads.shutdownNow();
    }
}

package porto.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
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

/**
 * A container's output in a file its user named is read without the tree lock: a file system that
 * never answers (a user's FUSE mount) holds up that one read, not every request of the daemon.
 */
class ReadsDuringOutputReadTest {
    private final FakeKernel kernel = new FakeKernel();
    private final CountDownLatch reading = new CountDownLatch(1);
    private final CountDownLatch answer = new CountDownLatch(1);
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final ContainerService service;

    ReadsDuringOutputReadTest() {
        kernel.launcher().define("forever", Program.forever());
        // Reads of a user's file (the calls that take a root and credentials) hang until the test answers.
        ContainerFiles files = (ContainerFiles) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ContainerFiles.class}, (proxy, method, args) -> {
                    if (method.getName().equals("size") && args.length == 3) {
                        reading.countDown();
                        answer.await();
                    }
                    try {
                        return method.invoke(kernel.files(), args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        service = DomainWiring.build(new ContainerService.Kernel(kernel.cgroups(), kernel.launcher(), kernel.processes(),
                kernel.exits(), kernel.clock(), kernel.store(), kernel.users(), files), DomainConfig.defaults(2, Map.of(), "host"));
        service.start();
    }

    @AfterEach
    void tearDown() {
        answer.countDown();
        threads.shutdownNow();
    }

    @Test
    void otherRequestsAnswerWhileAUsersOutputFileHangs() throws Exception {
        kernel.files().createDirectory("/var", 0, 0);
        kernel.files().createDirectory("/var/tmp", 0, 0);
        kernel.files().writeFile("/var/tmp/a.out", "hello\n".getBytes(), 0, 0);
        service.create(Caller.ROOT, "a", false);
        service.set(Caller.ROOT, "a", "command", "forever");
        service.set(Caller.ROOT, "a", "stdout_path", "/var/tmp/a.out");
        service.start(Caller.ROOT, "a");
        service.create(Caller.ROOT, "b", false);

        Future<String> stdout = threads.submit(() -> service.get("a", "stdout"));
        assertTrue(reading.await(10, TimeUnit.SECONDS), "the read reached the file");
        // Meanwhile the daemon serves: reads, and changes of the same container and others.
        assertEquals("running", threads.submit(() -> service.get("a", "state")).get(10, TimeUnit.SECONDS));
        threads.submit(() -> {
            service.set(Caller.ROOT, "b", "command", "forever");
            return null;
        }).get(10, TimeUnit.SECONDS);
        assertEquals("forever", service.get("b", "command"));

        answer.countDown();
        assertEquals("hello\n", stdout.get(10, TimeUnit.SECONDS));
    }
}

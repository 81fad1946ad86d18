package porto.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import porto.ports.TaskExits;
import porto.ports.TaskLauncher;

/** A start whose launch is held up holds up nothing else: reads, and changes of other containers, go on. */
class ReadsDuringStartTest {
    private final FakeKernel kernel = new FakeKernel();
    private final CountDownLatch launching = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final ContainerService service;
    /** For each acknowledged exit, the states the store held for its container at that moment. */
    private final List<String> storedAtAcknowledgement = new java.util.concurrent.CopyOnWriteArrayList<>();

    ReadsDuringStartTest() {
        kernel.launcher().define("slow", Program.forever());
        kernel.launcher().define("quick", Program.forever());
        kernel.launcher().define("brief", Program.forever());
        // The launch of "slow" waits until the test lets it go, as a launch stuck in the kernel would.
        TaskLauncher held = spec -> {
            if (spec.argv().getFirst().equals("slow")) {
                launching.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            var started = kernel.launcher().launch(spec);
            if (spec.argv().getFirst().equals("brief")) {
                // It dies at once, and its exit is reported before the start has recorded its pid.
                kernel.processes().kill(started.pid(), 9);
                kernel.deliverExits();
            }
            return started;
        };
        // Notes what a restarted daemon would read if this one died right after an acknowledgement.
        TaskExits exits = new TaskExits() {
            @Override
            public void start(Listener listener) {
                kernel.exits().start(listener);
            }

            @Override
            public void acknowledge(int pid) {
                for (Map<String, String> r : kernel.store().loadAll().values())
                    storedAtAcknowledgement.add(r.get("name") + "=" + r.get("state"));
                kernel.exits().acknowledge(pid);
            }
        };
        service = DomainWiring.build(new ContainerService.Kernel(kernel.cgroups(), held, kernel.processes(),
                exits, kernel.clock(), kernel.store(), kernel.users(), kernel.files()),
                DomainConfig.defaults(2, Map.of(), "host"));
        service.start();
    }

    @AfterEach
    void tearDown() {
        release.countDown();
        threads.shutdownNow();
    }

    private void create(String name, String command) throws PortoException {
        service.create(Caller.ROOT, name, false);
        service.set(Caller.ROOT, name, "command", command);
    }

    private <T> T within10s(java.util.concurrent.Callable<T> call) throws Exception {
        return threads.submit(call).get(10, TimeUnit.SECONDS);
    }

    @Test
    void getAndListAnswerWhileAStartIsHeldUp() throws Exception {
        create("held", "slow");
        create("other", "quick");
        Future<?> start = threads.submit(() -> {
            service.start(Caller.ROOT, "held");
            return null;
        });
        assertTrue(launching.await(10, TimeUnit.SECONDS), "the launch began");

        assertEquals("starting", within10s(() -> service.get("held", "state")));
        // A waiter for "starting" gets it (the API's Wait with a target state, as upstream's).
        String[] seen = within10s(() -> service.waitFor(List.of("held"), 10_000, "starting"));
        assertEquals(List.of("held", "starting"), List.of(seen));
        // As upstream: what only a running task has is InvalidState while it starts.
        for (String runtime : List.of("root_pid", "process_count", "stdout")) {
            PortoException e = assertThrows(PortoException.class, () -> service.get("held", runtime));
            assertEquals(ErrorCode.InvalidState, e.code(), runtime);
        }
        assertEquals(List.of("held", "other"), within10s(() -> service.list(null)));
        assertEquals("stopped", within10s(() -> service.get("other", "state")));
        // Another container starts meanwhile; the one being started is busy for other requests.
        within10s(() -> {
            service.start(Caller.ROOT, "other");
            return null;
        });
        assertEquals("running", service.get("other", "state"));
        PortoException busy = assertThrows(PortoException.class, () -> service.stop(Caller.ROOT, "held", 0));
        assertEquals(ErrorCode.Busy, busy.code());

        release.countDown();
        start.get(10, TimeUnit.SECONDS);
        assertEquals("running", service.get("held", "state"));
        service.stop(Caller.ROOT, "held", 0);
        assertEquals("stopped", service.get("held", "state"));
    }

    @Test
    void aTaskWhoseExitComesBeforeItsStartIsRecordedIsSeenToDie() throws Exception {
        create("brief", "brief");
        service.start(Caller.ROOT, "brief");
        assertEquals("dead", service.get("brief", "state"));
        assertEquals("9", service.get("brief", "exit_status"));
        // The exit came while the start ran; it was acknowledged only once the death was on disk,
        // so a daemon killed at any moment either finds it dead or gets the exit again.
        assertEquals(List.of("brief=dead"), storedAtAcknowledgement);
    }
}

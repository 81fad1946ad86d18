package porto.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Pause and resume write the freezer with the tree lock released: reads answer meanwhile, a
 * change of the same container waits for the write, and a failed write leaves the state as it was.
 */
class FreezerWritesTest {
    private final HeldKernel kernel = new HeldKernel();
    private final ContainerService service = kernel.service();

    @AfterEach
    void tearDown() {
        kernel.close();
    }

    private void startWork(String name) throws PortoException {
        service.create(Caller.ROOT, name, false);
        service.set(Caller.ROOT, name, "command", "work");
        service.start(Caller.ROOT, name);
    }

    @Test
    void readsAnswerAndChangesWaitWhileAFreezeIsHeldUp() throws Exception {
        startWork("held");
        service.create(Caller.ROOT, "other", false);
        kernel.hold("setFrozen");
        Future<?> pause = kernel.inThread(() -> service.pause(Caller.ROOT, "held"));
        kernel.awaitHeld();

        assertEquals(List.of("held", "other"), kernel.within10s(() -> service.list(null)));
        assertEquals("running", kernel.within10s(() -> service.get("held", "state")), "paused only once frozen");
        // Another container is changed meanwhile; a change of this one waits for the freeze.
        kernel.within10s(() -> {
            service.set(Caller.ROOT, "other", "command", "work");
            return null;
        });
        Future<?> stop = kernel.inThread(() -> service.stop(Caller.ROOT, "held", 0));
        assertFalse(stop.isDone());

        kernel.release();
        HeldKernel.done(pause);
        HeldKernel.done(stop);
        List<String> states = kernel.states("held");
        assertEquals(List.of("held paused", "held stopped"), states.subList(states.size() - 2, states.size()));
    }

    @Test
    void aFailedFreezeLeavesTheContainerRunning() throws Exception {
        startWork("ct");
        kernel.failNext("setFrozen");
        PortoException e = assertThrows(PortoException.class, () -> service.pause(Caller.ROOT, "ct"));
        assertEquals(ErrorCode.Unknown, e.code());
        assertEquals("running", service.get("ct", "state"));
        service.pause(Caller.ROOT, "ct");
        assertEquals("paused", service.get("ct", "state"));
        assertTrue(kernel.fake.cgroups().isFrozen("ct"));
    }

    @Test
    void readsAnswerWhileAThawIsHeldUpAndAFailedThawKeepsItPaused() throws Exception {
        startWork("ct");
        service.create(Caller.ROOT, "ct/child", false);
        service.set(Caller.ROOT, "ct/child", "command", "work");
        service.start(Caller.ROOT, "ct/child");
        service.pause(Caller.ROOT, "ct");
        assertEquals("paused", service.get("ct/child", "state"));

        kernel.failNext("setFrozen");
        assertEquals(ErrorCode.Unknown, assertThrows(PortoException.class, () -> service.resume(Caller.ROOT, "ct")).code());
        assertEquals("paused", service.get("ct", "state"));
        assertEquals("paused", service.get("ct/child", "state"));

        kernel.hold("setFrozen");
        Future<?> resume = kernel.inThread(() -> service.resume(Caller.ROOT, "ct"));
        kernel.awaitHeld();
        assertEquals("paused", kernel.within10s(() -> service.get("ct/child", "state")));
        assertEquals(List.of("ct", "ct/child"), kernel.within10s(() -> service.list(null)));
        kernel.release();
        HeldKernel.done(resume);
        assertEquals("running", service.get("ct", "state"));
        assertEquals("running", service.get("ct/child", "state"));
        assertFalse(kernel.fake.cgroups().isFrozen("ct/child"));
    }
}

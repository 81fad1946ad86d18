package porto.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When a container's task dies, the rest of its cgroup is killed with the tree lock released:
 * reads answer meanwhile, and a change of the container waits until it is recorded dead.
 */
class KillAfterDeathTest {
    private final HeldKernel kernel = new HeldKernel();
    private final ContainerService service = kernel.service();

    @AfterEach
    void tearDown() {
        kernel.close();
    }

    @Test
    void readsAnswerAndADestroyWaitsWhileTheRestOfTheCgroupIsKilled() throws Exception {
        service.create(Caller.ROOT, "ct", false);
        service.set(Caller.ROOT, "ct", "command", "work");
        service.start(Caller.ROOT, "ct");
        service.create(Caller.ROOT, "other", false);
        int task = Integer.parseInt(service.get("ct", "root_pid"));
        int forked = kernel.fake.processes().fork(task);
        long forkedStart = kernel.fake.processes().startTime(forked);

        kernel.hold("setFrozen"); // the freeze before the kill
        kernel.fake.processes().kill(task, 9);
        Future<?> exits = kernel.inThread(kernel.fake::deliverExits);
        kernel.awaitHeld();

        assertEquals(List.of("ct", "other"), kernel.within10s(() -> service.list(null)));
        kernel.within10s(() -> service.get("ct", "state"));
        assertEquals("stopped", kernel.within10s(() -> service.get("other", "state")));
        Future<?> destroy = kernel.inThread(() -> service.destroy(Caller.ROOT, "ct"));
        assertFalse(destroy.isDone());
        assertTrue(kernel.fake.processes().isAlive(forked, forkedStart), "killed only after the freeze");

        kernel.release();
        HeldKernel.done(exits);
        HeldKernel.done(destroy);
        assertFalse(kernel.fake.processes().isAlive(forked, forkedStart));
        List<String> states = kernel.states("ct");
        assertEquals(List.of("ct dead", "ct stopped", "ct destroyed"), states.subList(states.size() - 3, states.size()));
        assertEquals(List.of("other"), service.list(null));
    }
}

package porto.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static porto.ports.Signals.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import porto.ports.LaunchResult;
import porto.ports.TaskExits;

/**
 * What every {@link TaskExits} must do: an exit arrives with its pid, wait status and start time,
 * and one that was not acknowledged arrives again at the next daemon (it outlives the daemon),
 * while an acknowledged one never does.
 */
public abstract class TaskExitsConformance {
    /** One exit as a listener got it. */
    public record Exit(int pid, int status, long startTime) {}

    /** The exit collector of one kernel, tasks whose exits it collects, and daemons that come and go. */
    public interface Fixture extends AutoCloseable {
        /** The port as a newly started daemon gets it; the daemon of an earlier call is gone (crashed). */
        TaskExits newDaemon() throws Exception;

        /** Starts a task that runs until killed, whose exit goes to the collector. */
        LaunchResult startTask() throws Exception;

        void kill(int pid, int signal);

        /** Gives queued exits a chance to be handed over (the fake's kernel delivers them on a tick). */
        void deliver();

        @Override
        void close() throws Exception;
    }

    protected abstract Fixture newFixture() throws Exception;

    private Fixture fx;

    @BeforeEach
    void setUpExits() throws Exception {
        fx = newFixture();
    }

    @AfterEach
    void tearDownExits() throws Exception {
        if (fx != null)
            fx.close();
    }

    private static final class Collected implements TaskExits.Listener {
        final BlockingQueue<Exit> exits = new LinkedBlockingQueue<>();
        /** Exits taken from the queue while looking for another one. */
        final List<Exit> passed = new ArrayList<>();

        @Override
        public void exited(int pid, int status, long startTime) {
            exits.add(new Exit(pid, status, startTime));
        }
    }

    /** The exit of {@code pid} that {@code listener} got or gets next (exits come in no set order). */
    private Exit next(Collected listener, int pid) throws InterruptedException {
        for (Exit e : listener.passed)
            if (e.pid() == pid) {
                listener.passed.remove(e);
                return e;
            }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            fx.deliver();
            Exit e = listener.exits.poll(10, TimeUnit.MILLISECONDS);
            if (e != null && e.pid() == pid)
                return e;
            if (e != null)
                listener.passed.add(e);
        }
        return null;
    }

    @Test
    void anExitArrivesWithItsStatusAndStartTime() throws Exception {
        Collected daemon = new Collected();
        TaskExits exits = fx.newDaemon();
        exits.start(daemon);
        LaunchResult task = fx.startTask();
        fx.kill(task.pid(), SIGKILL);
        assertEquals(new Exit(task.pid(), SIGKILL, task.startTime()), next(daemon, task.pid()));
        exits.acknowledge(task.pid());
    }

    @Test
    void anUnacknowledgedExitArrivesAgainAtTheNextDaemonAndAnAcknowledgedOneDoesNot() throws Exception {
        Collected first = new Collected();
        TaskExits exits = fx.newDaemon();
        exits.start(first);
        LaunchResult kept = fx.startTask();
        LaunchResult done = fx.startTask();
        fx.kill(kept.pid(), SIGKILL);
        fx.kill(done.pid(), SIGKILL);
        assertNotNull(next(first, kept.pid()));
        assertNotNull(next(first, done.pid()));
        exits.acknowledge(done.pid());

        Collected second = new Collected();
        TaskExits again = fx.newDaemon();
        again.start(second);
        assertEquals(new Exit(kept.pid(), SIGKILL, kept.startTime()), next(second, kept.pid()), "replayed to the new daemon");
        again.acknowledge(kept.pid());
        // A marker exit after them: whatever arrives before it was replayed, and must not be "done".
        LaunchResult marker = fx.startTask();
        fx.kill(marker.pid(), SIGKILL);
        List<Exit> before = new ArrayList<>(second.passed);
        for (Exit e = null; e == null || e.pid() != marker.pid(); ) {
            fx.deliver();
            e = second.exits.poll(20, TimeUnit.SECONDS);
            assertNotNull(e, "the marker's exit never came");
            before.add(e);
        }
        assertTrue(before.stream().noneMatch(e -> e.pid() == done.pid()), "an acknowledged exit came again: " + before);
        again.acknowledge(marker.pid());
    }

    @Test
    void exitsWhileNoDaemonListensWaitForTheNext() throws Exception {
        TaskExits exits = fx.newDaemon();
        exits.start(new Collected());
        LaunchResult task = fx.startTask();
        TaskExits next = fx.newDaemon(); // the first is gone before the task dies
        fx.kill(task.pid(), SIGKILL);
        Collected daemon = new Collected();
        next.start(daemon);
        assertEquals(new Exit(task.pid(), SIGKILL, task.startTime()), next(daemon, task.pid()));
        next.acknowledge(task.pid());
    }
}

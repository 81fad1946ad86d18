package porto.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import porto.ports.Clock;

/** What every {@link Clock} must do: time that never goes back, and delayed work run once, in order, unless cancelled. */
public abstract class ClockConformance {

    /** The clock, and a way to let time pass on it (the fake's moves only when told). */
    public interface Fixture extends AutoCloseable {
        Clock clock();

        /** Lets at least {@code millis} pass; a real clock needs nothing done. */
        void letPass(long millis);

        @Override
        void close() throws Exception;
    }

    protected abstract Fixture newFixture() throws Exception;

    private Fixture fx;
    private Clock clock;

    @BeforeEach
    void setUpClock() throws Exception {
        fx = newFixture();
        clock = fx.clock();
    }

    @AfterEach
    void tearDownClock() throws Exception {
        if (fx != null)
            fx.close();
    }

    /** Waits for {@code latch}, letting time pass on the way. */
    private void await(CountDownLatch latch, long millis) throws InterruptedException {
        fx.letPass(millis);
        assertTrue(latch.await(10, TimeUnit.SECONDS), "scheduled work did not run");
    }

    @Test
    void timeNeverGoesBack() {
        long nanos = clock.nanoTime();
        long millis = clock.nowMillis();
        assertTrue(millis > 1_600_000_000_000L, "wall-clock time after 2020: " + millis);
        fx.letPass(5);
        assertTrue(clock.nanoTime() >= nanos);
        assertTrue(clock.nowMillis() >= millis);
    }

    @Test
    void workRunsOnceItIsDueInTheOrderItFallsDue() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(2);
        long start = clock.nanoTime();
        // Wide apart: on a real, loaded machine time passes between the two calls.
        clock.schedule(500, () -> {
            ran.add("late");
            done.countDown();
        });
        clock.schedule(100, () -> {
            ran.add("early");
            done.countDown();
        });
        await(done, 500);
        assertEquals(List.of("early", "late"), ran);
        assertTrue(clock.nanoTime() - start >= 500_000_000L, "not before it is due");
    }

    @Test
    void cancelledWorkNeverRuns() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        CountDownLatch after = new CountDownLatch(1);
        // A second of margin: on a real, loaded machine the cancel must come before the work is due.
        Clock.Cancellable cancelled = clock.schedule(1_000, () -> ran.add("cancelled"));
        cancelled.cancel();
        clock.schedule(1_100, () -> {
            ran.add("after");
            after.countDown();
        });
        await(after, 1_100);
        assertEquals(List.of("after"), ran, "work due earlier would have run first");
    }
}

package porto.ports;

import java.util.concurrent.locks.Condition;

/** Time, delayed work, and waiting with a deadline. The fake kernel's clock only moves when the simulation moves it. */
public interface Clock {

    /** Wall-clock time in milliseconds since the epoch. */
    long nowMillis();

    /** Monotonic time in nanoseconds, for intervals and deadlines. */
    long nanoTime();

    /** Runs {@code task} once after {@code delayMillis}; the returned handle cancels it. */
    Cancellable schedule(long delayMillis, Runnable task);

    /**
     * Waits on {@code condition}, whose lock the caller holds, until it is signalled or
     * {@link #nanoTime} reaches {@code deadlineNanos}; it may also return early, so callers
     * check what they wait for again. A simulated clock waits by letting simulated time run, to
     * the next scheduled event or the deadline, whichever comes first.
     */
    default void await(Condition condition, long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - nanoTime();
        if (left > 0)
            condition.awaitNanos(left);
    }

    interface Cancellable {
        void cancel();
    }
}

package porto.ports;

/** Time, and delayed work. The fake kernel's clock only moves when a test moves it. */
public interface Clock {

    /** Wall-clock time in milliseconds since the epoch. */
    long nowMillis();

    /** Monotonic time in nanoseconds, for intervals. */
    long nanoTime();

    /** Runs {@code task} once after {@code delayMillis}; the returned handle cancels it. */
    Cancellable schedule(long delayMillis, Runnable task);

    interface Cancellable {
        void cancel();
    }
}

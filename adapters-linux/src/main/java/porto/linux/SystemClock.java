package porto.linux;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import porto.ports.Clock;

/**
 * The real clock; delayed work runs on one daemon thread. A cancelled task leaves the queue at
 * once: an aging timer of a destroyed container must not be kept for its aging_time (a day).
 */
public final class SystemClock implements Clock {
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "porto-timer");
        t.setDaemon(true);
        return t;
    });

    public SystemClock() {
        timer.setRemoveOnCancelPolicy(true);
    }

    @Override
    public long nowMillis() {
        return System.currentTimeMillis();
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Cancellable schedule(long delayMillis, Runnable task) {
        ScheduledFuture<?> f = timer.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
    }
}

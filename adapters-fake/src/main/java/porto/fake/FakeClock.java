package porto.fake;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.locks.Condition;
import porto.ports.Clock;

/**
 * A clock that moves only when the simulation moves it. {@link #advance} runs the scheduled tasks
 * that fall due, in order of their due time (ties in order of scheduling), each one with the clock
 * set to its due time, and the tick hook (the fake kernel delivers task exits there) after each.
 * Reading the time never moves it.
 *
 * <p>When the domain waits ({@link #await}: a stop's grace time, a synchronous Wait, processes
 * leaving a cgroup), nothing else could happen in a simulation until the next scheduled event,
 * so the wait moves the clock there (or to the deadline, if that comes first) and runs what falls
 * due. A run is therefore a function of its inputs alone, and a seed replays it.
 *
 * <p>Tasks are run on the calling thread, outside of any lock of the clock. A wait or advance on a
 * thread that is already running tasks or the hook only moves time, so nothing re-enters itself.
 */
public final class FakeClock implements Clock {
    /** Wall-clock time when the fake machine booted: 2023-11-14T22:13:20Z. */
    public static final long BOOT_EPOCH_MILLIS = 1_700_000_000_000L;

    private final Object lock = new Object();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final ThreadLocal<Boolean> ticking = ThreadLocal.withInitial(() -> false);
    private long elapsedNanos;
    private long sequence;
    private Runnable tickHook = () -> { };

    private static final class Timer implements Comparable<Timer>, Cancellable {
        final long dueNanos;
        final long seq;
        final Runnable task;
        final boolean daemon;
        final FakeClock clock;
        volatile boolean cancelled;

        Timer(FakeClock clock, long dueNanos, long seq, Runnable task, boolean daemon) {
            this.clock = clock;
            this.dueNanos = dueNanos;
            this.seq = seq;
            this.task = task;
            this.daemon = daemon;
        }

        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(dueNanos, o.dueNanos);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }

        @Override
        public void cancel() {
            cancelled = true;
            synchronized (clock.lock) {
                clock.timers.remove(this);
            }
        }
    }

    @Override
    public long nowMillis() {
        synchronized (lock) {
            return BOOT_EPOCH_MILLIS + elapsedNanos / 1_000_000;
        }
    }

    @Override
    public long nanoTime() {
        synchronized (lock) {
            return elapsedNanos;
        }
    }

    /**
     * Lets simulated time run to the next scheduled event or {@code deadlineNanos}, whichever is
     * first, running what falls due; the caller then checks again what it waits for.
     */
    @Override
    public void await(Condition condition, long deadlineNanos) {
        long target;
        synchronized (lock) {
            Timer next = timers.peek();
            target = next == null ? deadlineNanos : Math.min(next.dueNanos, deadlineNanos);
        }
        if (target == Long.MAX_VALUE)
            throw new IllegalStateException("a wait without a deadline, and nothing scheduled: the simulation would never end");
        advanceTo(target);
    }

    /** Schedules work of the daemon; {@link #cancelDaemonTasks()} drops it (the daemon died). */
    @Override
    public Cancellable schedule(long delayMillis, Runnable task) {
        return add(delayMillis, task, true);
    }

    /** Schedules work of the simulated kernel (a process exiting later); a daemon crash keeps it. */
    Cancellable scheduleKernel(long delayMillis, Runnable task) {
        return add(delayMillis, task, false);
    }

    private Cancellable add(long delayMillis, Runnable task, boolean daemon) {
        synchronized (lock) {
            Timer t = new Timer(this, elapsedNanos + Math.max(0, delayMillis) * 1_000_000, sequence++, task, daemon);
            timers.add(t);
            return t;
        }
    }

    /** Moves time forward by {@code millis}, running every task that falls due on the way. */
    public void advance(long millis) {
        long target;
        synchronized (lock) {
            target = elapsedNanos + Math.max(0, millis) * 1_000_000;
        }
        advanceTo(target);
    }

    /** Moves time forward to {@code target} nanoseconds since boot, running what falls due on the way. */
    private void advanceTo(long target) {
        tick();
        while (true) {
            synchronized (lock) {
                Timer next = timers.peek();
                if (next == null || next.dueNanos > target)
                    break;
                elapsedNanos = Math.max(elapsedNanos, next.dueNanos);
            }
            if (!tick())
                break; // called from inside a task: only time moves
        }
        synchronized (lock) {
            elapsedNanos = Math.max(elapsedNanos, target);
        }
        tick();
    }

    /** Drops every task the daemon scheduled: it is gone, and so are its timers. */
    public void cancelDaemonTasks() {
        synchronized (lock) {
            timers.removeIf(t -> t.daemon);
        }
    }

    /** Number of tasks waiting to fall due. */
    public int pendingTasks() {
        synchronized (lock) {
            return timers.size();
        }
    }

    /** Nanoseconds since boot, without moving the clock. */
    public long elapsedNanos() {
        synchronized (lock) {
            return elapsedNanos;
        }
    }

    void setTickHook(Runnable hook) {
        this.tickHook = hook;
    }

    /** Runs due tasks, then the hook; returns false when this thread is already doing so. */
    private boolean tick() {
        if (ticking.get())
            return false;
        ticking.set(true);
        try {
            tickHook.run();
            while (true) {
                List<Timer> due = new ArrayList<>();
                synchronized (lock) {
                    while (!timers.isEmpty() && timers.peek().dueNanos <= elapsedNanos)
                        due.add(timers.poll());
                }
                if (due.isEmpty())
                    break;
                for (Timer t : due) {
                    if (!t.cancelled)
                        t.task.run();
                    tickHook.run();
                }
            }
            return true;
        } finally {
            ticking.set(false);
        }
    }
}

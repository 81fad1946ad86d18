package porto.fake;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import porto.ports.TaskExits;

/**
 * The exit collector that outlives the daemon. Exits are queued when main tasks die and handed to
 * the listener by {@link #deliverPending()}, which the fake kernel calls from
 * {@link FakeKernel#deliverExits()} and on every clock tick, never from inside {@code kill()}.
 * An exit stays recorded (and its process a zombie) until acknowledged; a new {@link #start}
 * (a restarted daemon) gets every unacknowledged exit again, in the order they happened.
 * The listener is called on the delivering thread with no lock of the fake held.
 */
public final class FakeTaskExits implements TaskExits {

    /** One recorded exit. */
    public record Exit(int pid, int status, long startTime) {}

    private final Object lock;
    private final FakeProcesses processes;
    private final List<Exit> unacknowledged = new ArrayList<>();
    private final Deque<Exit> toDeliver = new ArrayDeque<>();
    private final ThreadLocal<Boolean> delivering = ThreadLocal.withInitial(() -> false);
    private Listener listener;
    private int delivered;

    FakeTaskExits(Object lock, FakeProcesses processes) {
        this.lock = lock;
        this.processes = processes;
    }

    @Override
    public void start(Listener listener) {
        synchronized (lock) {
            this.listener = listener;
            toDeliver.clear();
            toDeliver.addAll(unacknowledged);
        }
    }

    @Override
    public void acknowledge(int pid) {
        synchronized (lock) {
            unacknowledged.removeIf(e -> e.pid() == pid);
            toDeliver.removeIf(e -> e.pid() == pid);
            processes.reap(pid);
        }
    }

    /**
     * Hands every queued exit to the listener, including exits that happen while doing so.
     * Does nothing without a listener or when this thread is already delivering.
     */
    public void deliverPending() {
        if (delivering.get())
            return;
        delivering.set(true);
        try {
            while (true) {
                Exit e;
                Listener l;
                synchronized (lock) {
                    l = listener;
                    e = l == null ? null : toDeliver.poll();
                    if (e != null)
                        delivered++;
                }
                if (e == null)
                    return;
                l.exited(e.pid(), e.status(), e.startTime());
            }
        } finally {
            delivering.set(false);
        }
    }

    /** The daemon died: nothing is delivered until the next {@link #start}. */
    public void detach() {
        synchronized (lock) {
            listener = null;
            toDeliver.clear();
        }
    }

    /** Exits recorded and not yet acknowledged, oldest first. */
    public List<Exit> unacknowledged() {
        synchronized (lock) {
            return List.copyOf(unacknowledged);
        }
    }

    /** Exits waiting to be handed to the listener. */
    public int pending() {
        synchronized (lock) {
            return toDeliver.size();
        }
    }

    /** How many exits were handed to a listener so far. */
    public int deliveredCount() {
        synchronized (lock) {
            return delivered;
        }
    }

    /** Called by the process table, under the lock. */
    void queue(int pid, int status, long startTime) {
        Exit e = new Exit(pid, status, startTime);
        unacknowledged.add(e);
        if (listener != null)
            toDeliver.add(e);
    }
}

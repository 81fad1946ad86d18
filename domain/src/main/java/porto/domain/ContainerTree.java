package porto.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;
import porto.ports.Clock;

/**
 * The containers by name and by task pid, and the one lock that guards them. The lock is held
 * only for work in memory: slow kernel work runs {@link #outsideLock} with the containers it
 * changes marked busy, so reads never wait for it. Waiters hear of every change here.
 */
final class ContainerTree {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Container host = new Container(ContainerName.HOST, null, 0);
    private final Map<String, Container> containers = new HashMap<>();
    private final Map<Integer, Container> byPid = new HashMap<>();
    /** Tasks of containers buried with their parent, whose own exit has not arrived yet. */
    private final Map<Integer, Container> buriedPids = new HashMap<>();
    /** Exits of unknown pids that came while a launch was under way: the pid may not be bound yet. */
    private final Map<Integer, long[]> earlyExits = new HashMap<>();
    private final List<Events.Listener> listeners = new CopyOnWriteArrayList<>();
    private final Clock clock;
    /**
     * Containers whose subtree a short kernel write (a freezer or limit write, the kill after a
     * death) changes with the lock released, counted: requests on that subtree wait for it.
     */
    private final Map<Container, Integer> writing = new IdentityHashMap<>();
    /** Starts whose kernel work is under way with the lock released. */
    private int launchesInFlight;
    private long nextId = 1;
    /** Runs whenever a thread lets the lock go entirely: it writes the records it took. */
    private Runnable afterRelease = () -> { };
    /**
     * Task exits this thread handled under the lock, acknowledged to the kernel only after its
     * records are written: a daemon killed in between gets the exit again instead of losing it.
     */
    private final ThreadLocal<List<Integer>> exitsToAcknowledge = ThreadLocal.withInitial(ArrayList::new);
    private IntConsumer acknowledgeExit = pid -> { };

    ContainerTree(Clock clock) {
        this.clock = clock;
    }

    void afterRelease(Runnable work) {
        this.afterRelease = work;
    }

    void acknowledgeExitsWith(IntConsumer acknowledge) {
        this.acknowledgeExit = acknowledge;
    }

    /** The exit of {@code pid} is handled: acknowledge it once this thread's records are written. */
    void acknowledgeAfterRelease(int pid) {
        exitsToAcknowledge.get().add(pid);
        if (!lock.isHeldByCurrentThread())
            releaseWork();
    }

    // ---- the lock ----

    void lock() {
        lock.lock();
    }

    boolean heldByCurrentThread() {
        return lock.isHeldByCurrentThread();
    }

    void unlock() {
        lock.unlock();
        if (lock.getHoldCount() == 0)
            releaseWork();
    }

    private void releaseWork() {
        afterRelease.run();
        List<Integer> exits = exitsToAcknowledge.get();
        if (exits.isEmpty())
            return;
        List<Integer> handled = List.copyOf(exits);
        exits.clear();
        for (int pid : handled)
            acknowledgeExit.accept(pid);
    }

    /** Runs {@code work} with the lock held. */
    void underLock(Runnable work) {
        lock();
        try {
            work.run();
        } finally {
            unlock();
        }
    }

    /** Slow work (kernel calls) that must not hold up the whole daemon. */
    interface KernelWork<T> {
        T run();
    }

    /** Runs {@code work} with the lock released (however often this thread holds it), then takes it again. */
    <T> T outsideLock(KernelWork<T> work) {
        int holds = lock.getHoldCount();
        for (int i = 0; i < holds; i++)
            lock.unlock();
        try {
            return work.run();
        } finally {
            for (int i = 0; i < holds; i++)
                lock.lock();
        }
    }

    /** A deadline {@code millis} from now on the clock, for {@link #awaitChange}. */
    long deadline(long millis) {
        return clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** True once the clock has reached {@code deadlineNanos}. */
    boolean passed(long deadlineNanos) {
        return clock.nanoTime() >= deadlineNanos;
    }

    /**
     * Waits for a change (a task exit) until the clock's {@code deadlineNanos} at most, releasing
     * the lock meanwhile. It may return early: callers check again what they wait for.
     */
    void awaitChange(long deadlineNanos) {
        try {
            awaitChangeInterruptibly(deadlineNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** As {@link #awaitChange}; throws when interrupted. */
    void awaitChangeInterruptibly(long deadlineNanos) throws InterruptedException {
        clock.await(changed, deadlineNanos);
    }

    // ---- names ----

    Container host() {
        return host;
    }

    Map<String, Container> containers() {
        return containers;
    }

    Container find(String name) throws PortoException {
        if (name.equals(ContainerName.HOST))
            return host;
        Container c = containers.get(name);
        if (c == null) {
            if (!name.isEmpty() && !name.startsWith("/"))
                ContainerName.validate(name);
            throw new PortoException(ErrorCode.ContainerDoesNotExist, "container " + name + " does not exist");
        }
        return c;
    }

    /** The containers a name or mask stands for, sorted by name. */
    List<Container> matching(String nameOrMask) {
        if (!Masks.isMask(nameOrMask)) {
            Container c = containers.get(nameOrMask);
            return c == null ? List.of() : List.of(c);
        }
        List<Container> out = new ArrayList<>();
        for (Container c : containers.values())
            if (Masks.matches(c.name, nameOrMask))
                out.add(c);
        out.sort(Comparator.comparing(Container::name));
        return out;
    }

    long allocateId() {
        return nextId++;
    }

    void reserveId(long id) {
        nextId = Math.max(nextId, id + 1);
    }

    /** Links a new (or restored) container into the tree. */
    void add(Container c) {
        c.parent.children.put(c.name, c);
        containers.put(c.name, c);
    }

    /** Unlinks one container (its children are gone already) and tells waiters. */
    void remove(Container c) {
        c.parent.children.remove(c.name);
        containers.remove(c.name);
        changed.signalAll();
        long now = clock.nowMillis();
        for (Events.Listener l : listeners)
            l.stateChanged(c.name, "destroyed", now);
    }

    // ---- busy marks ----

    /**
     * Refuses to touch a subtree another request is changing: that request may be working with
     * the lock released, and must find the tree as it left it.
     */
    void requireIdle(Container c) throws PortoException {
        for (Container p = c; p != null; p = p.parent)
            if (p.busy || writing.containsKey(p))
                throw busy(p);
        requireIdleBelow(c);
    }

    private void requireIdleBelow(Container c) throws PortoException {
        for (Container child : c.children.values()) {
            if (child.busy || writing.containsKey(child))
                throw busy(child);
            requireIdleBelow(child);
        }
    }

    /**
     * The container named {@code name}, once no short kernel write holds part of its subtree:
     * such a write ends by itself within the kernel's own bounds, so a request that changes the
     * subtree waits for it (lock released) as it waited for the lock when the lock was held
     * through the write. A start or stop in progress is not waited for: {@link #requireIdle}.
     */
    Container findAfterWrites(String name) throws PortoException {
        Container c = find(name);
        while (!writing.isEmpty() && writingOn(c)) {
            changed.awaitUninterruptibly();
            c = find(name); // it may have gone meanwhile
        }
        return c;
    }

    private boolean writingOn(Container c) {
        for (Container p = c; p != null; p = p.parent)
            if (writing.containsKey(p))
                return true;
        for (Container w : writing.keySet())
            for (Container p = w; p != null; p = p.parent)
                if (p == c)
                    return true;
        return false;
    }

    /**
     * Runs a short kernel write on {@code c}'s subtree with the lock released (as {@link
     * #outsideLock}): reads go on, requests that change the subtree wait for it ({@link #findAfterWrites}).
     */
    <T> T writeOutsideLock(Container c, KernelWork<T> work) {
        writing.merge(c, 1, Integer::sum);
        try {
            return outsideLock(work);
        } finally {
            writing.computeIfPresent(c, (k, n) -> n == 1 ? null : n - 1);
            changed.signalAll();
        }
    }

    boolean isIdle(Container c) {
        try {
            requireIdle(c);
            return true;
        } catch (PortoException e) {
            return false;
        }
    }

    static PortoException busy(Container c) {
        return new PortoException(ErrorCode.Busy, "container " + c.name + " is busy: another request is changing it");
    }

    // ---- tasks ----

    void bindPid(Container c, int pid) {
        if (c.rootPid > 0)
            byPid.remove(c.rootPid, c);
        c.rootPid = pid;
        if (pid > 0)
            byPid.put(pid, c);
    }

    /** The container died with its parent: forget its pid, but take its exit status if it comes. */
    void buryPid(Container c) {
        if (c.rootPid > 0) {
            buriedPids.put(c.rootPid, c);
            bindPid(c, 0);
        }
    }

    Container byPid(int pid) {
        return byPid.get(pid);
    }

    Container unburyPid(int pid) {
        return buriedPids.remove(pid);
    }

    void launchBegins() {
        launchesInFlight++;
    }

    void launchEnds() {
        if (--launchesInFlight == 0) {
            // No start claimed them: they belong to nothing, and may be acknowledged.
            for (int pid : earlyExits.keySet())
                acknowledgeAfterRelease(pid);
            earlyExits.clear();
        }
    }

    boolean launching() {
        return launchesInFlight > 0;
    }

    /**
     * An exit no container claims: kept while a start may yet bind its pid, and acknowledged only
     * when that start has recorded the death (or no start claimed it); else acknowledged at once.
     */
    void unclaimedExit(int pid, int status, long startTime) {
        if (launchesInFlight > 0)
            earlyExits.put(pid, new long[] {startTime, status});
        else
            acknowledgeAfterRelease(pid);
    }

    /**
     * The status of {@code pid} if it exited before its start bound it, else null. A claimed exit
     * is acknowledged after the claiming thread's records (the death) are written.
     */
    Integer takeEarlyExit(int pid, long startTime) {
        long[] exit = earlyExits.get(pid);
        if (exit == null || exit[0] != startTime)
            return null;
        earlyExits.remove(pid);
        acknowledgeAfterRelease(pid);
        return (int) exit[1];
    }

    Map<Integer, String> pids() {
        Map<Integer, String> m = new HashMap<>();
        byPid.forEach((pid, c) -> m.put(pid, c.name));
        return m;
    }

    // ---- events ----

    void addListener(Events.Listener l) {
        listeners.add(l);
    }

    void removeListener(Events.Listener l) {
        listeners.remove(l);
    }

    /** Tells waiters and listeners; call after every state change. */
    void notifyState(Container c) {
        changed.signalAll();
        long now = clock.nowMillis();
        for (Events.Listener l : listeners)
            l.stateChanged(c.name, c.state().text(), now);
    }

    /** Wakes waiters and tells listeners of a label's new value ("" when it was removed). */
    void notifyLabel(Container c, String label, String value) {
        changed.signalAll();
        long now = clock.nowMillis();
        for (Events.Listener l : listeners)
            l.labelChanged(c.name, c.state().text(), label, value, now);
    }

    /** Wakes waiters after a change that is not a state change (a request done with a container). */
    void notifyChange() {
        changed.signalAll();
    }

    /** Names of every container matching {@code mask} (all when null), sorted. */
    List<String> names(String mask) {
        lock();
        try {
            List<String> names = new ArrayList<>();
            for (String name : containers.keySet())
                if (mask == null || mask.isEmpty() || Masks.matches(name, mask))
                    names.add(name);
            names.sort(Comparator.naturalOrder());
            return names;
        } finally {
            unlock();
        }
    }
}

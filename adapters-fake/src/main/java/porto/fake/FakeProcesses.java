package porto.fake;

import static porto.ports.Signals.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import porto.ports.KernelException;
import porto.ports.Processes;

/**
 * The process table. Signals follow Linux where it matters to a container manager:
 * <ul>
 *   <li>SIGKILL kills at once, even a frozen process; on cgroup v2 so does any signal that kills
 *       by default (v2's freezer lets fatal signals through, v1's holds them);</li>
 *   <li>a signal the program handles runs its handler ({@link Program#handlers}): exit or carry on;</li>
 *   <li>an unhandled signal is ignored by pid 1 of a pid namespace and by signals whose default is
 *       to ignore or stop; otherwise it kills the process with that signal;</li>
 *   <li>other signals, and a self-exit, wait while the process is frozen and act on thaw.</li>
 * </ul>
 * A main task that dies becomes a zombie and its exit is queued at {@link FakeTaskExits}; it is
 * reaped (its pid freed) when the exit is acknowledged. A zombie is not alive for {@link #isAlive}.
 * Pids are handed out upwards from the bottom of the pid range, wrapping around and skipping taken
 * ones, so a small range makes pids get reused. Start times are clock ticks (100 Hz), made strictly
 * increasing so a reused pid never repeats a start time.
 */
public final class FakeProcesses implements Processes {
    /** Signals whose default action is to ignore the signal or stop the process. */
    private static final Set<Integer> DEFAULT_HARMLESS = Set.of(17, 18, 19, 20, 21, 22, 23, 28);

    private final Object lock;
    private final FakeClock clock;
    private FakeCgroups cgroups;
    private FakeTaskExits exits;
    private final Map<Integer, FakeProcess> table = new TreeMap<>();
    private int pidMin = 100;
    private int pidMax = 32767;
    private int nextPid = pidMin;
    private long lastStartTime;

    FakeProcesses(Object lock, FakeClock clock) {
        this.lock = lock;
        this.clock = clock;
    }

    void connect(FakeCgroups cgroups, FakeTaskExits exits) {
        this.cgroups = cgroups;
        this.exits = exits;
    }

    // ---- the port ----

    @Override
    public void kill(int pid, int signal) {
        synchronized (lock) {
            FakeProcess p = table.get(pid);
            if (p == null || p.status != FakeProcess.Status.RUNNING || signal == 0)
                return;
            if (signal == SIGKILL || cgroups.isUnified() && cgroups.isFrozen(p) && diesOf(p, signal))
                terminate(p, signal);
            else if (cgroups.isFrozen(p))
                p.pendingSignals.add(signal);
            else
                deliver(p, signal);
        }
    }

    @Override
    public boolean isAlive(int pid, long startTime) {
        synchronized (lock) {
            FakeProcess p = table.get(pid);
            return p != null && p.status == FakeProcess.Status.RUNNING && p.startTime == startTime;
        }
    }

    @Override
    public long startTime(int pid) {
        synchronized (lock) {
            FakeProcess p = table.get(pid);
            return p == null ? -1 : p.startTime;
        }
    }

    @Override
    public boolean catchesSignal(int pid, int signal) {
        synchronized (lock) {
            FakeProcess p = table.get(pid);
            return p != null && p.status == FakeProcess.Status.RUNNING && p.program.handlers().containsKey(signal);
        }
    }

    @Override
    public void setScheduling(int pid, porto.ports.Scheduling scheduling) {
        synchronized (lock) {
            FakeProcess p = table.get(pid);
            if (p != null && p.status == FakeProcess.Status.RUNNING)
                p.scheduling = scheduling;
        }
    }

    // ---- what tests do to processes ----

    /** The process makes exit(code) by itself (wait status code << 8); a frozen one does so on thaw. */
    public void exit(int pid, int code) {
        synchronized (lock) {
            FakeProcess p = table.get(pid);
            if (p == null || p.status != FakeProcess.Status.RUNNING)
                throw new IllegalStateException("no running process " + pid);
            exitOrDefer(p, (code & 0xff) << 8);
        }
    }

    /** The process forks: a child in the same cgroups whose exit its parent reaps. Returns its pid. */
    public int fork(int pid) throws KernelException {
        synchronized (lock) {
            FakeProcess p = table.get(pid);
            if (p == null || p.status != FakeProcess.Status.RUNNING)
                throw new IllegalStateException("no running process " + pid);
            FakeProcess child = create(p.argv, p.cgroups, p.program, false, false, pid);
            child.scheduling = p.scheduling;
            child.environment = p.environment;
            return child.pid;
        }
    }

    /** The process disappears and its exit status is lost (the exit collector lost it). */
    public void vanish(int pid) {
        synchronized (lock) {
            FakeProcess p = table.remove(pid);
            if (p != null)
                p.status = FakeProcess.Status.REAPED;
        }
    }

    public Optional<FakeProcess> get(int pid) {
        synchronized (lock) {
            return Optional.ofNullable(table.get(pid));
        }
    }

    /** Every process that is still alive, by pid. */
    public List<FakeProcess> running() {
        synchronized (lock) {
            List<FakeProcess> out = new ArrayList<>();
            for (FakeProcess p : table.values())
                if (p.status == FakeProcess.Status.RUNNING)
                    out.add(p);
            return out;
        }
    }

    /** Pids come from [min, max] from now on. */
    public void setPidRange(int min, int max) {
        if (min < 2 || max < min)
            throw new IllegalArgumentException("bad pid range " + min + ".." + max);
        synchronized (lock) {
            pidMin = min;
            pidMax = max;
            nextPid = min;
        }
    }

    public boolean isFrozen(int pid) {
        synchronized (lock) {
            FakeProcess p = table.get(pid);
            return p != null && cgroups.isFrozen(p);
        }
    }

    // ---- for the rest of the fake kernel, under the lock ----

    FakeProcess create(List<String> argv, Map<String, String> cgroupPaths, Program program, boolean namespaceInit,
                       boolean reportsExit, int parentPid) throws KernelException {
        int pid = allocatePid();
        long ticks = clock.elapsedNanos() / 10_000_000;
        lastStartTime = Math.max(ticks, lastStartTime + 1);
        FakeProcess p = new FakeProcess(pid, lastStartTime, argv, cgroupPaths, program, namespaceInit, reportsExit, parentPid);
        table.put(pid, p);
        if (program.exitAfterMs() >= 0) {
            int status = (program.exitCode() & 0xff) << 8;
            clock.scheduleKernel(program.exitAfterMs(), () -> selfExit(p, status));
        }
        return p;
    }

    private void selfExit(FakeProcess p, int status) {
        synchronized (lock) {
            if (p.status == FakeProcess.Status.RUNNING)
                exitOrDefer(p, status);
        }
    }

    private int allocatePid() throws KernelException {
        int span = pidMax - pidMin + 1;
        for (int i = 0; i < span; i++) {
            int pid = nextPid;
            nextPid = pid >= pidMax ? pidMin : pid + 1;
            if (!table.containsKey(pid))
                return pid;
        }
        throw new KernelException(11, "fork: Resource temporarily unavailable");
    }

    /** Processes in these cgroups were thawed: what they were told meanwhile happens now. */
    void thawed() {
        for (FakeProcess p : new ArrayList<>(table.values())) {
            if (p.status != FakeProcess.Status.RUNNING || cgroups.isFrozen(p))
                continue;
            if (p.pendingExitStatus != null) {
                terminate(p, p.pendingExitStatus);
                continue;
            }
            while (!p.pendingSignals.isEmpty() && p.status == FakeProcess.Status.RUNNING)
                deliver(p, p.pendingSignals.poll());
        }
    }

    /** Every live process of the table, for cgroup queries. */
    Iterable<FakeProcess> all() {
        return table.values();
    }

    /** The exit was acknowledged: the zombie goes away and its pid is free. */
    void reap(int pid) {
        FakeProcess p = table.get(pid);
        if (p != null && p.status == FakeProcess.Status.ZOMBIE) {
            p.status = FakeProcess.Status.REAPED;
            table.remove(pid);
        }
    }

    private void exitOrDefer(FakeProcess p, int status) {
        if (cgroups.isFrozen(p))
            p.pendingExitStatus = status;
        else
            terminate(p, status);
    }

    /** The signal kills: no handler, not ignored by default nor by a namespace's init. */
    private static boolean diesOf(FakeProcess p, int signal) {
        return !p.program.handlers().containsKey(signal) && !p.namespaceInit && !DEFAULT_HARMLESS.contains(signal);
    }

    private void deliver(FakeProcess p, int signal) {
        Integer handler = p.program.handlers().get(signal);
        if (handler != null) {
            if (handler != Program.IGNORE)
                terminate(p, (handler & 0xff) << 8);
            return;
        }
        if (p.namespaceInit || DEFAULT_HARMLESS.contains(signal))
            return;
        terminate(p, signal & 0x7f);
    }

    private void terminate(FakeProcess p, int status) {
        p.exitStatus = status;
        p.pendingSignals.clear();
        p.pendingExitStatus = null;
        if (p.reportsExit) {
            p.status = FakeProcess.Status.ZOMBIE;
            exits.queue(p.pid, status, p.startTime);
        } else {
            p.status = FakeProcess.Status.REAPED;
            table.remove(p.pid);
        }
    }
}

package porto.fake;

/**
 * A whole simulated machine: one process table, cgroup trees, exit collector, clock, state store,
 * user database and files, shared by the port objects it hands out. Deterministic: nothing moves
 * unless a test (or the domain, through the clock) moves it.
 *
 * <p>Task exits are queued, never delivered from inside {@code kill()}; they reach the daemon's
 * listener from {@link #deliverExits()} and from every clock tick (see {@link FakeClock}).
 * {@link #daemonCrashed()} models the daemon going away: its timers are dropped and exits wait,
 * unacknowledged, for the next daemon to {@code start()} the {@link FakeTaskExits} port.
 */
public final class FakeKernel {
    private final Object lock = new Object();
    private final FakeClock clock = new FakeClock();
    private final FakeProcesses processes = new FakeProcesses(lock, clock);
    private final FakeCgroups cgroups = new FakeCgroups(lock, processes);
    private final FakeTaskExits exits = new FakeTaskExits(lock, processes);
    private final FakeFiles files = new FakeFiles();
    private final FakeLauncher launcher = new FakeLauncher(lock, processes, cgroups, files);
    private final FakeStateStore store = new FakeStateStore();
    private final FakeUsers users = new FakeUsers();

    public FakeKernel() {
        processes.connect(cgroups, exits);
        clock.setTickHook(exits::deliverPending);
    }

    public FakeCgroups cgroups() {
        return cgroups;
    }

    public FakeLauncher launcher() {
        return launcher;
    }

    public FakeProcesses processes() {
        return processes;
    }

    public FakeTaskExits exits() {
        return exits;
    }

    public FakeClock clock() {
        return clock;
    }

    public FakeStateStore store() {
        return store;
    }

    public FakeUsers users() {
        return users;
    }

    public FakeFiles files() {
        return files;
    }

    /** Hands queued task exits to the daemon (the listener runs on this thread). */
    public void deliverExits() {
        exits.deliverPending();
    }

    /** The daemon is gone without a word: its timers stop and exits wait for the next one. */
    public void daemonCrashed() {
        clock.cancelDaemonTasks();
        exits.detach();
    }
}

package porto.fake;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/** One simulated process. Its fields change only under the fake kernel's lock; reads need none. */
public final class FakeProcess {
    public enum Status {
        /** Alive (possibly frozen). */
        RUNNING,
        /** Exited; its status waits to be acknowledged, so its pid is still taken. */
        ZOMBIE,
        /** Gone for good; its pid is free again. */
        REAPED
    }

    final int pid;
    final long startTime;
    final List<String> argv;
    /** controller -> container path of the cgroup it is in ("a/b"). */
    final Map<String, String> cgroups;
    final Program program;
    /** Pid 1 of a new pid namespace: signals it has no handler for are ignored. */
    final boolean namespaceInit;
    /** Its exit goes to {@link FakeTaskExits} (a container's main task); forked ones are reaped silently. */
    final boolean reportsExit;
    final int parentPid;

    volatile Status status = Status.RUNNING;
    volatile int exitStatus;
    /** Signals and a self-exit that arrived while frozen, applied on thaw. */
    final Deque<Integer> pendingSignals = new ArrayDeque<>();
    /** Scheduling from the launch spec or set later; null when inherited from the launcher. */
    porto.ports.Scheduling scheduling;
    Integer pendingExitStatus;
    /** What the launcher set up for it; see {@link FakeLauncher}. Null for a forked child until copied. */
    Environment environment;

    /**
     * What a task sees of the machine: who it is, its namespaces (opaque ids, "host:pid" for the
     * host's), hostname, root (a host path, maybe read-only), bind mounts, the nodes of a fresh
     * /dev (null: the host's /dev), and resource limits.
     */
    public record Environment(porto.ports.LaunchSpec.Identity identity, Map<String, String> namespaces, String hostname,
                              String root, boolean rootReadOnly, List<porto.ports.LaunchSpec.Bind> binds,
                              List<String> devices, List<porto.ports.LaunchSpec.Rlimit> rlimits, String cwd,
                              int oomScoreAdj) {
        public Environment {
            namespaces = Map.copyOf(namespaces);
            binds = List.copyOf(binds);
            devices = devices == null ? null : List.copyOf(devices);
            rlimits = List.copyOf(rlimits);
        }
    }

    FakeProcess(int pid, long startTime, List<String> argv, Map<String, String> cgroups, Program program,
                boolean namespaceInit, boolean reportsExit, int parentPid) {
        this.pid = pid;
        this.startTime = startTime;
        this.argv = List.copyOf(argv);
        this.cgroups = Map.copyOf(cgroups);
        this.program = program;
        this.namespaceInit = namespaceInit;
        this.reportsExit = reportsExit;
        this.parentPid = parentPid;
    }

    public int pid() {
        return pid;
    }

    public long startTime() {
        return startTime;
    }

    public List<String> argv() {
        return argv;
    }

    public Map<String, String> cgroups() {
        return cgroups;
    }

    /** The container path of its freezer cgroup, or null. */
    public String container() {
        return cgroups.get("freezer");
    }

    public Program program() {
        return program;
    }

    public boolean reportsExit() {
        return reportsExit;
    }

    public int parentPid() {
        return parentPid;
    }

    public porto.ports.Scheduling scheduling() {
        return scheduling;
    }

    /** What the launcher set up for it, or null for a process not started by the launcher. */
    public Environment environment() {
        return environment;
    }

    public Status status() {
        return status;
    }

    public boolean isRunning() {
        return status() == Status.RUNNING;
    }

    public int exitStatus() {
        return exitStatus;
    }

    @Override
    public String toString() {
        return "pid " + pid + " " + argv + " in " + container() + " " + status();
    }
}

package porto.fake;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import porto.ports.KernelException;
import porto.ports.LaunchResult;
import porto.ports.LaunchSpec;
import porto.ports.TaskLauncher;

/**
 * Starts simulated tasks. The program is chosen by the base name of argv[0] ({@link #define});
 * anything else runs {@link Program#forever()}. A command counted as missing (by default any name
 * starting with "__") fails as execvpe would, with ENOENT. Every spec is recorded.
 */
public final class FakeLauncher implements TaskLauncher {
    static final int ENOENT = 2;

    private final Object lock;
    private final FakeProcesses processes;
    private final FakeCgroups cgroups;
    private final Map<String, Program> programs = new HashMap<>();
    private final List<LaunchSpec> launches = new ArrayList<>();
    private Program fallback = Program.forever();
    private Predicate<String> missing = name -> name.startsWith("__");

    FakeLauncher(Object lock, FakeProcesses processes, FakeCgroups cgroups) {
        this.lock = lock;
        this.processes = processes;
        this.cgroups = cgroups;
    }

    @Override
    public LaunchResult launch(LaunchSpec spec) throws KernelException {
        synchronized (lock) {
            launches.add(spec);
            if (spec.argv().isEmpty())
                throw new KernelException(14, "Bad address: execvpe with no argv");
            String command = spec.argv().get(0);
            String name = command.substring(command.lastIndexOf('/') + 1);
            if (missing.test(name))
                throw new KernelException(ENOENT, "No such file or directory: execvpe(" + command + ")");
            Map<String, String> where = cgroups.resolve(spec.cgroupDirectories());
            Program program = programs.getOrDefault(name, fallback);
            FakeProcess p = processes.create(spec.argv(), where, program, spec.namespaces().isolate(), true, 1);
            p.scheduling = spec.scheduling();
            return new LaunchResult(p.pid, p.startTime);
        }
    }

    /** Commands whose base name is {@code name} behave as {@code program}. */
    public void define(String name, Program program) {
        synchronized (lock) {
            programs.put(name, program);
        }
    }

    /** What commands not defined do. */
    public void setFallback(Program program) {
        synchronized (lock) {
            fallback = program;
        }
    }

    /** Which command names are missing from the PATH. */
    public void setMissing(Predicate<String> missing) {
        synchronized (lock) {
            this.missing = missing;
        }
    }

    /** Every spec passed to {@link #launch}, failed ones too, oldest first. */
    public List<LaunchSpec> launches() {
        synchronized (lock) {
            return List.copyOf(launches);
        }
    }

    public LaunchSpec lastLaunch() {
        synchronized (lock) {
            return launches.isEmpty() ? null : launches.get(launches.size() - 1);
        }
    }
}

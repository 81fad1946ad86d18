package porto.domain;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import porto.ports.Cgroups;
import porto.ports.Cgroups.Limit;
import porto.ports.KernelException;
import porto.ports.Scheduling;

/**
 * Which cgroup controllers a container gets, and how its resource properties reach the kernel:
 * limits and weights written to its cgroups, scheduling given to its tasks, statistics read back.
 * Values are read with the tree lock held; a start writes them with it released, and a set on a
 * running container through {@link LiveLimits}.
 */
final class ResourceControl {
    /** Each resource property and the controller that must be enabled when it is not at its default. */
    static final Map<String, String> CONTROLLER_OF = Map.ofEntries(
            Map.entry("memory_limit", "memory"), Map.entry("memory_guarantee", "memory"),
            Map.entry("anon_limit", "memory"), Map.entry("dirty_limit", "memory"),
            Map.entry("recharge_on_pgfault", "memory"), Map.entry("oom_is_fatal", "memory"), Map.entry("anon_only", "memory"),
            Map.entry("pressurize_on_death", "memory"),
            Map.entry("cpu_limit", "cpu"), Map.entry("cpu_guarantee", "cpu"), Map.entry("cpu_period", "cpu"),
            Map.entry("cpu_weight", "cpu"), Map.entry("cpu_policy", "cpu"), Map.entry("cpu_set", "cpuset"),
            Map.entry("io_limit", "blkio"), Map.entry("io_ops_limit", "blkio"), Map.entry("io_weight", "blkio"),
            Map.entry("io_policy", "blkio"), Map.entry("thread_limit", "pids"),
            Map.entry("hugetlb_limit", "hugetlb"));
    /**
     * Properties that act on the tasks themselves (scheduling, the OOM watch) and use a cgroup only
     * when the container has one: they neither enable a controller nor need one.
     */
    static final Set<String> TASK_LEVEL = Set.of("cpu_policy", "io_policy", "oom_is_fatal");
    private static final long OOM_POLL_MS = 1_000;

    private final Cgroups cgroups;
    private final porto.ports.Processes processes;
    private final porto.ports.Clock clock;
    private final ContainerTree tree;
    private final Properties properties;
    final Guarantees guarantees;
    final CpuSets cpuSets;
    /**
     * Held while one container's cgroups and limits are written (a start's, a live {@code set}'s):
     * siblings' cpus are allocated one at a time. A lock that parks, not a monitor: ten starts at
     * once would spin on a monitor for the ~1 ms each holds it.
     */
    final java.util.concurrent.locks.ReentrantLock allocation = new java.util.concurrent.locks.ReentrantLock();
    /** What an OOM kill in a container with oom_is_fatal does (Lifecycle kills it whole); set once when wired. */
    private java.util.function.Consumer<Container> oomKilled = c -> { };
    /** One chain of OOM polls at a time; a start (lock let go) and a poll (lock held) both look at it. */
    private final java.util.concurrent.atomic.AtomicBoolean oomWatchScheduled = new java.util.concurrent.atomic.AtomicBoolean();

    ResourceControl(Cgroups cgroups, porto.ports.Processes processes, porto.ports.Clock clock, ContainerTree tree,
                    DomainConfig config, Properties properties) {
        this.cgroups = cgroups;
        this.processes = processes;
        this.clock = clock;
        this.tree = tree;
        this.properties = properties;
        this.guarantees = new Guarantees(tree, config);
        this.cpuSets = new CpuSets(config, cgroups, properties);
    }

    /** Wiring: {@code action} runs when the OOM killer struck a container that must die whole. */
    void onFatalOom(java.util.function.Consumer<Container> action) {
        this.oomKilled = action;
    }

    Cgroups cgroups() {
        return cgroups;
    }

    String value(Container c, String property) throws PortoException {
        return properties.value(c, property);
    }

    /** True when the property was given a value other than its default. */
    boolean isSet(Container c, String property) throws PortoException {
        String v = c.config.get(property);
        return v != null && !v.equals(properties.find(property).defaultValue(c));
    }

    // ---- controllers ----

    /**
     * The manual's rules: every controller for first-level containers; deeper ones get freezer,
     * cpuacct (unless it shares a hierarchy with cpu), the controllers their limits need, and
     * those enabled through the controllers property.
     */
    Set<String> controllersFor(Container c) throws PortoException {
        Set<String> available = cgroups().available();
        Set<String> wanted = new LinkedHashSet<>();
        wanted.add("freezer");
        if (c.level == 1) {
            wanted.addAll(available);
        } else {
            if (cgroups().hierarchyOf("cpuacct").size() == 1)
                wanted.add("cpuacct");
            for (var e : CONTROLLER_OF.entrySet())
                if (!TASK_LEVEL.contains(e.getKey()) && isSet(c, e.getKey()))
                    wanted.add(e.getValue());
            wanted.addAll(explicitControllers(c));
            // Siblings hold cpus exclusively: this one needs its own cpuset to keep off them.
            for (Container sibling : c.parent.children.values())
                if (sibling != c && sibling.state() != State.STOPPED && !sibling.exclusiveCpus.isEmpty())
                    wanted.add("cpuset");
        }
        // Controllers mounted together are one directory: enabling one enables them all.
        for (String ctl : List.copyOf(wanted))
            wanted.addAll(cgroups().hierarchyOf(ctl));
        wanted.retainAll(available);
        return Set.copyOf(wanted);
    }

    /** Controllers named in the controllers property. */
    Set<String> explicitControllers(Container c) {
        String v = c.config.get("controllers");
        Set<String> out = new LinkedHashSet<>();
        if (v != null)
            for (String name : v.split(";"))
                if (!name.isBlank())
                    out.add(name.trim());
        return out;
    }

    /** The container (itself or an ancestor) whose cgroup of {@code controller} holds its tasks; "" is the porto root. */
    static String cgroupOf(Container c, String controller) {
        for (Container x = c; x != null && !x.isHost(); x = x.parent)
            if (x.controllers.contains(controller))
                return x.name;
        return "";
    }

    /** Where a new task of {@code c} goes, in every hierarchy. */
    List<String> taskDirectories(Container c) {
        Map<String, String> where = new TreeMap<>();
        for (String ctl : cgroups().available())
            where.put(ctl, cgroupOf(c, ctl));
        return cgroups().taskDirectories(where);
    }

    // ---- applying limits ----

    /** One write to the kernel, its value decided already (with the tree lock held). */
    interface CgroupWrite {
        void run() throws KernelException;
    }

    /** At start, with the cgroups just created: every resource property. */
    void applyAll(Container c) throws KernelException, PortoException {
        cpuSets.allocate(c);
        for (String p : List.of("memory_limit", "memory_guarantee", "anon_limit", "dirty_limit", "recharge_on_pgfault",
                "oom_is_fatal", "anon_only", "cpu_guarantee", "thread_limit", "io_limit", "io_weight", "hugetlb_limit"))
            run(writes(c, p));
        run(cpuLimitWrites(c));
        watchOom(c);
    }

    private static void run(List<CgroupWrite> writes) throws KernelException {
        for (CgroupWrite w : writes)
            w.run();
    }

    static PortoException kernelError(String what, KernelException e) {
        ErrorCode code = switch (e.errno()) {
            case 16, 28 -> ErrorCode.ResourceNotAvailable; // EBUSY: usage above a new limit; ENOSPC
            case 95 -> ErrorCode.NotSupported;
            case 22 -> ErrorCode.InvalidValue;
            default -> ErrorCode.Unknown;
        };
        return new PortoException(code, what + ": " + e.getMessage(), e.errno());
    }

    /**
     * The writes that give the container's cgroups the value of {@code property}, its values read
     * now: a limit the kernel lacks is skipped while at its default, refused otherwise.
     */
    List<CgroupWrite> writes(Container c, String property) throws PortoException {
        String controller = CONTROLLER_OF.get(property);
        if (!c.controllers.contains(controller))
            return List.of();
        return switch (property) {
            case "memory_limit" -> write(c, Limit.MEMORY_LIMIT, MemoryProperties.LIMIT.value(c), property);
            case "memory_guarantee" -> write(c, Limit.MEMORY_GUARANTEE, MemoryProperties.GUARANTEE.value(c), property);
            case "anon_limit" -> write(c, Limit.ANON_LIMIT, MemoryProperties.ANON_LIMIT.value(c), property);
            case "dirty_limit" -> write(c, Limit.DIRTY_LIMIT, MemoryProperties.DIRTY_LIMIT.value(c), property);
            case "recharge_on_pgfault" ->
                    write(c, Limit.RECHARGE_ON_PGFAULT, flag(MemoryProperties.RECHARGE_ON_PGFAULT.value(c)), property);
            case "anon_only" -> write(c, Limit.ANON_ONLY, flag(UpstreamStatistics.ANON_ONLY.value(c)), property);
            // Where the kernel cannot kill the whole cgroup, the OOM watch does it.
            case "oom_is_fatal" -> cgroups().unsupported(Limit.OOM_GROUP) != null ? List.of()
                    : write(c, Limit.OOM_GROUP, flag(MemoryProperties.OOM_IS_FATAL.value(c)), property);
            case "cpu_guarantee", "cpu_weight", "cpu_policy" -> write(c, Limit.CPU_SHARES, cpuShares(c), property);
            case "hugetlb_limit" -> write(c, Limit.HUGETLB_LIMIT, MemoryProperties.HUGETLB_LIMIT.value(c), property);
            case "thread_limit" -> write(c, Limit.THREAD_LIMIT, ResourceProperties.THREAD_LIMIT.value(c), property);
            case "io_limit", "io_ops_limit" -> {
                List<Cgroups.IoLimit> limits = new ArrayList<>(IoLimits.resolve(cgroups(), c, value(c, "io_limit"), false));
                limits.addAll(IoLimits.resolve(cgroups(), c, value(c, "io_ops_limit"), true));
                String why = cgroups().ioLimitsUnsupported();
                if (why != null && !limits.isEmpty())
                    throw new PortoException(ErrorCode.NotSupported, property + " is not supported: " + why);
                Cgroups cg = cgroups();
                String name = c.name;
                yield why != null ? List.of() : List.of(() -> cg.setIoLimits(name, limits)); // an empty list clears earlier limits
            }
            case "io_weight", "io_policy" -> write(c, Limit.IO_WEIGHT, ioWeight(c), property);
            default -> List.of();
        };
    }

    private List<CgroupWrite> write(Container c, Limit limit, long value, String property) throws PortoException {
        String why = cgroups().unsupported(limit);
        if (why != null) {
            if (isSet(c, property) && !TASK_LEVEL.contains(property))
                throw new PortoException(ErrorCode.NotSupported, property + " is not supported: " + why);
            return List.of();
        }
        Cgroups cg = cgroups();
        String name = c.name;
        return List.of(() -> cg.setLimit(name, limit, value));
    }

    private static long flag(boolean on) {
        return on ? 1 : 0;
    }

    // ---- cpu ----

    /** The cpu limit in force: the smallest along the path to the top, 0 when none. */
    static double cpuLimitBound(Container c) throws PortoException {
        double bound = 0;
        for (Container x = c; x != null && !x.isHost(); x = x.parent) {
            double own = CpuProperties.LIMIT.value(x);
            if (own > 0 && (bound == 0 || own < bound))
                bound = own;
        }
        return bound;
    }

    /** The writes of the container's cpu period and quota (its cpu limit in force). */
    List<CgroupWrite> cpuLimitWrites(Container c) throws PortoException {
        if (!c.controllers.contains("cpu") || cgroups().unsupported(Limit.CPU_LIMIT) != null) {
            if (c.controllers.contains("cpu") && (isSet(c, "cpu_limit") || isSet(c, "cpu_period")))
                throw new PortoException(ErrorCode.NotSupported, "cpu_limit is not supported: " + cgroups().unsupported(Limit.CPU_LIMIT));
            return List.of();
        }
        Cgroups cg = cgroups();
        String name = c.name;
        long period = CpuProperties.PERIOD.value(c) / 1000;
        long quota = Math.round(cpuLimitBound(c) * 1_000_000);
        return List.of(() -> cg.setLimit(name, Limit.CPU_PERIOD, period), () -> cg.setLimit(name, Limit.CPU_LIMIT, quota));
    }

    /** cpu.shares: 1024 per guaranteed core (at least 1024), times cpu_weight, scaled by the policy. */
    long cpuShares(Container c) throws PortoException {
        double guarantee = CpuProperties.GUARANTEE.value(c);
        double shares = Math.max(guarantee * 1024, 1024) * CpuProperties.WEIGHT.value(c);
        shares *= switch (CpuProperties.POLICY.value(c)) {
            case "rt" -> 256;
            case "high" -> 16;
            case "idle" -> 1.0 / 16;
            default -> 1;
        };
        return Math.clamp(Math.round(shares), 2, 262_144);
    }

    /** The task's scheduler policy, nice and io priority from cpu_policy, cpu_weight and io_policy. */
    Scheduling scheduling(Container c) throws PortoException {
        String policy = CpuProperties.POLICY.value(c);
        boolean realtime = policy.equals("rt") && !cgroups().restrictsRealtime();
        int schedPolicy = switch (policy) {
            case "batch" -> Scheduling.SCHED_BATCH;
            case "idle" -> Scheduling.SCHED_IDLE;
            default -> realtime ? Scheduling.SCHED_RR : Scheduling.SCHED_OTHER;
        };
        int nice = switch (policy) {
            case "high" -> -10;
            case "rt" -> -20; // what rt falls back to where cgroups give no real-time runtime
            default -> 0;
        };
        // Each step of nice is about 10% of cpu weight.
        nice -= (int) Math.round(Math.log(CpuProperties.WEIGHT.value(c)) / Math.log(1.1));
        nice = Math.clamp(nice, -20, 19);
        int ioprio = switch (IoProperties.POLICY.value(c)) {
            case "rt" -> (1 << 13) | 4;
            case "high" -> 2 << 13;
            case "normal" -> (2 << 13) | 4;
            case "batch" -> (2 << 13) | 7;
            case "idle" -> 3 << 13;
            default -> 0;
        };
        return new Scheduling(schedPolicy, realtime ? 10 : 0, realtime ? 0 : nice, ioprio);
    }

    // ---- io ----

    /** Disk time weight relative to the default (1000): io_weight times the io_policy's share. */
    long ioWeight(Container c) throws PortoException {
        double weight = IoProperties.WEIGHT.value(c) * switch (IoProperties.POLICY.value(c)) {
            case "rt", "high" -> 2.0;   // blkio.weight 1000 against the default 500
            case "batch", "idle" -> 0.02; // 10 against 500
            default -> 1.0;
        };
        return Math.max(1, Math.round(weight * 1000));
    }

    // ---- statistics and knobs ----

    /** One statistic of a container whose {@code controller} cgroup is its own. */
    String stat(Container c, Cgroups.Stat stat, String controller) throws PortoException {
        // As upstream: what the kernel lacks is NotSupported in any state; then a run is needed.
        String why = cgroups().unsupported(stat);
        if (why != null)
            throw new PortoException(ErrorCode.NotSupported, stat.name().toLowerCase() + " is not available: " + why);
        if (c.isHost()) {
            // As upstream, "/" answers from the hierarchy roots, which count the whole host.
            long v = cgroups().hostStat(stat);
            if (v < 0)
                throw new PortoException(ErrorCode.NotSupported, stat.name().toLowerCase() + " is not available for the host on this kernel");
            return Long.toString(v);
        }
        requireCgroups(c);
        if (!c.controllers.contains(controller))
            throw new PortoException(ErrorCode.NotSupported, "the " + controller + " controller is not enabled for " + c.name
                    + " (set controllers[" + controller + "]=true before start)");
        long v = cgroups().stat(c.name, stat);
        if (v < 0)
            throw new PortoException(ErrorCode.NotSupported, stat.name().toLowerCase() + " is not available on this host");
        return Long.toString(v);
    }

    /** io_read, io_write or io_ops: per disk and "hw". */
    Map<String, Long> ioStat(Container c, Cgroups.IoStat stat) throws PortoException {
        if (c.isHost())
            return cgroups().hostIoStat(stat);
        requireCgroups(c);
        if (!c.controllers.contains("blkio"))
            throw new PortoException(ErrorCode.NotSupported, "the blkio controller is not enabled for " + c.name
                    + " (set controllers[blkio]=true before start)");
        return cgroups().ioStat(c.name, stat);
    }

    private static void requireCgroups(Container c) throws PortoException {
        if (c.state() == State.STOPPED || c.state() == State.STARTING || c.controllers.isEmpty())
            throw new PortoException(ErrorCode.InvalidState, "container " + c.name + " has no cgroups while " + c.state().text());
    }

    /** "memory.stat": a controller name, a dot and a file name; whether it exists is the kernel's to say. */
    static boolean isKnob(String name) {
        return name.matches("[a-z_]+\\.[A-Za-z0-9_.]+") && !name.contains("..") && !name.endsWith(".");
    }

    /** Reads a knob from the cgroup that holds the container's tasks for that controller. */
    String readKnob(Container c, String knob) throws PortoException {
        if (c.state() == State.STOPPED || c.controllers.isEmpty())
            throw new PortoException(ErrorCode.InvalidState, "container " + c.name + " has no cgroups while " + c.state().text());
        String prefix = knob.substring(0, knob.indexOf('.'));
        String controller = prefix.equals("io") ? "blkio" : prefix;
        // Files of no controller (v2's cgroup.*, cpu.stat, *.pressure) are in the container's own cgroup.
        String path = cgroups().available().contains(controller) ? cgroupOf(c, controller) : c.name;
        String text = cgroups().readKnob(path, knob);
        if (text == null)
            throw new PortoException(ErrorCode.InvalidProperty, "unknown container property: " + knob);
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }

    // ---- OOM ----

    /**
     * With oom_is_fatal, an OOM kill of any process kills the whole container. Kernels without
     * memory.oom.group (cgroup v1) do not, so the OOM counters are watched once a second.
     */
    private void watchOom(Container c) {
        if (cgroups().unsupported(Limit.OOM_GROUP) == null || !c.controllers.contains("memory"))
            return;
        if (oomWatchScheduled.compareAndSet(false, true))
            clock.schedule(OOM_POLL_MS, this::pollOom);
    }

    /** After a daemon restart: keep watching the containers that still run. */
    void restored() {
        for (Container c : tree.containers().values())
            if (c.state().isActive())
                watchOom(c);
    }

    private void pollOom() {
        tree.underLock(() -> {
            oomWatchScheduled.set(false);
            boolean any = false;
            for (Container c : List.copyOf(tree.containers().values())) {
                if (!c.state().isActive() || !c.controllers.contains("memory"))
                    continue;
                any = true;
                try {
                    if (MemoryProperties.OOM_IS_FATAL.value(c) && cgroups().stat(c.name, Cgroups.Stat.OOM_KILLS) > 0)
                        oomKilled.accept(c);
                } catch (PortoException | RuntimeException e) {
                    // A damaged value or a failing read: leave this container alone, watch the rest.
                }
            }
            if (any && oomWatchScheduled.compareAndSet(false, true))
                clock.schedule(OOM_POLL_MS, this::pollOom);
        });
    }
}

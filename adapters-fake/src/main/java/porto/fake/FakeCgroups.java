package porto.fake;

import static porto.ports.Errno.*;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import porto.ports.Cgroups;
import porto.ports.KernelException;

/**
 * One cgroup tree per controller, cgroup v1 style, each keyed by container path ("a/b").
 * Creating a cgroup creates missing parents on the way (mkdir -p) and keeps an existing one.
 * Removing needs it empty: no process in it or below and no child cgroup, else EBUSY; a missing
 * one is fine. Freezing is hierarchical: a process is frozen when the freezer cgroup it is in, or
 * any ancestor of it, is frozen; thawing a cgroup leaves a frozen child frozen (as freezer v1's
 * self_freezing and v2's cgroup.freeze do). Task directories look like "fake:memory:/porto/a/b".
 *
 * <p>{@link #setVersion} 2 makes it a unified hierarchy as {@code CgroupV2} sees one: one tree
 * holding every controller offered (each cgroup delegates them all, cgroup.subtree_control), one
 * task directory per task, no devices controller, and only what the offered controllers give.
 */
public final class FakeCgroups implements Cgroups {
    public static final Set<String> ALL_CONTROLLERS = Set.of("freezer", "memory", "cpu", "cpuacct", "pids", "cpuset", "blkio",
            "devices");
    static final String DIR_PREFIX = "fake:";
    static final String ROOT = "/porto";
    /** The controller part of a task directory of the unified hierarchy. */
    static final String UNIFIED = "unified";

    private final Object lock;
    private final FakeProcesses processes;
    private Set<String> available = ALL_CONTROLLERS;
    private Set<String> bound = Set.of();
    private int version = 1;
    /** What this fake kernel lacks, with the reason it gives: by default what mainline v1 lacks. */
    private final Map<Limit, String> unsupportedLimits = new EnumMap<>(Map.of(
            Limit.ANON_LIMIT, "fake kernel: no anon limit", Limit.ANON_ONLY, "fake kernel: no memory.anon.only",
            Limit.DIRTY_LIMIT, "fake kernel: no dirty limit",
            Limit.RECHARGE_ON_PGFAULT, "fake kernel: no recharge on page fault",
            Limit.OOM_GROUP, "fake kernel: no memory.oom.group", Limit.HUGETLB_LIMIT, "fake kernel: no hugetlb"));
    private final Map<Stat, String> unsupportedStats = new EnumMap<>(Map.of(
            Stat.HUGETLB_USAGE, "fake kernel: no hugetlb", Stat.MAX_RSS, "fake kernel: no max_rss"));
    /** disk name or mount point -> "major:minor" */
    private final Map<String, String> disks = new TreeMap<>(Map.of("sda", "8:0", "/", "8:0", "/place", "8:0"));
    /** controller -> path -> node. */
    private final Map<String, Map<String, Node>> hierarchies = new TreeMap<>();

    private static final class Node {
        boolean frozen;
        final Map<Limit, Long> limits = new EnumMap<>(Limit.class);
        final Map<Stat, Long> stats = new EnumMap<>(Stat.class);
        final Map<IoStat, Map<String, Long>> io = new EnumMap<>(IoStat.class);
        List<IoLimit> ioLimits = List.of();
        String cpus = "";
        String mems = "";
        /** Allowed devices; null: as created, a copy of the parent's. */
        List<DeviceRule> devices;
    }

    FakeCgroups(Object lock, FakeProcesses processes) {
        this.lock = lock;
        this.processes = processes;
    }

    // ---- the port ----

    @Override
    public Set<String> available() {
        synchronized (lock) {
            return available;
        }
    }

    @Override
    public void create(String path, Set<String> controllers) throws KernelException {
        synchronized (lock) {
            for (String ctl : controllers)
                if (!available.contains(ctl))
                    throw new KernelException(ENOENT, "No such file or directory: mkdir " + ctl + ":" + ROOT + "/" + path);
            for (String ctl : version == 2 ? available : controllers) {
                Map<String, Node> tree = hierarchies.computeIfAbsent(ctl, k -> new TreeMap<>());
                for (String p = path; p != null; p = parentOf(p))
                    tree.computeIfAbsent(p, k -> new Node());
            }
        }
    }

    @Override
    public void remove(String path) throws KernelException {
        synchronized (lock) {
            if (!pids(path).isEmpty())
                throw new KernelException(EBUSY, "Device or resource busy: rmdir " + ROOT + "/" + path + " (processes)");
            // As rmdir deepest first: the cgroups below go too, none of them holding a process.
            for (Map<String, Node> tree : hierarchies.values())
                tree.keySet().removeIf(p -> isWithin(p, path));
        }
    }

    @Override
    public Set<String> hierarchyOf(String controller) {
        synchronized (lock) {
            return version == 1 && bound.contains(controller) ? bound : Set.of(controller);
        }
    }

    @Override
    public List<String> taskDirectories(Map<String, String> cgroupByController) {
        List<String> dirs = new ArrayList<>();
        if (version == 2) {
            // One tree: the task goes to the deepest cgroup named, the container's own.
            String deepest = "";
            for (String p : cgroupByController.values())
                if (p.length() > deepest.length())
                    deepest = p;
            return List.of(DIR_PREFIX + UNIFIED + ":" + ROOT + "/" + deepest);
        }
        for (var e : new TreeMap<>(cgroupByController).entrySet())
            dirs.add(DIR_PREFIX + e.getKey() + ":" + ROOT + "/" + e.getValue());
        return dirs;
    }

    @Override
    public Optional<String> containerPathOf(int pid) {
        synchronized (lock) {
            return processes.get(pid).filter(FakeProcess::isRunning).map(FakeProcess::container);
        }
    }

    @Override
    public Map<String, String> paths(String path, Set<String> controllers) {
        Map<String, String> out = new TreeMap<>();
        for (String ctl : controllers)
            out.put(ctl, ROOT + (path.isEmpty() ? "" : "/" + path));
        return out;
    }

    @Override
    public void setFrozen(String path, boolean frozen) throws KernelException {
        synchronized (lock) {
            node("freezer", path).frozen = frozen;
            if (!frozen)
                processes.thawed();
        }
    }

    @Override
    public Set<Integer> pids(String path) {
        synchronized (lock) {
            Set<Integer> out = new TreeSet<>();
            for (FakeProcess p : processes.all()) {
                if (p.status != FakeProcess.Status.RUNNING)
                    continue;
                for (String member : p.cgroups.values())
                    if (isWithin(member, path))
                        out.add(p.pid);
            }
            return out;
        }
    }

    @Override
    public long threadCount(String path) {
        synchronized (lock) {
            long n = 0;
            for (int pid : pids(path))
                n += processes.get(pid).map(p -> p.program.threads()).orElse(0);
            return n;
        }
    }

    @Override
    public String unsupported(Limit limit) {
        synchronized (lock) {
            if (version == 2)
                return switch (limit) {
                    case ANON_LIMIT, ANON_ONLY, DIRTY_LIMIT, RECHARGE_ON_PGFAULT -> "fake kernel: cgroup v2 has no " + limit;
                    default -> offered(controllerOf(limit));
                };
            return unsupportedLimits.get(limit);
        }
    }

    @Override
    public String unsupported(Stat stat) {
        synchronized (lock) {
            if (version == 2)
                return switch (stat) {
                    case MAX_RSS -> "fake kernel: cgroup v2 keeps no peak of anonymous memory";
                    case CPU_USAGE_NS, CPU_SYSTEM_NS, CPU_WAIT_NS -> null;
                    default -> offered(controllerOf(stat));
                };
            return unsupportedStats.get(stat);
        }
    }

    @Override
    public void setLimit(String path, Limit limit, long value) throws KernelException {
        synchronized (lock) {
            if (value < 0)
                throw new KernelException(EINVAL, "Invalid argument: " + limit + "=" + value);
            if (unsupported(limit) != null)
                throw new KernelException(EOPNOTSUPP, "Operation not supported: " + unsupported(limit));
            node(controllerOf(limit), path).limits.put(limit, value);
        }
    }

    @Override
    public void allowDevices(String path, List<DeviceRule> rules) throws KernelException {
        synchronized (lock) {
            if (version == 2)
                throw new KernelException(EOPNOTSUPP, "fake kernel: device access control needs the devices cgroup of cgroup v1");
            Node n = node("devices", path);
            // As devices v1: a cgroup may never allow what its parent denies.
            List<DeviceRule> parent = parentOf(path) == null ? null : devices(parentOf(path));
            if (parent != null)
                for (DeviceRule r : rules)
                    if (!covers(parent, r))
                        throw new KernelException(EPERM, "Operation not permitted: devices.allow " + r + " in " + path);
            n.devices = List.copyOf(rules);
        }
    }

    private static boolean covers(List<DeviceRule> rules, DeviceRule r) {
        for (DeviceRule p : rules)
            if (p.type() == r.type() && p.major() == r.major() && (p.minor() < 0 || p.minor() == r.minor())
                    && r.access().chars().allMatch(ch -> p.access().indexOf(ch) >= 0))
                return true;
        return false;
    }

    @Override
    public void setCpus(String path, String cpus, String mems) throws KernelException {
        synchronized (lock) {
            if (!available.contains("cpuset"))
                throw new KernelException(EOPNOTSUPP, "Operation not supported: fake kernel: no cpuset controller");
            Node n = node("cpuset", path);
            n.cpus = cpus;
            n.mems = mems;
        }
    }

    @Override
    public String ioLimitsUnsupported() {
        synchronized (lock) {
            return available.contains("blkio") ? null : "fake kernel: no " + (version == 2 ? "io" : "blkio") + " controller";
        }
    }

    @Override
    public void setIoLimits(String path, List<IoLimit> limits) throws KernelException {
        synchronized (lock) {
            if (ioLimitsUnsupported() != null)
                throw new KernelException(EOPNOTSUPP, "Operation not supported: " + ioLimitsUnsupported());
            node("blkio", path).ioLimits = List.copyOf(limits);
        }
    }

    @Override
    public String resolveDisk(String diskOrPath) throws KernelException {
        synchronized (lock) {
            String key = diskOrPath.trim();
            if (key.matches("[0-9]+:[0-9]+") && disks.containsValue(key))
                return key;
            String found = disks.get(key);
            if (found == null)
                throw new KernelException(ENOENT, "disk not found: " + diskOrPath);
            return found;
        }
    }

    @Override
    public String diskName(String device) {
        synchronized (lock) {
            for (var e : disks.entrySet())
                if (e.getValue().equals(device) && !e.getKey().startsWith("/"))
                    return e.getKey();
            return device;
        }
    }

    @Override
    public long stat(String path, Stat stat) {
        synchronized (lock) {
            if (unsupported(stat) != null)
                return -1;
            Map<String, Node> tree = hierarchies.get(treeOf(controllerOf(stat)));
            Node n = tree == null ? null : tree.get(path);
            return n == null ? -1 : n.stats.getOrDefault(stat, 0L);
        }
    }

    @Override
    public Map<String, Long> ioStat(String path, IoStat stat) {
        synchronized (lock) {
            Map<String, Node> tree = hierarchies.get(treeOf("blkio"));
            Node n = tree == null ? null : tree.get(path);
            if (n == null)
                return Map.of();
            Map<String, Long> out = new TreeMap<>(n.io.getOrDefault(stat, Map.of()));
            out.put("hw", out.values().stream().mapToLong(Long::longValue).sum());
            return out;
        }
    }

    @Override
    public String readKnob(String path, String knob) {
        synchronized (lock) {
            int dot = knob.indexOf('.');
            if (dot <= 0)
                return null;
            String controller = knob.substring(0, dot);
            Map<String, Node> tree = hierarchies.get(treeOf(controller));
            Node n = tree == null ? null : tree.get(path);
            if (n == null || version == 2 && !controller.equals("cgroup") && !controllerOffered(controller))
                return null;
            return version == 2 ? knobV2(path, n, knob) : knobV1(path, n, knob);
        }
    }

    private String knobV1(String path, Node n, String knob) {
        return switch (knob) {
            case "freezer.state" -> isFrozen(path) ? "FROZEN\n" : "THAWED\n";
            case "memory.limit_in_bytes" -> n.limits.getOrDefault(Limit.MEMORY_LIMIT, 0L) + "\n";
            case "memory.low_limit_in_bytes" -> n.limits.getOrDefault(Limit.MEMORY_GUARANTEE, 0L) + "\n";
            case "memory.soft_limit_in_bytes" -> softLimitV1(n.limits.getOrDefault(Limit.MEMORY_SOFT_LIMIT, 0L));
            case "pids.max" -> unlimitedAsMax(n.limits.getOrDefault(Limit.THREAD_LIMIT, 0L));
            case "memory.usage_in_bytes" -> n.stats.getOrDefault(Stat.MEMORY_USAGE, 0L) + "\n";
            case "cpu.shares" -> n.limits.getOrDefault(Limit.CPU_SHARES, 1024L) + "\n";
            case "cpuset.cpus" -> n.cpus + "\n";
            case "blkio.throttle.read_bps_device" -> throttle(n, true, false);
            case "blkio.throttle.write_bps_device" -> throttle(n, false, false);
            case "blkio.throttle.read_iops_device" -> throttle(n, true, true);
            case "blkio.throttle.write_iops_device" -> throttle(n, false, true);
            default -> null;
        };
    }

    /** One "major:minor value" line per disk limited this way, as blkio.throttle.* lists them. */
    private static String throttle(Node n, boolean read, boolean ops) {
        StringBuilder out = new StringBuilder();
        for (IoLimit l : n.ioLimits)
            if (l.read() == read && l.ops() == ops && l.value() > 0)
                out.append(l.device()).append(' ').append(l.value()).append('\n');
        return out.toString();
    }

    /** One line per limited disk, as io.max lists it: every key, "max" where unlimited. */
    private static String ioMax(Node n) {
        Map<String, Map<String, String>> byDisk = new TreeMap<>();
        for (IoLimit l : n.ioLimits)
            if (l.value() > 0)
                byDisk.computeIfAbsent(l.device(), k -> new TreeMap<>()).put((l.read() ? "r" : "w") + (l.ops() ? "iops" : "bps"),
                        Long.toString(l.value()));
        StringBuilder out = new StringBuilder();
        for (var e : byDisk.entrySet()) {
            out.append(e.getKey());
            for (String key : List.of("rbps", "wbps", "riops", "wiops"))
                out.append(' ').append(key).append('=').append(e.getValue().getOrDefault(key, "max"));
            out.append('\n');
        }
        return out.toString();
    }

    private String knobV2(String path, Node n, String knob) {
        return switch (knob) {
            case "cgroup.subtree_control" -> String.join(" ", new TreeSet<>(delegated())) + "\n";
            case "cgroup.events" -> "populated " + (pids(path).isEmpty() ? 0 : 1) + "\nfrozen " + (isFrozen(path) ? 1 : 0) + "\n";
            case "cgroup.freeze" -> (n.frozen ? 1 : 0) + "\n";
            case "memory.max" -> unlimitedAsMax(n.limits.getOrDefault(Limit.MEMORY_LIMIT, 0L));
            case "memory.low" -> n.limits.getOrDefault(Limit.MEMORY_GUARANTEE, 0L) + "\n";
            case "memory.high" -> unlimitedAsMax(n.limits.getOrDefault(Limit.MEMORY_SOFT_LIMIT, 0L));
            case "memory.current" -> n.stats.getOrDefault(Stat.MEMORY_USAGE, 0L) + "\n";
            case "pids.max" -> unlimitedAsMax(n.limits.getOrDefault(Limit.THREAD_LIMIT, 0L));
            // The kernel's mapping of v1 shares onto v2 weights, as CgroupV2 writes it.
            case "cpu.weight" -> (1 + (Math.clamp(n.limits.getOrDefault(Limit.CPU_SHARES, 1024L), 2L, 262_144L) - 2) * 9999 / 262_142) + "\n";
            case "cpuset.cpus" -> n.cpus + "\n";
            case "io.max" -> ioMax(n);
            default -> null;
        };
    }

    /** What a v1 kernel shows for no soft limit: the largest page-aligned long. */
    static final long V1_UNLIMITED = 9223372036854771712L;

    private static String softLimitV1(long value) {
        return (value == 0 ? V1_UNLIMITED : value) + "\n";
    }

    private static String unlimitedAsMax(long value) {
        return (value == 0 ? "max" : Long.toString(value)) + "\n";
    }

    /** The real controllers of the unified tree: freezing and cpu time need none there. */
    private Set<String> delegated() {
        Set<String> out = new TreeSet<>(available);
        out.removeAll(Set.of("freezer", "cpuacct"));
        if (out.remove("blkio"))
            out.add("io");
        return out;
    }

    private boolean controllerOffered(String controller) {
        return delegated().contains(controller);
    }

    private String offered(String controller) {
        return available.contains(controller) ? null
                : "fake kernel: the " + controller + " controller is not enabled in the cgroup v2 root";
    }

    // ---- for tests ----

    /** 1: a hierarchy per controller (the default); 2: the unified hierarchy. Set it before any cgroup is made. */
    public void setVersion(int version) {
        if (version != 1 && version != 2)
            throw new IllegalArgumentException("cgroup version " + version);
        synchronized (lock) {
            this.version = version;
            available = withV2Basics(available);
        }
    }

    boolean isUnified() {
        return version == 2;
    }

    /** Offer only these controllers from now on (on v2, freezer and cpuacct too). */
    public void setAvailable(Set<String> controllers) {
        synchronized (lock) {
            available = withV2Basics(controllers);
        }
    }

    /** On v2 freezing and cpu time need no controller, so they are always there (as CgroupV2 offers them). */
    private Set<String> withV2Basics(Set<String> controllers) {
        if (version == 1)
            return Set.copyOf(controllers);
        Set<String> out = new TreeSet<>(controllers);
        out.addAll(Set.of("freezer", "cpuacct"));
        return Set.copyOf(out);
    }

    /** Controllers mounted as one hierarchy (cgroup v1 cpu,cpuacct). */
    public void setBound(Set<String> controllers) {
        synchronized (lock) {
            bound = Set.copyOf(controllers);
        }
    }

    /** Makes {@code limit} unsupported with {@code reason}, or supported again with null. */
    public void setUnsupported(Limit limit, String reason) {
        synchronized (lock) {
            if (reason == null)
                unsupportedLimits.remove(limit);
            else
                unsupportedLimits.put(limit, reason);
        }
    }

    /** Makes {@code stat} unsupported with {@code reason}, or supported again with null. */
    public void setUnsupported(Stat stat, String reason) {
        synchronized (lock) {
            if (reason == null)
                unsupportedStats.remove(stat);
            else
                unsupportedStats.put(stat, reason);
        }
    }

    /** A disk known by name (or a mount point on it) as {@code number}. */
    public void addDisk(String nameOrMountPoint, String number) {
        synchronized (lock) {
            disks.put(nameOrMountPoint, number);
        }
    }

    /** The cpus last written to the cpuset of {@code path}, or null when it has none. */
    public String cpus(String path) {
        synchronized (lock) {
            Node n = hierarchies.getOrDefault(treeOf("cpuset"), Map.of()).get(path);
            return n == null ? null : n.cpus;
        }
    }

    /** The disk limits last written for {@code path}. */
    public List<IoLimit> ioLimits(String path) {
        synchronized (lock) {
            Node n = hierarchies.getOrDefault(treeOf("blkio"), Map.of()).get(path);
            return n == null ? List.of() : n.ioLimits;
        }
    }

    /** Sets what {@link #ioStat} reports for an existing blkio cgroup. */
    public void setIoStat(String path, IoStat stat, Map<String, Long> byDisk) throws KernelException {
        synchronized (lock) {
            node("blkio", path).io.put(stat, Map.copyOf(byDisk));
        }
    }

    /** True when the cgroup of {@code path} exists in some hierarchy. */
    public boolean exists(String path) {
        synchronized (lock) {
            for (Map<String, Node> tree : hierarchies.values())
                if (tree.containsKey(path))
                    return true;
            return false;
        }
    }

    public boolean exists(String controller, String path) {
        synchronized (lock) {
            Map<String, Node> tree = hierarchies.get(controller);
            return tree != null && tree.containsKey(path);
        }
    }

    /** Every cgroup path in any hierarchy. */
    @Override
    public Set<String> containerPaths() {
        return allPaths();
    }

    public Set<String> allPaths() {
        synchronized (lock) {
            Set<String> out = new TreeSet<>();
            for (Map<String, Node> tree : hierarchies.values())
                out.addAll(tree.keySet());
            return out;
        }
    }

    /** Controllers whose hierarchy holds {@code path}. */
    public Set<String> controllersOf(String path) {
        synchronized (lock) {
            Set<String> out = new LinkedHashSet<>();
            hierarchies.forEach((ctl, tree) -> {
                if (tree.containsKey(path))
                    out.add(ctl);
            });
            return out;
        }
    }

    /** The devices a task in {@code path}'s devices cgroup may use: its own rules or its nearest ancestor's; null for all. */
    public List<DeviceRule> devices(String path) {
        synchronized (lock) {
            Map<String, Node> tree = hierarchies.getOrDefault("devices", Map.of());
            for (String p = path; p != null; p = parentOf(p)) {
                Node n = tree.get(p);
                if (n != null && n.devices != null)
                    return n.devices;
            }
            return null;
        }
    }

    /** Frozen itself or through an ancestor. */
    public boolean isFrozen(String path) {
        synchronized (lock) {
            Map<String, Node> tree = hierarchies.getOrDefault("freezer", Map.of());
            for (String p = path; p != null; p = parentOf(p)) {
                Node n = tree.get(p);
                if (n != null && n.frozen)
                    return true;
            }
            return false;
        }
    }

    /** Frozen by a write to its own freezer state, whatever its ancestors are. */
    public boolean isSelfFrozen(String path) {
        synchronized (lock) {
            Node n = hierarchies.getOrDefault("freezer", Map.of()).get(path);
            return n != null && n.frozen;
        }
    }

    /** The limit last written, if any. */
    public OptionalLong limit(String path, Limit limit) {
        synchronized (lock) {
            Map<String, Node> tree = hierarchies.get(treeOf(controllerOf(limit)));
            Node n = tree == null ? null : tree.get(path);
            Long v = n == null ? null : n.limits.get(limit);
            return v == null ? OptionalLong.empty() : OptionalLong.of(v);
        }
    }

    /** Sets what {@link #stat} reports for an existing cgroup (an OOM kill, memory use). */
    public void setStat(String path, Stat stat, long value) throws KernelException {
        synchronized (lock) {
            node(controllerOf(stat), path).stats.put(stat, value);
        }
    }

    // ---- inside the fake kernel, under the lock ----

    boolean isFrozen(FakeProcess p) {
        String path = p.cgroups.get("freezer");
        return path != null && isFrozen(path);
    }

    /**
     * Fails with EAGAIN as fork(2) does when {@code tasks} more in {@code path} would pass the
     * thread limit of it or of an ancestor (pids.max).
     */
    void checkFork(String path, int tasks) throws KernelException {
        if (path == null || !available.contains("pids"))
            return;
        Map<String, Node> tree = hierarchies.getOrDefault(treeOf("pids"), Map.of());
        for (String p = path; p != null; p = parentOf(p)) {
            Node n = tree.get(p);
            long limit = n == null ? 0 : n.limits.getOrDefault(Limit.THREAD_LIMIT, 0L);
            if (limit > 0 && threadCount(p) + tasks > limit)
                throw new KernelException(11, "Resource temporarily unavailable: fork in " + ROOT + "/" + p + " (pids.max " + limit + ")");
        }
    }

    /** Parses task directories into controller -> path; every one must exist. */
    Map<String, String> resolve(List<String> dirs) throws KernelException {
        Map<String, String> out = new TreeMap<>();
        Set<String> seen = new HashSet<>();
        for (String dir : dirs) {
            if (!dir.startsWith(DIR_PREFIX))
                throw new KernelException(ENOENT, "No such file or directory: " + dir);
            String rest = dir.substring(DIR_PREFIX.length());
            int colon = rest.indexOf(':');
            String ctl = colon < 0 ? "" : rest.substring(0, colon);
            String cg = colon < 0 ? "" : rest.substring(colon + 1);
            if (!cg.startsWith(ROOT + "/") || !seen.add(ctl))
                throw new KernelException(ENOENT, "No such file or directory: " + dir);
            String path = cg.substring(ROOT.length() + 1);
            if (ctl.equals(UNIFIED) && version == 2) {
                for (String c : controllersOf(path))
                    out.put(c, path);
                if (out.isEmpty())
                    throw new KernelException(ENOENT, "No such file or directory: " + dir);
                continue;
            }
            if (!exists(ctl, path))
                throw new KernelException(ENOENT, "No such file or directory: " + dir);
            out.put(ctl, path);
        }
        return out;
    }

    /** The tree that holds {@code controller}'s files: its own on v1, the one tree on v2. */
    private String treeOf(String controller) {
        return version == 2 ? "freezer" : controller;
    }

    private Node node(String controller, String path) throws KernelException {
        Map<String, Node> tree = hierarchies.get(treeOf(controller));
        Node n = tree == null ? null : tree.get(path);
        if (n == null)
            throw new KernelException(ENOENT, "No such file or directory: " + controller + ":" + ROOT + "/" + path);
        return n;
    }

    private static String controllerOf(Limit limit) {
        return switch (limit) {
            case MEMORY_LIMIT, MEMORY_GUARANTEE, ANON_LIMIT, ANON_ONLY, DIRTY_LIMIT, RECHARGE_ON_PGFAULT, OOM_GROUP, MEMORY_SOFT_LIMIT -> "memory";
            case CPU_LIMIT, CPU_PERIOD, CPU_SHARES -> "cpu";
            case THREAD_LIMIT -> "pids";
            case IO_WEIGHT -> "blkio";
            case HUGETLB_LIMIT -> "hugetlb";
        };
    }

    private static String controllerOf(Stat stat) {
        return switch (stat) {
            case MEMORY_USAGE, ANON_USAGE, CACHE_USAGE, MAX_RSS, MINOR_FAULTS, MAJOR_FAULTS, OOM_KILLS -> "memory";
            case HUGETLB_USAGE -> "hugetlb";
            case CPU_USAGE_NS, CPU_SYSTEM_NS, CPU_WAIT_NS -> "cpuacct";
        };
    }

    static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? null : path.substring(0, slash);
    }

    static boolean isWithin(String path, String ancestor) {
        return path.equals(ancestor) || path.startsWith(ancestor + "/");
    }
}

package porto.linux;

import static porto.ports.Errno.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import porto.ports.Cgroups;
import porto.ports.KernelException;

/**
 * Cgroup v1: one hierarchy per controller, each container at {@code <mount>/<root>/<name>}. The
 * freezer hierarchy, which every container has, is the one that lists a container's processes.
 * What this kernel offers is found by looking for the knob files in each hierarchy's root.
 */
public final class CgroupV1 implements Cgroups {
    private static final long CPU_PERIOD_US = 100_000;
    private final Map<String, Path> mounts;
    private final String root;
    private final Disks disks;

    public CgroupV1(Map<String, Path> mounts, String root) {
        this(mounts, root, Disks.host());
    }

    CgroupV1(Map<String, Path> mounts, String root, Disks disks) {
        this.mounts = Map.copyOf(mounts);
        this.root = root;
        this.disks = disks;
    }

    private Path dir(String controller, String path) {
        Path base = mounts.get(controller).resolve(root);
        return path.isEmpty() ? base : base.resolve(path);
    }

    private boolean hostHas(String controller, String knob) {
        Path mount = mounts.get(controller);
        return mount != null && Files.exists(mount.resolve(knob));
    }

    @Override
    public Set<String> available() {
        return mounts.keySet();
    }

    @Override
    public Set<String> hierarchyOf(String controller) {
        Path mount = mounts.get(controller);
        Set<String> out = new TreeSet<>();
        for (var e : mounts.entrySet())
            if (e.getValue().equals(mount))
                out.add(e.getKey());
        return out.isEmpty() ? Set.of(controller) : out;
    }

    @Override
    public boolean restrictsRealtime() {
        return hostHas("cpu", "cpu.rt_runtime_us");
    }

    @Override
    public void create(String path, Set<String> controllers) throws KernelException {
        for (String c : controllers) {
            // One level at a time: a new cpuset cgroup is empty and must be given its parent's cpus.
            Path d = mounts.get(c).resolve(root);
            mkdir(c, d);
            for (Path part : Path.of(path))
                mkdir(c, d = d.resolve(part));
        }
    }

    private static void mkdir(String controller, Path d) throws KernelException {
        if (Files.isDirectory(d))
            return;
        try {
            Files.createDirectory(d);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return;
        } catch (IOException e) {
            throw new KernelException(CgroupFiles.errno(e), "mkdir " + d + ": " + e.getMessage(), e);
        }
        switch (controller) {
            case "memory" -> {
                try {
                    // Child limits are bounded by the parent's only with use_hierarchy (the default on new kernels).
                    CgroupFiles.write(d.resolve("memory.use_hierarchy"), "1");
                } catch (KernelException e) {
                    // Already on, or fixed by the kernel: fine.
                }
            }
            case "cpuset" -> {
                for (String knob : List.of("cpuset.cpus", "cpuset.mems")) {
                    String parent = CgroupFiles.read(d.getParent().resolve(knob));
                    if (parent != null && !parent.isBlank())
                        CgroupFiles.write(d.resolve(knob), parent.trim());
                }
            }
            default -> { }
        }
    }

    @Override
    public void remove(String path) throws KernelException {
        KernelException first = null;
        for (Path mount : new LinkedHashSet<>(mounts.values())) {
            try {
                CgroupFiles.removeTree(mount.resolve(root).resolve(path));
            } catch (KernelException e) {
                if (first == null)
                    first = e;
            }
        }
        if (first != null)
            throw first;
    }

    @Override
    public List<String> taskDirectories(Map<String, String> cgroupByController) {
        Set<String> dirs = new LinkedHashSet<>();
        for (var e : new TreeMap<>(cgroupByController).entrySet())
            if (mounts.containsKey(e.getKey()))
                dirs.add(dir(e.getKey(), e.getValue()).toString());
        return new ArrayList<>(dirs);
    }

    @Override
    public void allowDevices(String path, List<DeviceRule> rules) throws KernelException {
        Path d = dir("devices", path);
        CgroupFiles.write(d.resolve("devices.deny"), "a");
        for (DeviceRule r : rules)
            CgroupFiles.write(d.resolve("devices.allow"),
                    r.type() + " " + r.major() + ":" + (r.minor() < 0 ? "*" : Integer.toString(r.minor())) + " " + r.access());
    }

    @Override
    public Optional<String> containerPathOf(int pid) {
        return Optional.ofNullable(CgroupFiles.cgroupBelow(pid, "freezer", root));
    }

    @Override
    public Map<String, String> paths(String path, Set<String> controllers) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String c : new TreeSet<>(controllers))
            out.put(c, "/" + root + (path.isEmpty() ? "" : "/" + path));
        return out;
    }

    @Override
    public void setFrozen(String path, boolean frozen) throws KernelException {
        Path state = dir("freezer", path).resolve("freezer.state");
        String want = frozen ? "FROZEN" : "THAWED";
        CgroupFiles.write(state, want);
        for (int i = 0; i < 2000; i++) {
            String now = CgroupFiles.read(state);
            if (now == null || now.trim().equals(want))
                return;
            if (frozen)
                CgroupFiles.write(state, want);
            sleepMillis(1);
        }
        throw new KernelException(16, "freezer of " + path + " stays " + CgroupFiles.read(state));
    }

    @Override
    public void attach(List<String> taskDirectories, int pid, boolean thread) throws KernelException {
        for (String dir : taskDirectories)
            CgroupFiles.write(Path.of(dir).resolve(thread ? "tasks" : "cgroup.procs"), Integer.toString(pid));
    }

    @Override
    public Set<Integer> pids(String path) {
        Set<Integer> pids = new HashSet<>();
        CgroupFiles.collectIds(dir("freezer", path), "cgroup.procs", pids);
        return pids;
    }

    @Override
    public long threadCount(String path) {
        Set<Integer> tids = new HashSet<>();
        CgroupFiles.collectIds(dir("freezer", path), "tasks", tids);
        return tids.size();
    }

    // ---- limits ----

    static final String HUGE_2MB = "hugetlb.2MB.";
    static final String HUGE_1GB = "hugetlb.1GB.";

    @Override
    public String unsupported(Limit limit) {
        return switch (limit) {
            case MEMORY_LIMIT -> missing("memory", "memory.limit_in_bytes");
            case MEMORY_SOFT_LIMIT -> missing("memory", "memory.soft_limit_in_bytes");
            case MEMORY_GUARANTEE -> hostHas("memory", "memory.low_limit_in_bytes") ? null
                    : "the cgroup v1 memory controller of this kernel cannot protect memory from reclaim"
                    + " (memory.low_limit_in_bytes is an offstream kernel feature; cgroup v2 has memory.low)";
            case ANON_LIMIT -> offstream("memory", "memory.anon.limit");
            case ANON_ONLY -> offstream("memory", "memory.anon.only");
            case DIRTY_LIMIT -> offstream("memory", "memory.dirty_limit_in_bytes");
            case RECHARGE_ON_PGFAULT -> offstream("memory", "memory.recharge_on_pgfault");
            case OOM_GROUP -> "cgroup v1 has no memory.oom.group";
            case CPU_LIMIT, CPU_PERIOD -> missing("cpu", "cpu.cfs_quota_us");
            case CPU_SHARES -> missing("cpu", "cpu.shares");
            case THREAD_LIMIT -> mounts.containsKey("pids") ? null : "the pids controller is not mounted";
            case IO_WEIGHT -> !mounts.containsKey("blkio") ? "the blkio controller is not mounted"
                    : hostHas("blkio", "blkio.weight") || hostHas("blkio", "blkio.bfq.io_service_bytes") ? null
                    : "blkio has neither the cfq nor the bfq weight on this kernel";
            case HUGETLB_LIMIT -> mounts.containsKey("hugetlb") ? missing("hugetlb", HUGE_2MB + "limit_in_bytes")
                    : "the hugetlb controller is not mounted in cgroup v1 (a hybrid host may have bound it to cgroup2)";
        };
    }

    private String missing(String controller, String knob) {
        if (!mounts.containsKey(controller))
            return "the " + controller + " controller is not mounted";
        return hostHas(controller, knob) ? null : "this kernel has no " + knob;
    }

    private String offstream(String controller, String knob) {
        return hostHas(controller, knob) ? null : "this kernel has no " + knob + " (an offstream kernel feature)";
    }

    @Override
    public void setLimit(String path, Limit limit, long value) throws KernelException {
        // A knob this kernel lacks would fail with ENOENT; say it is unsupported, and why.
        String why = unsupported(limit);
        if (why != null)
            throw new KernelException(EOPNOTSUPP, why);
        switch (limit) {
            case MEMORY_LIMIT -> write("memory", path, "memory.limit_in_bytes", value == 0 ? "-1" : Long.toString(value));
            case MEMORY_GUARANTEE -> write("memory", path, "memory.low_limit_in_bytes", Long.toString(value));
            case MEMORY_SOFT_LIMIT -> write("memory", path, "memory.soft_limit_in_bytes", value == 0 ? "-1" : Long.toString(value));
            case ANON_LIMIT -> write("memory", path, "memory.anon.limit", value == 0 ? "-1" : Long.toString(value));
            case ANON_ONLY -> write("memory", path, "memory.anon.only", value != 0 ? "1" : "0");
            case DIRTY_LIMIT -> write("memory", path, "memory.dirty_limit_in_bytes", Long.toString(value));
            case RECHARGE_ON_PGFAULT -> write("memory", path, "memory.recharge_on_pgfault", value != 0 ? "1" : "0");
            case OOM_GROUP -> throw new KernelException(EOPNOTSUPP, unsupported(limit));
            case CPU_PERIOD -> {
                // Keep quota/period constant meanwhile: v1 refuses a child whose ratio passes its parent's.
                Path d = dir("cpu", path);
                long period = CgroupFiles.readLong(d.resolve("cpu.cfs_period_us"));
                long quota = CgroupFiles.readLong(d.resolve("cpu.cfs_quota_us"));
                if (period <= 0 || period == value || quota <= 0) {
                    write("cpu", path, "cpu.cfs_period_us", Long.toString(value));
                } else {
                    String scaled = Long.toString(Math.max(1000, quota * value / period));
                    if (value < period)
                        write("cpu", path, "cpu.cfs_quota_us", scaled);
                    write("cpu", path, "cpu.cfs_period_us", Long.toString(value));
                    if (value > period)
                        write("cpu", path, "cpu.cfs_quota_us", scaled);
                }
            }
            case CPU_LIMIT -> {
                long period = CgroupFiles.readLong(dir("cpu", path).resolve("cpu.cfs_period_us"));
                if (period <= 0)
                    period = CPU_PERIOD_US;
                long quota = value == 0 ? -1 : Math.max(1000, value * period / 1_000_000);
                write("cpu", path, "cpu.cfs_quota_us", Long.toString(quota));
            }
            case CPU_SHARES -> write("cpu", path, "cpu.shares", Long.toString(Math.clamp(value, 2, 262_144)));
            case THREAD_LIMIT -> write("pids", path, "pids.max", value == 0 ? "max" : Long.toString(value));
            case HUGETLB_LIMIT -> {
                write("hugetlb", path, HUGE_2MB + "limit_in_bytes", value == 0 ? "-1" : Long.toString(value));
                if (hostHas("hugetlb", HUGE_1GB + "limit_in_bytes"))
                    write("hugetlb", path, HUGE_1GB + "limit_in_bytes", value == 0 ? "-1" : "0");
            }
            case IO_WEIGHT -> {
                // cfq counts 10..1000 around 500, bfq 1..1000 around 100; the value is relative to the default.
                Path d = dir("blkio", path);
                if (Files.exists(d.resolve("blkio.weight")))
                    CgroupFiles.write(d.resolve("blkio.weight"), Long.toString(Math.clamp(value * 500 / 1000, 10, 1000)));
                if (Files.exists(d.resolve("blkio.bfq.weight")))
                    CgroupFiles.write(d.resolve("blkio.bfq.weight"), Long.toString(Math.clamp(value * 100 / 1000, 1, 1000)));
            }
        }
    }

    private void write(String controller, String path, String knob, String value) throws KernelException {
        if (!mounts.containsKey(controller))
            throw new KernelException(EOPNOTSUPP, "the " + controller + " controller is not mounted");
        CgroupFiles.write(dir(controller, path).resolve(knob), value);
    }

    @Override
    public void setCpus(String path, String cpus, String mems) throws KernelException {
        Path d = dir("cpuset", path);
        String parentCpus = CgroupFiles.read(d.getParent().resolve("cpuset.cpus"));
        String parentMems = CgroupFiles.read(d.getParent().resolve("cpuset.mems"));
        // Memory nodes first: a cpuset needs both before it can hold tasks.
        CgroupFiles.write(d.resolve("cpuset.mems"), mems.isEmpty() && parentMems != null ? parentMems.trim() : mems);
        CgroupFiles.write(d.resolve("cpuset.cpus"), cpus.isEmpty() && parentCpus != null ? parentCpus.trim() : cpus);
    }

    private static final String[][] THROTTLE = {
        {"blkio.throttle.read_bps_device", "r", "bytes"}, {"blkio.throttle.write_bps_device", "w", "bytes"},
        {"blkio.throttle.read_iops_device", "r", "ops"}, {"blkio.throttle.write_iops_device", "w", "ops"},
    };

    @Override
    public String ioLimitsUnsupported() {
        if (!mounts.containsKey("blkio"))
            return "the blkio controller is not mounted";
        return hostHas("blkio", THROTTLE[0][0]) ? null : "this kernel has no blkio throttling";
    }

    @Override
    public void setIoLimits(String path, List<IoLimit> limits) throws KernelException {
        String why = ioLimitsUnsupported();
        if (why != null)
            throw new KernelException(EOPNOTSUPP, why);
        Path d = dir("blkio", path);
        for (String[] knob : THROTTLE) {
            boolean read = knob[1].equals("r");
            boolean ops = knob[2].equals("ops");
            Map<String, Long> plan = new TreeMap<>();
            String current = CgroupFiles.read(d.resolve(knob[0]));
            if (current != null)
                for (String line : current.split("\n"))
                    if (line.indexOf(' ') > 0)
                        plan.put(line.substring(0, line.indexOf(' ')), 0L);
            for (IoLimit l : limits)
                if (l.read() == read && l.ops() == ops)
                    plan.put(l.device(), l.value());
            for (var e : plan.entrySet())
                CgroupFiles.write(d.resolve(knob[0]), e.getKey() + " " + e.getValue());
        }
    }

    @Override
    public String resolveDisk(String diskOrPath) throws KernelException {
        return disks.resolve(diskOrPath);
    }

    @Override
    public String diskName(String device) {
        return disks.name(device);
    }

    // ---- statistics ----

    @Override
    public String unsupported(Stat stat) {
        return switch (stat) {
            case MEMORY_USAGE, ANON_USAGE, CACHE_USAGE, MINOR_FAULTS, MAJOR_FAULTS, OOM_KILLS ->
                    mounts.containsKey("memory") ? null : "the memory controller is not mounted";
            case HUGETLB_USAGE -> mounts.containsKey("hugetlb") ? null : "the hugetlb controller is not mounted in cgroup v1";
            case MAX_RSS -> CgroupFiles.keyed(mounts.getOrDefault("memory", Path.of("/")).resolve("memory.stat"), "total_max_rss") >= 0
                    ? null : "memory.stat of this kernel has no max_rss (an offstream kernel feature)";
            case CPU_USAGE_NS, CPU_SYSTEM_NS -> mounts.containsKey("cpuacct") ? null : "the cpuacct controller is not mounted";
            case CPU_WAIT_NS -> hostHas("cpuacct", "cpuacct.wait") ? null
                    : "cgroup v1 of this kernel does not count run-queue wait (cpuacct.wait is an offstream kernel feature)";
        };
    }

    @Override
    public long stat(String path, Stat stat) {
        return statAt(controller -> dir(controller, path), stat);
    }

    /** The root cgroup of each hierarchy counts the whole host. */
    @Override
    public long hostStat(Stat stat) {
        return statAt(mounts::get, stat);
    }

    private long statAt(java.util.function.Function<String, Path> at, Stat stat) {
        if (unsupported(stat) != null)
            return -1;
        return switch (stat) {
            case MEMORY_USAGE -> CgroupFiles.readLong(at.apply("memory").resolve("memory.usage_in_bytes"));
            case ANON_USAGE -> memoryStat(at.apply("memory"), "total_rss", "total_swap");
            case CACHE_USAGE -> memoryStat(at.apply("memory"), "total_cache");
            case MAX_RSS -> memoryStat(at.apply("memory"), "total_max_rss");
            case MAJOR_FAULTS -> memoryStat(at.apply("memory"), "total_pgmajfault");
            case MINOR_FAULTS -> {
                Map<String, Long> m = CgroupFiles.keyedAll(at.apply("memory").resolve("memory.stat"));
                yield m.containsKey("total_pgfault") ? m.get("total_pgfault") - m.getOrDefault("total_pgmajfault", 0L) : -1;
            }
            case HUGETLB_USAGE -> sumOf(at.apply("hugetlb"), "hugetlb.", ".usage_in_bytes");
            case CPU_USAGE_NS -> CgroupFiles.readLong(at.apply("cpuacct").resolve("cpuacct.usage"));
            case CPU_SYSTEM_NS -> {
                long sys = CgroupFiles.readLong(at.apply("cpuacct").resolve("cpuacct.usage_sys"));
                if (sys < 0) {
                    // Older kernels: only cpuacct.stat, in USER_HZ ticks of 10 ms.
                    long ticks = CgroupFiles.keyed(at.apply("cpuacct").resolve("cpuacct.stat"), "system");
                    sys = ticks < 0 ? -1 : ticks * 10_000_000;
                }
                yield sys;
            }
            case CPU_WAIT_NS -> CgroupFiles.readLong(at.apply("cpuacct").resolve("cpuacct.wait"));
            case OOM_KILLS -> CgroupFiles.keyed(at.apply("memory").resolve("memory.oom_control"), "oom_kill");
        };
    }

    private static long memoryStat(Path memory, String... keys) {
        Map<String, Long> m = CgroupFiles.keyedAll(memory.resolve("memory.stat"));
        if (!m.containsKey(keys[0]))
            return -1;
        long sum = 0;
        for (String k : keys)
            sum += m.getOrDefault(k, 0L);
        return sum;
    }

    static long sumOf(Path dir, String prefix, String suffix) {
        long sum = 0;
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (n.startsWith(prefix) && n.endsWith(suffix))
                    sum += Math.max(0, CgroupFiles.readLong(f));
            }
        } catch (IOException e) {
            return -1;
        }
        return sum;
    }

    @Override
    public Map<String, Long> ioStat(String path, IoStat stat) {
        return mounts.containsKey("blkio") ? ioStatAt(dir("blkio", path), stat) : Map.of();
    }

    @Override
    public Map<String, Long> hostIoStat(IoStat stat) {
        return mounts.containsKey("blkio") ? ioStatAt(mounts.get("blkio"), stat) : Map.of();
    }

    private Map<String, Long> ioStatAt(Path d, IoStat stat) {
        String base = stat == IoStat.OPS ? "blkio.throttle.io_serviced" : "blkio.throttle.io_service_bytes";
        // The throttler counts every device (also md and dm); its _recursive file includes children.
        String text = CgroupFiles.read(d.resolve(base + "_recursive"));
        if (text == null) {
            StringBuilder all = new StringBuilder();
            for (Path sub : CgroupFiles.treeDeepestFirst(d)) {
                String t = CgroupFiles.read(sub.resolve(base));
                if (t != null)
                    all.append(t).append('\n');
            }
            text = all.toString();
        }
        Map<String, Long> byNumber = new TreeMap<>();
        for (String line : text.split("\n")) {
            String[] w = line.trim().split(" ");
            if (w.length != 3)
                continue;
            boolean counts = switch (stat) {
                case READ_BYTES -> w[1].equals("Read");
                case WRITE_BYTES -> w[1].equals("Write");
                case OPS -> w[1].equals("Read") || w[1].equals("Write");
            };
            if (counts)
                byNumber.merge(w[0], Long.parseLong(w[2]), Long::sum);
        }
        return disks.byName(byNumber);
    }

    @Override
    public Set<String> containerPaths() {
        Set<String> out = new TreeSet<>();
        for (Path mount : mounts.values())
            out.addAll(CgroupFiles.relativeTree(mount.resolve(root), null));
        return out;
    }

    @Override
    public String readKnob(String path, String knob) {
        int dot = knob.indexOf('.');
        if (dot <= 0 || !mounts.containsKey(knob.substring(0, dot)) || knob.contains("/") || knob.contains(".."))
            return null;
        return CgroupFiles.read(dir(knob.substring(0, dot), path).resolve(knob));
    }

    static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

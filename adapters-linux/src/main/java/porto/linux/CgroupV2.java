package porto.linux;

import static porto.ports.Errno.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import porto.ports.Cgroups;
import porto.ports.KernelException;

/**
 * Cgroup v2: one tree, each container at {@code <mount>/<root>/<name>}. Processes live only in
 * leaves, so a container's own task sits in a "%task" leaf beside its children's cgroups. Every
 * controller the root offers is delegated all the way down (siblings share their parent's
 * cgroup.subtree_control, so it cannot differ per container); a container's controllers decide
 * only which limits are written. Freezing is cgroup.freeze and cpu time is cpu.stat: both work
 * without any controller. "freezer" and "cpuacct" are offered under their v1 names for that reason.
 */
public final class CgroupV2 implements Cgroups {
    // "%" cannot appear in a container name, so the leaf never collides with a child.
    static final String TASK_LEAF = "%task";
    private static final long CPU_PERIOD_US = 100_000;
    private final Path mount;
    private final String root;
    private final Set<String> controllers;
    private final Disks disks;

    public CgroupV2(Path mount, String root, Set<String> controllers) {
        this(mount, root, controllers, Disks.host());
    }

    CgroupV2(Path mount, String root, Set<String> controllers, Disks disks) {
        this.mount = mount;
        this.root = root;
        this.controllers = Set.copyOf(controllers);
        this.disks = disks;
    }

    private Path dir(String path) {
        Path base = mount.resolve(root);
        return path.isEmpty() ? base : base.resolve(path);
    }

    @Override
    public Set<String> available() {
        Set<String> out = new HashSet<>(controllers);
        out.add("freezer");
        out.add("cpuacct");
        // v2's io is v1's blkio: the domain knows controllers by their v1 names.
        if (out.remove("io"))
            out.add("blkio");
        return out;
    }

    @Override
    public void create(String path, Set<String> wanted) throws KernelException {
        Path d = dir(path);
        Path top = mount.resolve(root);
        List<Path> chain = new java.util.ArrayList<>();
        for (Path p = d; p.startsWith(top); p = p.getParent())
            chain.add(0, p);
        // Every container on the way gets its leaf: a parent made for its child may run a task later.
        for (Path p : chain) {
            if (p.equals(top))
                continue;
            try {
                Files.createDirectories(p.resolve(TASK_LEAF));
            } catch (IOException e) {
                throw new KernelException(CgroupFiles.errno(e), "mkdir " + p + ": " + e.getMessage(), e);
            }
        }
        StringBuilder enable = new StringBuilder();
        for (String c : new TreeSet<>(controllers))
            enable.append(enable.length() > 0 ? " " : "").append('+').append(c);
        if (enable.length() == 0)
            return;
        // From the hierarchy's root down: a controller reaches a cgroup only through every ancestor.
        enableOn(mount, enable.toString());
        for (Path p : chain)
            enableOn(p, enable.toString());
    }

    private static void enableOn(Path dir, String enable) {
        try {
            CgroupFiles.write(dir.resolve("cgroup.subtree_control"), enable);
        } catch (KernelException e) {
            // A cgroup holding processes cannot delegate; limits then apply to the leaf only.
        }
    }

    @Override
    public void remove(String path) throws KernelException {
        CgroupFiles.removeTree(dir(path));
    }

    @Override
    public List<String> taskDirectories(Map<String, String> cgroupByController) {
        // One tree: the task goes to the leaf of the deepest cgroup named (the container's own).
        String deepest = "";
        for (String p : cgroupByController.values())
            if (p.length() > deepest.length())
                deepest = p;
        return List.of(dir(deepest).resolve(TASK_LEAF).toString());
    }

    @Override
    public void allowDevices(String path, List<DeviceRule> rules) throws KernelException {
        // v2 filters devices with BPF programs, which this daemon does not load.
        throw new KernelException(95, "device access control needs the devices cgroup of cgroup v1");
    }

    @Override
    public Optional<String> containerPathOf(int pid) {
        String path = CgroupFiles.cgroupBelow(pid, "", root);
        if (path == null)
            return Optional.empty();
        // The task leaf is no container: "a/b/%task" is a process of "a/b".
        return Optional.of(path.replace("/" + TASK_LEAF, "").replace(TASK_LEAF, ""));
    }

    @Override
    public Map<String, String> paths(String path, Set<String> wanted) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String c : new TreeSet<>(wanted))
            out.put(c, "/" + root + (path.isEmpty() ? "" : "/" + path));
        return out;
    }

    @Override
    public void setFrozen(String path, boolean frozen) throws KernelException {
        Path d = dir(path);
        CgroupFiles.write(d.resolve("cgroup.freeze"), frozen ? "1" : "0");
        for (int i = 0; i < 2000; i++) {
            long state = CgroupFiles.keyed(d.resolve("cgroup.events"), "frozen");
            if (state < 0 || (state == 1) == frozen)
                return;
            CgroupV1.sleepMillis(1);
        }
        throw new KernelException(16, "cgroup " + path + " does not " + (frozen ? "freeze" : "thaw"));
    }

    @Override
    public void attach(List<String> taskDirectories, int pid, boolean thread) throws KernelException {
        for (String dir : taskDirectories)
            CgroupFiles.write(Path.of(dir).resolve(thread ? "cgroup.threads" : "cgroup.procs"), Integer.toString(pid));
    }

    @Override
    public Set<Integer> pids(String path) {
        Set<Integer> pids = new HashSet<>();
        CgroupFiles.collectIds(dir(path), "cgroup.procs", pids);
        return pids;
    }

    @Override
    public long threadCount(String path) {
        Set<Integer> tids = new HashSet<>();
        CgroupFiles.collectIds(dir(path), "cgroup.threads", tids);
        return tids.size();
    }

    // ---- limits ----

    private String need(String controller) {
        return controllers.contains(controller) ? null
                : "the " + controller + " controller is not enabled in the cgroup v2 root (" + mount + ")";
    }

    @Override
    public String unsupported(Limit limit) {
        return switch (limit) {
            case MEMORY_LIMIT, MEMORY_GUARANTEE, OOM_GROUP, MEMORY_SOFT_LIMIT -> need("memory");
            case ANON_LIMIT -> "cgroup v2 has no anonymous memory limit (memory.anon.limit is an offstream v1 feature)";
            case ANON_ONLY -> "cgroup v2 cannot keep the page cache out of a cgroup (memory.anon.only is an offstream v1 feature)";
            case DIRTY_LIMIT -> "cgroup v2 has no per-cgroup dirty memory limit (an offstream v1 feature)";
            case RECHARGE_ON_PGFAULT -> "cgroup v2 does not recharge page cache on fault (an offstream v1 feature)";
            case CPU_LIMIT, CPU_PERIOD, CPU_SHARES -> need("cpu");
            case THREAD_LIMIT -> need("pids");
            case IO_WEIGHT -> need("io");
            case HUGETLB_LIMIT -> need("hugetlb");
        };
    }

    @Override
    public void setLimit(String path, Limit limit, long value) throws KernelException {
        String why = unsupported(limit);
        if (why != null)
            throw new KernelException(EOPNOTSUPP, why);
        Path d = dir(path);
        switch (limit) {
            case MEMORY_LIMIT -> CgroupFiles.write(d.resolve("memory.max"), value == 0 ? "max" : Long.toString(value));
            case MEMORY_GUARANTEE -> CgroupFiles.write(d.resolve("memory.low"), Long.toString(value));
            // v2 has no soft limit: memory.high is the limit the kernel reclaims the cgroup back to.
            case MEMORY_SOFT_LIMIT -> CgroupFiles.write(d.resolve("memory.high"), value == 0 ? "max" : Long.toString(value));
            case OOM_GROUP -> CgroupFiles.write(d.resolve("memory.oom.group"), value != 0 ? "1" : "0");
            case CPU_PERIOD -> {
                String[] max = cpuMax(d);
                CgroupFiles.write(d.resolve("cpu.max"), max[0] + " " + value);
            }
            case CPU_LIMIT -> {
                long period = Long.parseLong(cpuMax(d)[1]);
                String quota = value == 0 ? "max" : Long.toString(Math.max(1000, value * period / 1_000_000));
                CgroupFiles.write(d.resolve("cpu.max"), quota + " " + period);
            }
            // The kernel's own mapping of v1 shares (2..262144) onto v2 weights (1..10000).
            case CPU_SHARES -> CgroupFiles.write(d.resolve("cpu.weight"),
                    Long.toString(1 + (Math.clamp(value, 2L, 262_144L) - 2) * 9999 / 262_142));
            case THREAD_LIMIT -> CgroupFiles.write(d.resolve("pids.max"), value == 0 ? "max" : Long.toString(value));
            case HUGETLB_LIMIT -> {
                CgroupFiles.write(d.resolve(CgroupV1.HUGE_2MB + "max"), value == 0 ? "max" : Long.toString(value));
                if (Files.exists(d.resolve(CgroupV1.HUGE_1GB + "max")))
                    CgroupFiles.write(d.resolve(CgroupV1.HUGE_1GB + "max"), value == 0 ? "max" : "0");
            }
            case IO_WEIGHT -> {
                if (Files.exists(d.resolve("io.weight")))
                    CgroupFiles.write(d.resolve("io.weight"), "default " + Math.clamp(value * 100 / 1000, 1, 10_000));
                if (Files.exists(d.resolve("io.bfq.weight")))
                    CgroupFiles.write(d.resolve("io.bfq.weight"), Long.toString(Math.clamp(value * 100 / 1000, 1, 1000)));
            }
            default -> throw new KernelException(EOPNOTSUPP, unsupported(limit));
        }
    }

    /** cpu.max as {quota, period}; the defaults when it cannot be read. */
    private static String[] cpuMax(Path d) {
        String text = CgroupFiles.read(d.resolve("cpu.max"));
        String[] w = text == null ? new String[0] : text.trim().split(" ");
        return w.length == 2 ? w : new String[] {"max", Long.toString(CPU_PERIOD_US)};
    }

    @Override
    public void setCpus(String path, String cpus, String mems) throws KernelException {
        String why = need("cpuset");
        if (why != null)
            throw new KernelException(EOPNOTSUPP, why);
        Path d = dir(path);
        CgroupFiles.write(d.resolve("cpuset.mems"), mems);
        CgroupFiles.write(d.resolve("cpuset.cpus"), cpus);
    }

    @Override
    public String ioLimitsUnsupported() {
        return need("io");
    }

    @Override
    public void setIoLimits(String path, List<IoLimit> limits) throws KernelException {
        String why = ioLimitsUnsupported();
        if (why != null)
            throw new KernelException(EOPNOTSUPP, why);
        Path d = dir(path);
        Map<String, Map<String, String>> plan = new TreeMap<>();
        String current = CgroupFiles.read(d.resolve("io.max"));
        if (current != null)
            for (String line : current.split("\n"))
                if (line.indexOf(' ') > 0)
                    plan.put(line.substring(0, line.indexOf(' ')), new TreeMap<>());
        for (IoLimit l : limits)
            plan.computeIfAbsent(l.device(), k -> new TreeMap<>())
                    .put((l.read() ? "r" : "w") + (l.ops() ? "iops" : "bps"), l.value() == 0 ? "max" : Long.toString(l.value()));
        for (var e : plan.entrySet()) {
            StringBuilder line = new StringBuilder(e.getKey());
            for (String key : List.of("rbps", "wbps", "riops", "wiops"))
                line.append(' ').append(key).append('=').append(e.getValue().getOrDefault(key, "max"));
            CgroupFiles.write(d.resolve("io.max"), line.toString());
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
            case MEMORY_USAGE, ANON_USAGE, CACHE_USAGE, MINOR_FAULTS, MAJOR_FAULTS, OOM_KILLS -> need("memory");
            case HUGETLB_USAGE -> need("hugetlb");
            case MAX_RSS -> "cgroup v2 keeps no peak of anonymous memory (memory.peak counts the page cache too)";
            case CPU_USAGE_NS, CPU_SYSTEM_NS -> null;
            case CPU_WAIT_NS -> Files.exists(mount.resolve("cpu.pressure")) ? null
                    : "this kernel has no pressure stall information (cpu.pressure)";
        };
    }

    @Override
    public long stat(String path, Stat stat) {
        return statAt(dir(path), stat);
    }

    /** The root cgroup: what it has files for (cpu.stat, memory.stat, pressure) counts the whole host. */
    @Override
    public long hostStat(Stat stat) {
        return statAt(mount, stat);
    }

    private long statAt(Path d, Stat stat) {
        if (unsupported(stat) != null)
            return -1;
        return switch (stat) {
            case MEMORY_USAGE -> CgroupFiles.readLong(d.resolve("memory.current"));
            case ANON_USAGE -> CgroupFiles.keyed(d.resolve("memory.stat"), "anon");
            case CACHE_USAGE -> CgroupFiles.keyed(d.resolve("memory.stat"), "file");
            case MINOR_FAULTS -> {
                Map<String, Long> m = CgroupFiles.keyedAll(d.resolve("memory.stat"));
                yield m.containsKey("pgfault") ? m.get("pgfault") - m.getOrDefault("pgmajfault", 0L) : -1;
            }
            case MAJOR_FAULTS -> CgroupFiles.keyed(d.resolve("memory.stat"), "pgmajfault");
            case HUGETLB_USAGE -> CgroupV1.sumOf(d, "hugetlb.", ".current");
            case MAX_RSS -> -1;
            case CPU_USAGE_NS -> micros(CgroupFiles.keyed(d.resolve("cpu.stat"), "usage_usec"));
            case CPU_SYSTEM_NS -> micros(CgroupFiles.keyed(d.resolve("cpu.stat"), "system_usec"));
            case CPU_WAIT_NS -> micros(pressureTotal(d.resolve("cpu.pressure")));
            case OOM_KILLS -> CgroupFiles.keyed(d.resolve("memory.events"), "oom_kill");
        };
    }

    /** Stall time in microseconds: "total=" of the "some" line, when some task waited for a cpu. */
    static long pressureTotal(Path file) {
        String text = CgroupFiles.read(file);
        if (text == null)
            return -1;
        for (String line : text.split("\n")) {
            if (!line.startsWith("some "))
                continue;
            for (String word : line.split(" "))
                if (word.startsWith("total="))
                    return Long.parseLong(word.substring("total=".length()));
        }
        return -1;
    }

    private static long micros(long usec) {
        return usec < 0 ? -1 : usec * 1000;
    }

    @Override
    public Set<String> containerPaths() {
        Set<String> out = new TreeSet<>();
        for (String p : CgroupFiles.relativeTree(mount.resolve(root), TASK_LEAF))
            if (!p.endsWith("/" + TASK_LEAF))
                out.add(p);
        return out;
    }

    @Override
    public Map<String, Long> ioStat(String path, IoStat stat) {
        String text = CgroupFiles.read(dir(path).resolve("io.stat"));
        if (text == null)
            return Map.of();
        Map<String, Long> byNumber = new TreeMap<>();
        for (String line : text.split("\n")) {
            String[] words = line.trim().split(" ");
            if (words.length < 2)
                continue;
            long sum = 0;
            for (int i = 1; i < words.length; i++) {
                int eq = words[i].indexOf('=');
                if (eq < 0)
                    continue;
                String key = words[i].substring(0, eq);
                boolean counts = switch (stat) {
                    case READ_BYTES -> key.equals("rbytes");
                    case WRITE_BYTES -> key.equals("wbytes");
                    case OPS -> key.equals("rios") || key.equals("wios");
                };
                if (counts)
                    sum += Long.parseLong(words[i].substring(eq + 1));
            }
            byNumber.merge(words[0], sum, Long::sum);
        }
        return disks.byName(byNumber);
    }

    @Override
    public String readKnob(String path, String knob) {
        int dot = knob.indexOf('.');
        if (dot <= 0 || knob.contains("/") || knob.contains(".."))
            return null;
        // Every file of a v2 cgroup is a knob; those of controllers not enabled are simply absent.
        return CgroupFiles.read(dir(path).resolve(knob));
    }
}

package porto.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import porto.ports.Cgroups;
import porto.ports.KernelException;

/**
 * Cgroup v1: one hierarchy per controller, each container at {@code <mount>/<root>/<name>}. The
 * freezer hierarchy, which every container has, is the one that lists a container's processes.
 */
public final class CgroupV1 implements Cgroups {
    private static final long CPU_PERIOD_US = 100_000;
    private final Map<String, Path> mounts;
    private final String root;

    public CgroupV1(Map<String, Path> mounts, String root) {
        this.mounts = Map.copyOf(mounts);
        this.root = root;
    }

    private Path dir(String controller, String path) {
        return mounts.get(controller).resolve(root).resolve(path);
    }

    @Override
    public Set<String> available() {
        return mounts.keySet();
    }

    @Override
    public void create(String path, Set<String> controllers) throws KernelException {
        for (String c : controllers) {
            Path d = dir(c, path);
            try {
                Files.createDirectories(d);
            } catch (IOException e) {
                throw new KernelException(CgroupFiles.errno(e), "mkdir " + d + ": " + e.getMessage(), e);
            }
            if (c.equals("memory"))
                enableHierarchy(d);
        }
    }

    private static void enableHierarchy(Path memoryDir) {
        try {
            // Child limits are bounded by the parent's only with use_hierarchy (the default on new kernels).
            CgroupFiles.write(memoryDir.resolve("memory.use_hierarchy"), "1");
        } catch (KernelException e) {
            // Already on, or fixed by the kernel: fine.
        }
    }

    @Override
    public void remove(String path) throws KernelException {
        KernelException first = null;
        for (String c : mounts.keySet()) {
            try {
                CgroupFiles.removeTree(dir(c, path));
            } catch (KernelException e) {
                if (first == null)
                    first = e;
            }
        }
        if (first != null)
            throw first;
    }

    @Override
    public List<String> taskDirectories(String path, Set<String> controllers) {
        List<String> dirs = new ArrayList<>();
        for (String c : new TreeSet<>(controllers))
            dirs.add(dir(c, path).toString());
        return dirs;
    }

    @Override
    public Map<String, String> paths(String path, Set<String> controllers) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String c : new TreeSet<>(controllers))
            out.put(c, "/" + root + "/" + path);
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
            Thread.onSpinWait();
            sleepMillis(1);
        }
        throw new KernelException(16, "freezer of " + path + " stays " + CgroupFiles.read(state));
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

    @Override
    public void setLimit(String path, Limit limit, long value) throws KernelException {
        switch (limit) {
            case MEMORY_LIMIT -> CgroupFiles.write(dir("memory", path).resolve("memory.limit_in_bytes"), value == 0 ? "-1" : Long.toString(value));
            case CPU_PERIOD -> CgroupFiles.write(dir("cpu", path).resolve("cpu.cfs_period_us"), Long.toString(value));
            case CPU_LIMIT -> {
                Path d = dir("cpu", path);
                long period = CgroupFiles.readLong(d.resolve("cpu.cfs_period_us"));
                if (period <= 0)
                    period = CPU_PERIOD_US;
                long quota = value == 0 ? -1 : Math.max(1000, value * period / 1_000_000);
                CgroupFiles.write(d.resolve("cpu.cfs_quota_us"), Long.toString(quota));
            }
            case THREAD_LIMIT -> CgroupFiles.write(dir("pids", path).resolve("pids.max"), value == 0 ? "max" : Long.toString(value));
        }
    }

    @Override
    public long stat(String path, Stat stat) {
        return switch (stat) {
            case MEMORY_USAGE -> CgroupFiles.readLong(dir("memory", path).resolve("memory.usage_in_bytes"));
            case CPU_USAGE_NS -> mounts.containsKey("cpuacct") ? CgroupFiles.readLong(dir("cpuacct", path).resolve("cpuacct.usage")) : -1;
            case CPU_SYSTEM_NS -> {
                if (!mounts.containsKey("cpuacct"))
                    yield -1;
                long sys = CgroupFiles.readLong(dir("cpuacct", path).resolve("cpuacct.usage_sys"));
                yield sys;
            }
            case OOM_KILLS -> CgroupFiles.keyed(dir("memory", path).resolve("memory.oom_control"), "oom_kill");
        };
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
        if (dot <= 0 || !mounts.containsKey(knob.substring(0, dot)) || knob.contains("/"))
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

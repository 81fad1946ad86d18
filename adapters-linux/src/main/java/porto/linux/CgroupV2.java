package porto.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import porto.ports.Cgroups;
import porto.ports.KernelException;

/**
 * Cgroup v2: one tree, each container at {@code <mount>/<root>/<name>}. Processes live only in
 * leaves, so a container's own task sits in a "task" leaf beside its children's cgroups.
 * Freezing is cgroup.freeze, which needs no controller.
 */
public final class CgroupV2 implements Cgroups {
    // "%" cannot appear in a container name, so the leaf never collides with a child.
    static final String TASK_LEAF = "%task";
    private static final long CPU_PERIOD_US = 100_000;
    private final Path mount;
    private final String root;
    private final Set<String> controllers;

    public CgroupV2(Path mount, String root, Set<String> controllers) {
        this.mount = mount;
        this.root = root;
        this.controllers = Set.copyOf(controllers);
    }

    private Path dir(String path) {
        return mount.resolve(root).resolve(path);
    }

    @Override
    public Set<String> available() {
        Set<String> out = new HashSet<>(controllers);
        out.add("freezer");
        if (controllers.contains("cpu"))
            out.add("cpuacct");
        return out;
    }

    @Override
    public void create(String path, Set<String> wanted) throws KernelException {
        Path d = dir(path);
        try {
            Files.createDirectories(d.resolve(TASK_LEAF));
        } catch (IOException e) {
            throw new KernelException(CgroupFiles.errno(e), "mkdir " + d + ": " + e.getMessage(), e);
        }
        // Delegate controllers from the porto root down to this container.
        StringBuilder enable = new StringBuilder();
        for (String c : controllers)
            enable.append(enable.length() > 0 ? " " : "").append('+').append(c);
        if (enable.length() == 0)
            return;
        for (Path p = d; p.startsWith(mount.resolve(root)); p = p.getParent()) {
            enableOn(p.getParent(), enable.toString());
            if (p.equals(mount.resolve(root)))
                break;
        }
        enableOn(d, enable.toString());
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
    public List<String> taskDirectories(String path, Set<String> wanted) {
        return List.of(dir(path).resolve(TASK_LEAF).toString());
    }

    @Override
    public Map<String, String> paths(String path, Set<String> wanted) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String c : new TreeSet<>(wanted))
            out.put(c, "/" + root + "/" + path);
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

    @Override
    public void setLimit(String path, Limit limit, long value) throws KernelException {
        Path d = dir(path);
        switch (limit) {
            case MEMORY_LIMIT -> CgroupFiles.write(d.resolve("memory.max"), value == 0 ? "max" : Long.toString(value));
            case CPU_PERIOD -> { }
            case CPU_LIMIT -> CgroupFiles.write(d.resolve("cpu.max"),
                    (value == 0 ? "max" : Long.toString(Math.max(1000, value * CPU_PERIOD_US / 1_000_000))) + " " + CPU_PERIOD_US);
            case THREAD_LIMIT -> CgroupFiles.write(d.resolve("pids.max"), value == 0 ? "max" : Long.toString(value));
        }
    }

    @Override
    public long stat(String path, Stat stat) {
        Path d = dir(path);
        return switch (stat) {
            case MEMORY_USAGE -> CgroupFiles.readLong(d.resolve("memory.current"));
            case CPU_USAGE_NS -> scale(CgroupFiles.keyed(d.resolve("cpu.stat"), "usage_usec"));
            case CPU_SYSTEM_NS -> scale(CgroupFiles.keyed(d.resolve("cpu.stat"), "system_usec"));
            case OOM_KILLS -> CgroupFiles.keyed(d.resolve("memory.events"), "oom_kill");
        };
    }

    private static long scale(long usec) {
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
    public String readKnob(String path, String knob) {
        if (knob.contains("/") || knob.indexOf('.') <= 0)
            return null;
        return CgroupFiles.read(dir(path).resolve(knob));
    }
}

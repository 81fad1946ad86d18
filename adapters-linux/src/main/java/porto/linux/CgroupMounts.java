package porto.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Where the host mounts its cgroup hierarchies, read from /proc/self/mountinfo: one directory per
 * v1 controller, and the cgroup2 mount if there is one.
 */
public record CgroupMounts(Map<String, Path> v1, Path unified) {
    static final Set<String> CONTROLLERS = Set.of("freezer", "memory", "cpu", "cpuacct", "pids", "cpuset", "devices", "blkio",
            "net_cls", "perf_event", "hugetlb");
    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");
    private static final long MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8;

    public static CgroupMounts detect() {
        Map<String, Path> v1 = new LinkedHashMap<>();
        Path unified = null;
        for (MountTable.Entry m : MountTable.read()) {
            Path mountPoint = Path.of(m.mountPoint());
            if (m.type().equals("cgroup2")) {
                if (unified == null)
                    unified = mountPoint;
            } else if (m.type().equals("cgroup")) {
                for (String opt : m.superOptions().split(","))
                    if (CONTROLLERS.contains(opt))
                        v1.putIfAbsent(opt, mountPoint);
            }
        }
        return new CgroupMounts(v1, unified);
    }

    /**
     * As upstream does at start: mounts each controller porto uses that the kernel has but no
     * hierarchy of this mount namespace holds, at /sys/fs/cgroup/NAME. A controller in a v1
     * hierarchy already, or bound to cgroup2 (listed in its root's cgroup.controllers), is left
     * alone, and so is every existing mount.
     * Returns the mounts as they are afterwards.
     */
    public CgroupMounts mountMissing(Consumer<String> log) {
        if (!useV1())
            return this;
        Set<String> onV2 = unifiedControllers();
        Set<String> mountPoints = mountPoints();
        boolean mounted = false;
        for (String name : kernelControllers()) {
            // Its hierarchy may exist in another mount namespace: mounting here attaches to it.
            if (!CONTROLLERS.contains(name) || v1.containsKey(name))
                continue;
            if (onV2.contains(name)) {
                log.accept("cgroup controller " + name + " is bound to cgroup2 at " + unified + ": not mounting it in v1");
                continue;
            }
            Path target = CGROUP_ROOT.resolve(name);
            if (mountPoints.contains(target.toString())) {
                log.accept("cgroup controller " + name + ": " + target + " is another mount already; leaving it");
                continue;
            }
            boolean created = !Files.exists(target);
            try {
                Files.createDirectories(target);
            } catch (IOException e) {
                log.accept("cannot create " + target + " for cgroup controller " + name + ": " + e.getMessage());
                continue;
            }
            int rc = Native.mount("cgroup", target.toString(), "cgroup", MS_NOSUID | MS_NODEV | MS_NOEXEC, name);
            if (rc != 0) {
                log.accept("cannot mount cgroup controller " + name + " at " + target + ": errno " + -rc);
                try {
                    if (created)
                        Files.deleteIfExists(target);
                } catch (IOException e) {
                    // an empty directory left on a tmpfs: harmless
                }
                continue;
            }
            log.accept("mounted cgroup controller " + name + " at " + target);
            mounted = true;
        }
        return mounted ? detect() : this;
    }

    /** The controllers this kernel has enabled, from /proc/cgroups. */
    static Set<String> kernelControllers() {
        Set<String> out = new java.util.TreeSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cgroups"))) {
                String[] w = line.trim().split("\\s+");
                if (line.startsWith("#") || w.length < 4 || !w[3].equals("1"))
                    continue;
                out.add(w[0]);
            }
        } catch (IOException e) {
            // no /proc/cgroups: nothing to mount
        }
        return out;
    }

    private static Set<String> mountPoints() {
        Set<String> out = new java.util.HashSet<>();
        for (MountTable.Entry m : MountTable.read())
            out.add(m.mountPoint());
        return out;
    }

    /** The controllers enabled in the cgroup2 root, empty when v1 holds them all. */
    public Set<String> unifiedControllers() {
        if (unified == null)
            return Set.of();
        try {
            String text = Files.readString(unified.resolve("cgroup.controllers")).trim();
            return text.isEmpty() ? Set.of() : Set.of(text.split(" "));
        } catch (IOException e) {
            return Set.of();
        }
    }

    /** Cgroup v1 is used when it mounts the freezer; otherwise the unified hierarchy. */
    public boolean useV1() {
        return v1.containsKey("freezer");
    }
}

package porto.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Where the host mounts its cgroup hierarchies, read from /proc/self/mountinfo: one directory per
 * v1 controller, and the cgroup2 mount if there is one.
 */
public record CgroupMounts(Map<String, Path> v1, Path unified) {
    static final Set<String> CONTROLLERS = Set.of("freezer", "memory", "cpu", "cpuacct", "pids", "cpuset", "devices", "blkio");

    public static CgroupMounts detect() {
        Map<String, Path> v1 = new LinkedHashMap<>();
        Path unified = null;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                int dash = line.indexOf(" - ");
                if (dash < 0)
                    continue;
                String[] left = line.substring(0, dash).split(" ");
                String[] right = line.substring(dash + 3).split(" ");
                Path mountPoint = Path.of(unescape(left[4]));
                if (right[0].equals("cgroup2")) {
                    if (unified == null)
                        unified = mountPoint;
                } else if (right[0].equals("cgroup") && right.length >= 3) {
                    for (String opt : right[2].split(","))
                        if (CONTROLLERS.contains(opt))
                            v1.putIfAbsent(opt, mountPoint);
                }
            }
        } catch (IOException e) {
            // No /proc: no cgroups.
        }
        return new CgroupMounts(v1, unified);
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

    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
}

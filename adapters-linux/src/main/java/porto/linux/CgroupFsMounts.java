package porto.linux;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The cgroup hierarchies a container with cgroupfs sees at /sys/fs/cgroup: those of the host that
 * its task joins, each mounted afresh (the same type and controllers) under the name of the host's
 * mount point. A hierarchy the task did not join would show the daemon's own cgroup as its root,
 * so it is left out.
 */
public final class CgroupFsMounts {
    /** One hierarchy: mounted at /sys/fs/cgroup/{@code name} with {@code type} and {@code options}. */
    public record Mount(String name, String type, String options, Path hostMountPoint) {
        /** net_cls or net_prio: upstream keeps them read-only in a writable cgroupfs unless configured. */
        public boolean isNetwork() {
            return java.util.Arrays.asList(options.split(",")).stream().anyMatch(o -> o.equals("net_cls") || o.equals("net_prio"));
        }
    }

    static final CgroupFsMounts NONE = new CgroupFsMounts(List::of);

    private final Supplier<List<Mount>> hierarchies;

    public CgroupFsMounts(Supplier<List<Mount>> hierarchies) {
        this.hierarchies = hierarchies;
    }

    /** The host's cgroup mounts, read from /proc/self/mountinfo each time (the daemon may mount more). */
    public static CgroupFsMounts ofHost() {
        return new CgroupFsMounts(CgroupFsMounts::readHost);
    }

    /** The hierarchies that hold one of {@code cgroupDirectories} (absolute host paths). */
    public List<Mount> joinedBy(List<String> cgroupDirectories) {
        List<Mount> out = new ArrayList<>();
        for (Mount m : hierarchies.get())
            for (String dir : cgroupDirectories)
                if (Path.of(dir).startsWith(m.hostMountPoint()) && !out.contains(m)) {
                    out.add(m);
                    break;
                }
        return out;
    }

    private static List<Mount> readHost() {
        List<Mount> out = new ArrayList<>();
        Set<String> controllers = CgroupMounts.kernelControllers();
        for (MountTable.Entry m : MountTable.read()) {
            Path point = Path.of(m.mountPoint());
            if (point.getFileName() == null)
                continue;
            if (m.type().equals("cgroup2")) {
                out.add(new Mount(point.getFileName().toString(), "cgroup2", "", point));
            } else if (m.type().equals("cgroup")) {
                List<String> options = new ArrayList<>(); // the hierarchy's identity: controllers and name
                for (String o : m.superOptions().split(","))
                    if (controllers.contains(o) || o.startsWith("name="))
                        options.add(o);
                out.add(new Mount(point.getFileName().toString(), "cgroup", String.join(",", options), point));
            }
        }
        return out;
    }
}

package porto.domain;

import static porto.domain.Property.ANY_STATE;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import porto.ports.Cgroups;
import porto.ports.Cgroups.Limit;

/** The manual's "Disk IO" section: bandwidth and operation limits, policy, weight and statistics. */
final class IoProperties {
    private IoProperties() {}

    private static final Set<String> POLICIES = Set.of("none", "normal", "high", "rt", "batch", "idle");

    static void register(Properties p) {
        p.add(Property.settable("io_limit", "IO bandwidth limit: <disk>|<path> [r|w]: <bytes/s>;...", ANY_STATE,
                (s, c) -> "", (s, c, who, v) -> IoLimits.canonical(s, c, v, false), true));
        p.add(Property.settable("io_ops_limit", "IOPS limit: <disk>|<path> [r|w]: <iops>;...", ANY_STATE,
                (s, c) -> "", (s, c, who, v) -> IoLimits.canonical(s, c, v, true), true));
        p.add(Property.settable("io_policy", "IO scheduler policy: none|normal|high|rt|batch|idle", ANY_STATE,
                (s, c) -> "none", (s, c, who, v) -> {
                    String policy = v.trim().isEmpty() ? "none" : v.trim();
                    if (!POLICIES.contains(policy))
                        throw Values.invalid("expected io_policy none, normal, high, rt, batch or idle, got '" + v + "'");
                    return policy;
                }, false));
        p.add(Property.settable("io_weight", "IO weight: 0.01..100, default 1; multiplies the blkio weight", ANY_STATE,
                (s, c) -> "1", (s, c, who, v) -> {
                    double w = Values.parseWeight(v, "io_weight");
                    if (w != 1)
                        MemoryProperties.requireKernel(s, "io_weight", Limit.IO_WEIGHT);
                    return Values.formatNumber(w);
                }, false));

        stat(p, "io_read", "bytes read from disk: <disk>: <bytes>;... and hw, all disks", Cgroups.IoStat.READ_BYTES);
        stat(p, "io_write", "bytes written to disk: <disk>: <bytes>;... and hw, all disks", Cgroups.IoStat.WRITE_BYTES);
        stat(p, "io_ops", "disk operations: <disk>: <count>;... and hw, all disks", Cgroups.IoStat.OPS);
    }

    private static void stat(Properties p, String name, String description, Cgroups.IoStat stat) {
        p.add(Property.readOnly(name, description, (s, c) -> {
            Map<String, String> out = new TreeMap<>();
            s.resources().ioStat(c, stat).forEach((disk, v) -> out.put(disk, Long.toString(v)));
            return Values.formatMap(out);
        }, true).withKeys((s, c, key) -> {
            // A disk name or "hw" as listed, else a disk number or a path, resolved to its disk.
            Map<String, Long> byDisk = s.resources().ioStat(c, stat);
            Long v = byDisk.get(key);
            if (v == null) {
                String device = IoLimits.device(s, c, key);
                v = byDisk.getOrDefault(s.kernel.cgroups().diskName(device), 0L);
            }
            return Long.toString(v);
        }, null));
    }
}

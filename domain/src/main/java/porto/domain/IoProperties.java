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

    static final TypedProperty<String> POLICY = TypedProperty.of("io_policy",
            "IO scheduler policy: none|normal|high|rt|batch|idle", ANY_STATE, IoProperties::parsePolicy, t -> t, "none");
    static final TypedProperty<Double> WEIGHT = TypedProperty.of("io_weight",
            "IO weight: 0.01..100, default 1; multiplies the blkio weight", ANY_STATE,
            t -> Values.parseWeight(t, "io_weight"), Values::formatNumber, 1.0).needs(Limit.IO_WEIGHT, w -> w != 1);

    /** io_limit and io_ops_limit stay untyped: checking one resolves its disks through the kernel and the container's root. */
    static void register(Properties p, ResourceControl resources, Cgroups cgroups) {
        p.add(Property.settable("io_limit", "IO bandwidth limit: <disk>|<path> [r|w]: <bytes/s>;...", ANY_STATE,
                c -> "", (c, who, v) -> IoLimits.canonical(cgroups, c, v, false), true));
        p.add(Property.settable("io_ops_limit", "IOPS limit: <disk>|<path> [r|w]: <iops>;...", ANY_STATE,
                c -> "", (c, who, v) -> IoLimits.canonical(cgroups, c, v, true), true));
        p.add(POLICY.entry());
        p.add(WEIGHT.entry());

        stat(p, resources, cgroups, "io_read", "bytes read from disk: <disk>: <bytes>;... and hw, all disks", Cgroups.IoStat.READ_BYTES);
        stat(p, resources, cgroups, "io_write", "bytes written to disk: <disk>: <bytes>;... and hw, all disks", Cgroups.IoStat.WRITE_BYTES);
        stat(p, resources, cgroups, "io_ops", "disk operations: <disk>: <count>;... and hw, all disks", Cgroups.IoStat.OPS);
    }

    private static String parsePolicy(String text) throws PortoException {
        String policy = text.trim().isEmpty() ? "none" : text.trim();
        if (!POLICIES.contains(policy))
            throw Values.invalid("expected io_policy none, normal, high, rt, batch or idle, got '" + text + "'");
        return policy;
    }

    private static void stat(Properties p, ResourceControl resources, Cgroups cgroups, String name, String description, Cgroups.IoStat stat) {
        p.add(Property.readOnly(name, description, c -> {
            Map<String, String> out = new TreeMap<>();
            resources.ioStat(c, stat).forEach((disk, v) -> out.put(disk, Long.toString(v)));
            return Values.formatMap(out);
        }, true).withKeys((c, key) -> {
            // A disk name or "hw" as listed, else a disk number or a path, resolved to its disk.
            Map<String, Long> byDisk = resources.ioStat(c, stat);
            Long v = byDisk.get(key);
            if (v == null) {
                String device = IoLimits.device(cgroups, c, key);
                v = byDisk.getOrDefault(cgroups.diskName(device), 0L);
            }
            return Long.toString(v);
        }, null));
    }
}

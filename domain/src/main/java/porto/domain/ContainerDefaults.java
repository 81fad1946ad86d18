package porto.domain;

import java.util.List;
import java.util.Map;

/**
 * Defaults for every container that the daemon's configuration may change (upstream's
 * {@code container} section of portod.conf, same meanings), with upstream's built-in values.
 *
 * @param agingTimeS        aging_time of a new container (default_aging_time_s)
 * @param respawnDelayMs    respawn_delay of a new container (respawn_delay_ms)
 * @param stdoutLimit       stdout_limit of a new container (stdout_limit)
 * @param maxTotal          most containers there may be, the host not counted (max_total)
 * @param pressurizeOnDeath pressurize_on_death of a new container (pressurize_on_death)
 * @param resolvConf        resolv_conf of a new container, lines joined by ';' (default_resolv_conf)
 * @param extraProperties   properties given to new containers whose name matches a mask (extra_properties)
 * @param enableRwCgroupfs  cgroupfs=rw may start (enable_rw_cgroupfs)
 * @param deadMemorySoftLimit the memory soft limit pressurize_on_death sets, bytes (dead_memory_soft_limit)
 * @param coreEnabled       core dumps are handed to core_command (portod.conf's core section: enable)
 * @param enableRwNetCgroups cgroupfs=rw leaves net_cls and net_prio writable too (enable_rw_net_cgroups)
 */
public record ContainerDefaults(long agingTimeS, long respawnDelayMs, long stdoutLimit, int maxTotal,
                                boolean pressurizeOnDeath, String resolvConf, List<ExtraProperties> extraProperties,
                                boolean enableRwCgroupfs, long deadMemorySoftLimit, boolean coreEnabled,
                                boolean enableRwNetCgroups) {

    /** Upstream's dead_memory_soft_limit: 1M. */
    public static final long DEAD_MEMORY_SOFT_LIMIT = 1L << 20;

    /** The container section alone: upstream's dead_memory_soft_limit, core dumps not handed on. */
    public ContainerDefaults(long agingTimeS, long respawnDelayMs, long stdoutLimit, int maxTotal,
                             boolean pressurizeOnDeath, String resolvConf, List<ExtraProperties> extraProperties) {
        this(agingTimeS, respawnDelayMs, stdoutLimit, maxTotal, pressurizeOnDeath, resolvConf, extraProperties,
                false, DEAD_MEMORY_SOFT_LIMIT, false, false);
    }

    /** Properties set on a new container whose name matches {@code filter} (a mask with ? and *). */
    public record ExtraProperties(String filter, Map<String, String> properties) {
        public ExtraProperties {
            properties = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(properties));
        }
    }

    public ContainerDefaults {
        extraProperties = List.copyOf(extraProperties);
    }

    /** Upstream's built-in values. */
    public static final ContainerDefaults BUILT_IN =
            new ContainerDefaults(24 * 3600, 1000, 8L << 20, 3000, false, "", List.of());
}

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
 * @param enableRwNetCgroups cgroupfs=rw leaves net_cls and net_prio writable too (enable_rw_net_cgroups)
 */
public record ContainerDefaults(long agingTimeS, long respawnDelayMs, long stdoutLimit, int maxTotal,
                                boolean pressurizeOnDeath, String resolvConf, List<ExtraProperties> extraProperties,
                                boolean enableRwCgroupfs, boolean enableRwNetCgroups) {

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
            new ContainerDefaults(24 * 3600, 1000, 8L << 20, 3000, false, "", List.of(), false, false);
}

package porto.domain;

import java.util.Map;

/**
 * Host facts and defaults the domain needs but must not find out by itself.
 *
 * @param placeRoot      parent of default working directories ("/place/porto")
 * @param hostCores      cpu count, for cpu percentages
 * @param hostHardLimits the daemon's own hard rlimits by type ("nofile"), for clamping defaults
 * @param defaultUlimit  default ulimit text (portod.conf or the manual's built-in one)
 * @param hostname       the host's name, shown to containers as PORTO_HOST
 * @param stopTimeoutMs  how long stop waits after SIGTERM before SIGKILL
 * @param version        daemon version tag
 * @param initArgv       the program that holds a meta container's namespaces (pid 1 there)
 * @param host           memory and cpus to share out, for guarantees and cpu sets
 * @param containers     defaults of new containers from the daemon's configuration
 * @param network        NAT range, unmanaged devices and network defaults (portod.conf's network section)
 */
public record DomainConfig(String placeRoot, int hostCores, Map<String, Long> hostHardLimits,
                           String defaultUlimit, String hostname, long stopTimeoutMs, String version,
                           java.util.List<String> initArgv, HostResources host, ContainerDefaults containers,
                           porto.domain.net.NetworkConfig network) {

    /** A configuration with upstream's built-in container and network defaults. */
    public DomainConfig(String placeRoot, int hostCores, Map<String, Long> hostHardLimits,
                        String defaultUlimit, String hostname, long stopTimeoutMs, String version,
                        java.util.List<String> initArgv, HostResources host) {
        this(placeRoot, hostCores, hostHardLimits, defaultUlimit, hostname, stopTimeoutMs, version, initArgv, host,
                ContainerDefaults.BUILT_IN);
    }

    /** A configuration with these container defaults and upstream's network defaults. */
    public DomainConfig(String placeRoot, int hostCores, Map<String, Long> hostHardLimits,
                        String defaultUlimit, String hostname, long stopTimeoutMs, String version,
                        java.util.List<String> initArgv, HostResources host, ContainerDefaults containers) {
        this(placeRoot, hostCores, hostHardLimits, defaultUlimit, hostname, stopTimeoutMs, version, initArgv, host,
                containers, porto.domain.net.NetworkConfig.DEFAULT);
    }

    /** The host directory that holds a container's stored output and is its default working directory. */
    public String workDir(String container) {
        return placeRoot + "/" + container;
    }

    /** The same with these network settings. */
    public DomainConfig withNetwork(porto.domain.net.NetworkConfig network) {
        return new DomainConfig(placeRoot, hostCores, hostHardLimits, defaultUlimit, hostname, stopTimeoutMs, version, initArgv,
                host, containers, network);
    }

    /** Memory of the simulated host that {@link #defaults} describes. */
    public static final long DEFAULT_MEMORY = 16L << 30;

    public static DomainConfig defaults(int hostCores, Map<String, Long> hostHardLimits, String hostname) {
        return new DomainConfig("/place/porto", hostCores, hostHardLimits, Ulimits.DEFAULT, hostname, 30_000, "5.3.15",
                java.util.List.of("/usr/lib/porto/portoinit"), HostResources.simple(DEFAULT_MEMORY, hostCores));
    }
}

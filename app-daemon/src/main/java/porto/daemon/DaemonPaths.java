package porto.daemon;

import java.nio.file.Path;
import java.util.Map;

/**
 * Every path and name the daemon uses, from the environment with upstream's defaults, so that tests
 * can run their own daemon beside an installed one.
 */
public record DaemonPaths(Path socket, Path stateDir, String cgroupRoot, String placeRoot, Path nativeBinary,
                          Path log, Path masterPidFile, Path daemonPidFile) {

    /** Present when the next daemon must discard the containers it restores ("portod --discard reload"). */
    public Path discardMarker() {
        return stateDir.resolveSibling("portod.discard");
    }

    /** How many daemons the running master has started, for GetSystem's porto_starts. */
    public Path startsFile() {
        return stateDir.resolveSibling("portod.starts");
    }

    /**
     * The default place of volumes, layers and storage: $PORTO_VOLUME_PLACE, upstream's /place by
     * default. A daemon given its own PORTO_PLACE but no volume place (a test's or a benchmark's) gets
     * "PORTO_PLACE-volumes": at start a daemon tears down the volumes of its place that it has no record
     * of, so two daemons must never share one, and the installed daemon's is /place.
     */
    public String volumePlace() {
        return volumePlace(System.getenv());
    }

    static String volumePlace(Map<String, String> env) {
        String place = env.get("PORTO_VOLUME_PLACE");
        if (place != null)
            return place;
        String containers = env.get("PORTO_PLACE");
        return containers != null ? containers + "-volumes" : "/place";
    }

    /** Volume records, beside the containers' (/run/porto/vkvs). */
    public Path volumeStateDir() {
        return stateDir.resolveSibling("vkvs");
    }

    public static DaemonPaths fromEnvironment() {
        return from(System.getenv());
    }

    static DaemonPaths from(Map<String, String> env) {
        return new DaemonPaths(
                Path.of(env.getOrDefault("PORTO_SOCKET", "/run/portod.socket")),
                Path.of(env.getOrDefault("PORTO_STATE_DIR", "/run/porto/kvs")),
                env.getOrDefault("PORTO_CGROUP_ROOT", "porto"),
                env.getOrDefault("PORTO_PLACE", "/place/porto"),
                Path.of(env.getOrDefault("PORTO_NATIVE", System.getProperty("porto.native", "/usr/lib/porto/portod-native"))),
                Path.of(env.getOrDefault("PORTO_LOG", "/var/log/portod.log")),
                Path.of(env.getOrDefault("PORTO_MASTER_PIDFILE", "/run/portoloop.pid")),
                Path.of(env.getOrDefault("PORTO_PIDFILE", "/run/portod.pid")));
    }
}

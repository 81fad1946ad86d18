package porto.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.inject.Inject;
import javax.inject.Singleton;
import porto.domain.ErrorCode;

/**
 * The daemon's counters under upstream's statistic names (what "portod clearstat NAME" takes).
 * Names of things this daemon never does (volumes, layers, networks, taints) stay at zero.
 */
@Singleton
public final class DaemonStats {
    /** Gauges and totals that a clear must not touch, as upstream marks them. */
    private static final Set<String> KEPT = Set.of("clients", "containers", "volumes", "volume_links", "networks",
            "log_lines", "log_bytes", "requests_queued", "epoll_sources", "queued_statuses", "queued_events");
    private static final String[] NAMES = {"spawned", "errors", "cgerrors", "warnings", "fatals", "taints", "postfork_issues",
            "remove_dead", "restore_failed", "start_timeouts", "log_lines_lost", "log_bytes_lost", "log_open",
            "log_rotate_bytes", "log_rotate_errors", "containers_created", "containers_started", "containers_failed_start",
            "containers_oom", "containers_tainted", "layer_import", "layer_export", "layer_remove", "volumes_created",
            "volumes_failed", "volume_links_mounted", "volume_lost", "networks_created", "network_problems", "network_repairs",
            "clients_connected", "requests_completed", "requests_failed", "fail_system", "fail_invalid_value",
            "fail_invalid_command", "fail_memory_guarantee", "fail_invalid_netaddr", "requests_longer_1s",
            "requests_longer_3s", "requests_longer_30s", "requests_longer_5m", "longest_read_request",
            "spec_requests_completed", "spec_requests_failed", "clients"};

    private final Map<String, AtomicLong> counters = new LinkedHashMap<>();
    /** Values read when asked (e.g. "volumes" from the volume side), under upstream's names. */
    private final Map<String, java.util.function.LongSupplier> gauges = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong portoStarted = new AtomicLong(System.currentTimeMillis());
    private volatile boolean frozen;

    @Inject
    public DaemonStats() {
        for (String name : NAMES)
            counters.put(name, new AtomicLong());
    }

    /** The counter named as upstream names it; the name must be one of {@link #NAMES}. */
    AtomicLong counter(String name) {
        AtomicLong c = counters.get(name);
        if (c == null)
            throw new IllegalArgumentException("no statistic " + name);
        return c;
    }

    /** Registers a value read when asked, such as the number of volumes. */
    void gauge(String name, java.util.function.LongSupplier value) {
        gauges.put(name, value);
    }

    long get(String name) {
        var gauge = gauges.get(name);
        if (gauge != null)
            return gauge.getAsLong();
        return switch (name) {
            case "errors" -> counter(name).get() + Log.errors();
            case "log_lines" -> Log.lines();
            case "log_bytes" -> Log.bytes();
            default -> counter(name).get();
        };
    }

    /** Counts one answered request: its outcome and how long it took. */
    void request(ErrorCode error, long nanos, boolean spec) {
        counter("requests_completed").incrementAndGet();
        if (spec)
            counter("spec_requests_completed").incrementAndGet();
        if (error != null) {
            counter("requests_failed").incrementAndGet();
            if (spec)
                counter("spec_requests_failed").incrementAndGet();
            switch (error) {
                case Unknown -> counter("fail_system").incrementAndGet();
                case InvalidValue -> counter("fail_invalid_value").incrementAndGet();
                case InvalidCommand -> counter("fail_invalid_command").incrementAndGet();
                default -> { }
            }
        }
        long ms = nanos / 1_000_000;
        if (ms > 1_000)
            counter("requests_longer_1s").incrementAndGet();
        if (ms > 3_000)
            counter("requests_longer_3s").incrementAndGet();
        if (ms > 30_000)
            counter("requests_longer_30s").incrementAndGet();
        if (ms > 300_000)
            counter("requests_longer_5m").incrementAndGet();
    }

    long portoUptimeSeconds() {
        return (System.currentTimeMillis() - portoStarted.get()) / 1000;
    }

    boolean frozen() {
        return frozen;
    }

    void setFrozen(boolean frozen) {
        this.frozen = frozen;
    }

    /**
     * Clears one statistic, or every clearable one when {@code name} is null; false when the name
     * is unknown or names a value that cannot be cleared (the caller says which).
     */
    boolean clear(String name) {
        if (name == null) {
            counters.forEach((n, c) -> {
                if (!KEPT.contains(n))
                    c.set(0);
            });
            Log.clearErrors();
            return true;
        }
        if (KEPT.contains(name) || !counters.containsKey(name))
            return false;
        counter(name).set(0);
        if (name.equals("errors"))
            Log.clearErrors();
        return true;
    }

    /** Every statistic's name, the gauges included. */
    static java.util.List<String> names() {
        java.util.List<String> all = new java.util.ArrayList<>(java.util.Arrays.asList(NAMES));
        KEPT.stream().filter(n -> !all.contains(n)).sorted().forEach(all::add);
        return all;
    }

    static boolean known(String name) {
        return KEPT.contains(name) || java.util.Arrays.asList(NAMES).contains(name);
    }

    /**
     * Counts this daemon's start in a file beside the daemon's pid file, keyed by the master's pid:
     * the count is how many daemons this master has run, as upstream's "spawned".
     */
    void countStart(Path file) {
        String master = String.valueOf(System.getenv().getOrDefault("PORTO_MASTER_PID", "0"));
        long starts = 1;
        try {
            String[] saved = Files.readString(file).trim().split(" ");
            if (saved.length == 2 && saved[0].equals(master))
                starts = Long.parseLong(saved[1]) + 1;
        } catch (IOException | NumberFormatException e) {
            // first daemon of this master
        }
        try {
            Files.writeString(file, master + " " + starts + "\n");
        } catch (IOException e) {
            Log.info("cannot count daemon starts in " + file + ": " + e.getMessage());
        }
        counter("spawned").set(starts);
    }
}

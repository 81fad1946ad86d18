package porto.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import porto.domain.DaemonStatistics;

/**
 * The daemon's counters as porto_stat shows them: every statistic GetSystem answers, under
 * upstream's names, with the uptimes and this process's memory and cpu time.
 */
final class PortoStat implements DaemonStatistics {
    /** USER_HZ: /proc reports cpu time in these ticks. */
    private static final long TICK_NANOS = 10_000_000;
    private final DaemonStats stats;

    PortoStat(DaemonStats stats) {
        this.stats = stats;
    }

    @Override
    public Map<String, Long> values() {
        Map<String, Long> out = new TreeMap<>();
        for (String name : DaemonStats.names()) {
            try {
                out.put(name, stats.get(name));
            } catch (IllegalArgumentException notRegistered) {
                out.put(name, 0L); // a gauge of a part this daemon was built without
            }
        }
        out.put("porto_uptime", stats.portoUptimeSeconds());
        out.put("master_uptime", SystemRequests.masterUptimeSeconds());
        try {
            String[] statm = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
            out.put("memory_usage_mb", Long.parseLong(statm[1]) * 4096 / (1024 * 1024));
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split("\\s+"); // from the state field on
            long user = Long.parseLong(fields[11]), system = Long.parseLong(fields[12]);
            out.put("cpu_usage", (user + system) * TICK_NANOS);
            out.put("cpu_system_usage", system * TICK_NANOS);
        } catch (IOException | RuntimeException e) {
            Log.info("porto_stat: cannot read the daemon's own usage: " + e.getMessage());
        }
        return out;
    }
}

package porto.domain;

import java.util.Map;

/**
 * The daemon's own counters (requests, clients, errors, uptimes...) under upstream's names, as
 * GetSystem reports them; the daemon supplies them so porto_stat can show them.
 */
public interface DaemonStatistics {
    DaemonStatistics NONE = Map::of;

    /** Each counter by its upstream name ("requests_completed", "porto_uptime", ...). */
    Map<String, Long> values();
}

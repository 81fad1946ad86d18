package porto.domain;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The ulimit property: "type: soft hard; ..." with "unlimited", and resource numbers. */
public final class Ulimits {
    public static final long UNLIMITED = -1;
    /** Upstream's default_ulimit; the daemon adds nproc from the host's pid_max (see DomainConfig). */
    public static final String DEFAULT = "core: 0 unlimited; nofile: 8K 1M";
    /** Upstream's memlock for every task: the memory limit less a margin, at least a minimum. */
    static final long MEMLOCK_MINIMAL = 8L << 20;
    static final long MEMLOCK_MARGIN = 16L << 20;

    /** Linux resource numbers (identical on x86_64 and aarch64). */
    static final Map<String, Integer> RESOURCES = Map.ofEntries(
            Map.entry("cpu", 0), Map.entry("fsize", 1), Map.entry("data", 2), Map.entry("stack", 3),
            Map.entry("core", 4), Map.entry("rss", 5), Map.entry("nproc", 6), Map.entry("nofile", 7),
            Map.entry("memlock", 8), Map.entry("as", 9), Map.entry("locks", 10),
            Map.entry("sigpending", 11), Map.entry("msgqueue", 12), Map.entry("nice", 13),
            Map.entry("rtprio", 14), Map.entry("rttime", 15));

    public record Limit(long soft, long hard) {}

    private Ulimits() {}

    public static Map<String, Limit> parse(String text) throws PortoException {
        Map<String, Limit> limits = new LinkedHashMap<>();
        for (var e : Values.parseMap(text, false).entrySet()) {
            String type = e.getKey().toLowerCase(Locale.ROOT);
            if (!RESOURCES.containsKey(type))
                throw Values.invalid("unknown ulimit type '" + e.getKey() + "', expected one of " + new java.util.TreeSet<>(RESOURCES.keySet()));
            String[] words = e.getValue().trim().split("\\s+");
            if (words.length < 1 || words.length > 2 || words[0].isEmpty())
                throw Values.invalid("expected '" + type + ": <soft>|unlimited [<hard>|unlimited]', got '" + e.getValue() + "'");
            long soft = limit(words[0]);
            long hard = words.length == 2 ? limit(words[1]) : soft;
            if (hard != UNLIMITED && (soft == UNLIMITED || soft > hard))
                throw Values.invalid("soft limit above hard limit for " + type + ": '" + e.getValue() + "'");
            limits.put(type, new Limit(soft, hard));
        }
        return limits;
    }

    private static long limit(String word) throws PortoException {
        if (word.equals("unlimited") || word.equals("unlim") || word.equals("inf") || word.equals("infinity"))
            return UNLIMITED;
        return Values.parseSize(word);
    }

    public static String format(Map<String, Limit> limits) {
        StringBuilder out = new StringBuilder();
        for (var e : limits.entrySet()) {
            if (out.length() > 0)
                out.append("; ");
            out.append(e.getKey()).append(": ").append(word(e.getValue().soft())).append(' ').append(word(e.getValue().hard()));
        }
        return out.toString();
    }

    private static String word(long v) {
        return v == UNLIMITED ? "unlimited" : Long.toString(v);
    }

    public static int resource(String type) {
        return RESOURCES.get(type);
    }

    /** The daemon's default_ulimit, capped by its own hard limits. */
    public static Map<String, Limit> defaults(DomainConfig config) throws PortoException {
        Map<String, Limit> limits = parse(config.defaultUlimit());
        limits.replaceAll((type, l) -> clamp(config, type, l));
        return limits;
    }

    /**
     * The limits a task starts with, as upstream: the container's own ulimit, then what its
     * ancestors set and it did not, then the daemon's defaults, then memlock from the memory
     * limit. What the container or its ancestors asked is applied as asked (a start fails, saying
     * why, where the daemon may not raise it); what the daemon adds is capped by its own hard limits.
     */
    static Map<String, Limit> effective(DomainConfig config, Guarantees guarantees, Container c) throws PortoException {
        Map<String, Limit> limits = new LinkedHashMap<>();
        for (Container x = c; x != null && !x.isHost(); x = x.parent)
            for (var e : ContextProperties.ULIMIT.value(x).entrySet())
                limits.putIfAbsent(e.getKey(), e.getValue());
        for (var e : defaults(config).entrySet())
            limits.putIfAbsent(e.getKey(), e.getValue());
        if (!limits.containsKey("memlock")) {
            long memoryLimit = guarantees.memoryLimitBound(c);
            long memlock = Math.max(MEMLOCK_MINIMAL, memoryLimit - Math.min(memoryLimit, MEMLOCK_MARGIN));
            limits.put("memlock", clamp(config, "memlock", new Limit(memlock, UNLIMITED)));
        }
        return limits;
    }

    /** Without CAP_SYS_RESOURCE a limit above the daemon's own hard limit cannot be applied. */
    static Limit clamp(DomainConfig config, String type, Limit l) {
        Long max = config.hostHardLimits().get(type);
        if (max == null || max < 0)
            return l;
        long hard = l.hard() == UNLIMITED || l.hard() > max ? max : l.hard();
        long soft = l.soft() == UNLIMITED || l.soft() > hard ? hard : l.soft();
        return new Limit(soft, hard);
    }
}

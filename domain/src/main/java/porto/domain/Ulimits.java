package porto.domain;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The ulimit property: "type: soft hard; ..." with "unlimited", and resource numbers. */
public final class Ulimits {
    public static final long UNLIMITED = -1;
    public static final String DEFAULT = "core: 0 unlimited; memlock: 8M unlimited; nofile: 8K 1M";

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
    static Map<String, Limit> defaults(DomainConfig config) throws PortoException {
        Map<String, Limit> limits = parse(config.defaultUlimit());
        // Without CAP_SYS_RESOURCE a default above the daemon's own hard limit cannot be applied.
        for (var e : limits.entrySet()) {
            Long max = config.hostHardLimits().get(e.getKey());
            if (max == null || max < 0)
                continue;
            Limit l = e.getValue();
            long hard = l.hard() == Ulimits.UNLIMITED || l.hard() > max ? max : l.hard();
            long soft = l.soft() == Ulimits.UNLIMITED || l.soft() > hard ? hard : l.soft();
            e.setValue(new Limit(soft, hard));
        }
        return limits;
    }
}

package porto.domain.net;

import java.util.Map;

/**
 * net_guarantee, net_limit and net_rx_limit of a container, in bytes/s by interface name or
 * "default". Egress (what the container sends) is shaped on its devices inside its namespace,
 * ingress (net_rx_limit) on the host's end of its L3/NAT pair: each device gets one class.
 */
public record Shaping(Map<String, Long> guarantee, Map<String, Long> limit, Map<String, Long> rxLimit) {
    public static final Shaping NONE = new Shaping(Map.of(), Map.of(), Map.of());
    /** The ceiling of a class with a guarantee and no limit: 10 Gbit/s. */
    static final long NO_LIMIT = 1_250_000_000L;

    public Shaping {
        guarantee = Map.copyOf(guarantee);
        limit = Map.copyOf(limit);
        rxLimit = Map.copyOf(rxLimit);
    }

    public boolean any() {
        return !guarantee.isEmpty() || !limit.isEmpty() || !rxLimit.isEmpty();
    }

    static long of(Map<String, Long> values, String device) {
        Long v = values.get(device);
        if (v == null)
            v = values.get("default");
        return v == null ? 0 : v;
    }

    /** {rate, ceil} for what {@code device} sends, or null when it is not shaped. */
    long[] egress(String device) {
        long g = of(guarantee, device), l = of(limit, device);
        if (g <= 0 && l <= 0)
            return null;
        long ceil = l > 0 ? l : NO_LIMIT;
        long rate = g > 0 ? Math.min(g, ceil) : ceil;
        return new long[] {rate, ceil};
    }
}

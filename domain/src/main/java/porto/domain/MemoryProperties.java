package porto.domain;

import static porto.domain.Property.ANY_STATE;

import java.util.Set;
import porto.ports.Cgroups.Limit;
import porto.ports.Cgroups.Stat;

/** The manual's "Memory" section: limits, the guarantee, OOM behaviour and usage. */
final class MemoryProperties {
    private MemoryProperties() {}

    /** Below this a limit leaves a container unable to start anything. */
    static final long MIN_LIMIT = 1L << 20;

    static void register(Properties p) {
        p.add(Property.settable("memory_limit", "limit for memory_usage, bytes: 0 (unlimited) or at least 1M", ANY_STATE,
                (s, c) -> "0", (s, c, who, v) -> limit(s, "memory_limit", v, Limit.MEMORY_LIMIT), false));
        p.add(Property.settable("memory_guarantee", "memory the reclaimer leaves alone, bytes (default 0)", ANY_STATE,
                (s, c) -> "0", (s, c, who, v) -> {
                    long bytes = Values.parseSize(v);
                    if (bytes != 0)
                        requireKernel(s, "memory_guarantee", Limit.MEMORY_GUARANTEE);
                    return Long.toString(bytes);
                }, false));
        p.add(Property.settable("anon_limit", "limit for anon_usage, bytes (offstream kernel feature)", ANY_STATE,
                (s, c) -> "0", (s, c, who, v) -> limit(s, "anon_limit", v, Limit.ANON_LIMIT), false));
        p.add(Property.settable("dirty_limit", "limit for dirty page cache, bytes (offstream kernel feature)", ANY_STATE,
                (s, c) -> "0", (s, c, who, v) -> limit(s, "dirty_limit", v, Limit.DIRTY_LIMIT), false));
        p.add(Property.settable("recharge_on_pgfault", "move page cache to the faulting container (offstream kernel feature)",
                ANY_STATE, (s, c) -> "false", (s, c, who, v) -> {
                    boolean on = Values.parseBool(v);
                    if (on)
                        requireKernel(s, "recharge_on_pgfault", Limit.RECHARGE_ON_PGFAULT);
                    return Values.formatBool(on);
                }, false));
        p.add(Property.settable("oom_is_fatal", "kill the whole container when the OOM killer kills one of its processes",
                ANY_STATE, (s, c) -> "true", (s, c, who, v) -> Values.formatBool(Values.parseBool(v)), false));

        p.add(Property.readOnly("memory_limit_total", "memory limit in force: the smallest on the way to the top, bytes",
                (s, c) -> {
                    long bound = s.resources().guarantees.memoryLimitBound(c);
                    return Long.toString(bound > 0 ? bound : s.config().host().memoryBytes());
                }, false));
        p.add(Property.readOnly("memory_guarantee_total", "memory guaranteed to the container and its running subtree, bytes",
                (s, c) -> Long.toString(s.resources().guarantees.memoryTotal(c, Set.of(c))), false));

        usage(p, "memory_usage", "current memory usage: anon + cache, bytes", Stat.MEMORY_USAGE, "memory");
        usage(p, "anon_usage", "current anonymous memory usage, bytes", Stat.ANON_USAGE, "memory");
        usage(p, "cache_usage", "current page cache usage, bytes", Stat.CACHE_USAGE, "memory");
        usage(p, "hugetlb_usage", "current hugetlb memory usage, bytes", Stat.HUGETLB_USAGE, "hugetlb");
        usage(p, "max_rss", "peak anonymous memory usage, bytes (offstream kernel feature)", Stat.MAX_RSS, "memory");
        usage(p, "minor_faults", "minor page faults (file cache hits)", Stat.MINOR_FAULTS, "memory");
        usage(p, "major_faults", "major page faults (reads from disk)", Stat.MAJOR_FAULTS, "memory");
    }

    static void usage(Properties p, String name, String description, Stat stat, String controller) {
        p.add(Property.readOnly(name, description, (s, c) -> s.resources().stat(c, stat, controller), false));
    }

    private static String limit(ContainerService s, String property, String v, Limit limit) throws PortoException {
        long bytes = Values.parseSize(v);
        if (bytes != 0 && bytes < MIN_LIMIT)
            throw Values.invalid(property + " must be 0 (unlimited) or at least 1M, got '" + v + "'");
        if (bytes != 0)
            requireKernel(s, property, limit);
        return Long.toString(bytes);
    }

    /** A value other than the default needs the kernel to have the feature. */
    static void requireKernel(ContainerService s, String property, Limit limit) throws PortoException {
        String why = s.kernel.cgroups().unsupported(limit);
        if (why != null)
            throw new PortoException(ErrorCode.NotSupported, property + " is not supported: " + why);
    }
}

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

    static final TypedProperty<Long> LIMIT = TypedProperty.size("memory_limit",
            "limit for memory_usage, bytes: 0 (unlimited) or at least 1M", ANY_STATE, t -> limit("memory_limit", t))
            .needs(Limit.MEMORY_LIMIT, bytes -> bytes != 0);
    static final TypedProperty<Long> GUARANTEE = TypedProperty.size("memory_guarantee",
            "memory the reclaimer leaves alone, bytes (default 0)", ANY_STATE, Values::parseSize)
            .needs(Limit.MEMORY_GUARANTEE, bytes -> bytes != 0);
    static final TypedProperty<Long> ANON_LIMIT = TypedProperty.size("anon_limit",
            "limit for anon_usage, bytes (offstream kernel feature)", ANY_STATE, t -> limit("anon_limit", t))
            .needs(Limit.ANON_LIMIT, bytes -> bytes != 0);
    static final TypedProperty<Long> DIRTY_LIMIT = TypedProperty.size("dirty_limit",
            "limit for dirty page cache, bytes (offstream kernel feature)", ANY_STATE, t -> limit("dirty_limit", t))
            .needs(Limit.DIRTY_LIMIT, bytes -> bytes != 0);
    static final TypedProperty<Boolean> RECHARGE_ON_PGFAULT = TypedProperty.bool("recharge_on_pgfault",
            "move page cache to the faulting container (offstream kernel feature)", ANY_STATE, false)
            .needs(Limit.RECHARGE_ON_PGFAULT, on -> on);
    static final TypedProperty<Long> HUGETLB_LIMIT = TypedProperty.size("hugetlb_limit",
            "limit of 2MB huge pages, bytes (0: unlimited); a limit forbids 1GB pages", ANY_STATE, Values::parseSize)
            .needs(Limit.HUGETLB_LIMIT, bytes -> bytes != 0);
    /** See {@link DeathPressure}; the default comes from portod.conf. */
    static final TypedProperty<Boolean> PRESSURIZE_ON_DEATH = TypedProperty.bool("pressurize_on_death",
            "after death (or while a meta container has no live child) set a tiny memory soft limit", ANY_STATE, false)
            .defaultFor(c -> c.defaults.pressurizeOnDeath())
            .needs(Limit.MEMORY_SOFT_LIMIT, on -> on);
    static final TypedProperty<Boolean> OOM_IS_FATAL = TypedProperty.bool("oom_is_fatal",
            "kill the whole container when the OOM killer kills one of its processes", ANY_STATE, true);

    static void register(Properties p, ResourceControl resources, DomainConfig config) {
        p.add(LIMIT.entry());
        p.add(GUARANTEE.entry());
        p.add(ANON_LIMIT.entry());
        p.add(DIRTY_LIMIT.entry());
        p.add(RECHARGE_ON_PGFAULT.entry());
        p.add(OOM_IS_FATAL.entry());
        p.add(HUGETLB_LIMIT.entry());
        p.add(PRESSURIZE_ON_DEATH.entry());

        p.add(Property.readOnly("memory_limit_total", "memory limit in force: the smallest on the way to the top, bytes",
                c -> {
                    long bound = resources.guarantees.memoryLimitBound(c);
                    return Long.toString(bound > 0 ? bound : config.host().memoryBytes());
                }, false));
        p.add(Property.readOnly("memory_guarantee_total", "memory guaranteed to the container and its running subtree, bytes",
                c -> Long.toString(resources.guarantees.memoryTotal(c, Set.of(c))), false));

        usage(p, resources, "memory_usage", "current memory usage: anon + cache, bytes", Stat.MEMORY_USAGE, "memory");
        usage(p, resources, "anon_usage", "current anonymous memory usage, bytes", Stat.ANON_USAGE, "memory");
        usage(p, resources, "cache_usage", "current page cache usage, bytes", Stat.CACHE_USAGE, "memory");
        usage(p, resources, "hugetlb_usage", "current hugetlb memory usage, bytes", Stat.HUGETLB_USAGE, "hugetlb");
        usage(p, resources, "max_rss", "peak anonymous memory usage, bytes (offstream kernel feature)", Stat.MAX_RSS, "memory");
        usage(p, resources, "minor_faults", "minor page faults (file cache hits)", Stat.MINOR_FAULTS, "memory");
        usage(p, resources, "major_faults", "major page faults (reads from disk)", Stat.MAJOR_FAULTS, "memory");
    }

    static void usage(Properties p, ResourceControl resources, String name, String description, Stat stat, String controller) {
        p.add(Property.readOnly(name, description, c -> resources.stat(c, stat, controller), false));
    }

    private static long limit(String property, String text) throws PortoException {
        long bytes = Values.parseSize(text);
        if (bytes != 0 && bytes < MIN_LIMIT)
            throw Values.invalid(property + " must be 0 (unlimited) or at least 1M, got '" + text + "'");
        return bytes;
    }
}

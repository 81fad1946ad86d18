package porto.domain;

import static porto.domain.Property.ANY_STATE;

import java.util.Set;
import porto.ports.Cgroups;
import porto.ports.Cgroups.Limit;
import porto.ports.Cgroups.Stat;

/** The manual's "CPU" section: limit, guarantee, weight, policy, cpu set and usage. */
final class CpuProperties {
    private CpuProperties() {}

    static final long DEFAULT_PERIOD_NS = 100_000_000;
    private static final Set<String> POLICIES = Set.of("normal", "high", "rt", "batch", "idle");

    static final TypedProperty<Double> LIMIT = cores("cpu_limit",
            "cpu usage limit: 0..100% of the host or <cores>c (0 means unlimited)").needs(Limit.CPU_LIMIT, n -> n != 0);
    static final TypedProperty<Double> GUARANTEE = cores("cpu_guarantee",
            "desired cpu power: 0..100% of the host or <cores>c (default 0)").needs(Limit.CPU_SHARES, n -> n != 0);
    static final TypedProperty<Long> PERIOD = TypedProperty.of("cpu_period",
            "cpu limit accounting period: 1ms..1s, default 100ms [nanoseconds]", ANY_STATE, CpuProperties::parsePeriod,
            String::valueOf, DEFAULT_PERIOD_NS).needs(Limit.CPU_PERIOD, ns -> ns != DEFAULT_PERIOD_NS);
    static final TypedProperty<Double> WEIGHT = TypedProperty.of("cpu_weight",
            "cpu weight: 0.01..100, default 1; multiplies cpu.shares and lowers nice", ANY_STATE,
            t -> Values.parseWeight(t, "cpu_weight"), Values::formatNumber, 1.0);
    static final TypedProperty<String> POLICY = TypedProperty.of("cpu_policy",
            "cpu scheduler policy: normal|high|rt|batch|idle", ANY_STATE, CpuProperties::parsePolicy, t -> t, "normal");

    static void register(Properties p, ResourceControl resources, Cgroups cgroups, DomainConfig config) {
        p.add(LIMIT.entry());
        p.add(GUARANTEE.entry());
        p.add(PERIOD.entry());
        p.add(WEIGHT.entry());
        p.add(POLICY.entry());
        // cpu_set stays untyped: its meaning depends on the host's cpus and its check on the mounted controllers.
        p.add(Property.settable("cpu_set", "cpu affinity: [N|N-M,]... | node N | reserve N | threads N | cores N", ANY_STATE,
                c -> "", (c, who, v) -> {
                    String canonical = CpuSets.canonical(v, config.host());
                    if (!canonical.isEmpty() && !cgroups.available().contains("cpuset"))
                        throw new PortoException(ErrorCode.NotSupported, "cpu_set is not supported: the cpuset controller is not mounted");
                    return canonical;
                }, false));
        p.add(Property.readOnly("cpu_set_affinity", "resulting cpu affinity: [N,N-M,]...",
                c -> CpuSets.format(resources.cpuSets.affinity(c)), false));

        p.add(Property.readOnly("cpu_usage", "cpu time used, nanoseconds",
                c -> resources.stat(c, Stat.CPU_USAGE_NS, "cpuacct"), false));
        p.add(Property.readOnly("cpu_usage_system", "kernel cpu time used, nanoseconds",
                c -> resources.stat(c, Stat.CPU_SYSTEM_NS, "cpuacct"), false));
        p.add(Property.readOnly("cpu_wait", "time spent waiting for a cpu, nanoseconds",
                c -> resources.stat(c, Stat.CPU_WAIT_NS, "cpuacct"), false));
    }

    /** Cores, given as a percentage of the host's or as "<n>c"; kept as "<n>c", which parses without the host. */
    private static TypedProperty<Double> cores(String name, String description) {
        return TypedProperty.of(name, description, ANY_STATE, t -> Values.parseCpu(t, 0), Values::formatCpu, 0.0)
                .input((t, host) -> Values.parseCpu(t, host.hostCores()));
    }

    private static long parsePeriod(String text) throws PortoException {
        long ns = Values.parseNanos(text);
        if (ns < 1_000_000 || ns > 1_000_000_000)
            throw Values.invalid("cpu_period must be within 1ms..1s, got '" + text + "'");
        return ns;
    }

    private static String parsePolicy(String text) throws PortoException {
        String policy = text.trim();
        if (policy.equals("iso") || policy.equals("nosmt"))
            throw new PortoException(ErrorCode.NotSupported, "cpu_policy " + policy + " needs an offstream kernel");
        if (!POLICIES.contains(policy))
            throw Values.invalid("expected cpu_policy normal, high, rt, batch or idle, got '" + text + "'");
        return policy;
    }
}

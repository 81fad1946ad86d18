package porto.domain;

import static porto.domain.Property.ANY_STATE;

import java.util.Set;
import porto.ports.Cgroups.Limit;
import porto.ports.Cgroups.Stat;

/** The manual's "CPU" section: limit, guarantee, weight, policy, cpu set and usage. */
final class CpuProperties {
    private CpuProperties() {}

    static final long DEFAULT_PERIOD_NS = 100_000_000;
    private static final Set<String> POLICIES = Set.of("normal", "high", "rt", "batch", "idle");

    static void register(Properties p) {
        p.add(Property.settable("cpu_limit", "cpu usage limit: 0..100% of the host or <cores>c (0 means unlimited)", ANY_STATE,
                (s, c) -> "0c", (s, c, who, v) -> cpu(s, v, "cpu_limit", Limit.CPU_LIMIT), false));
        p.add(Property.settable("cpu_guarantee", "desired cpu power: 0..100% of the host or <cores>c (default 0)", ANY_STATE,
                (s, c) -> "0c", (s, c, who, v) -> cpu(s, v, "cpu_guarantee", Limit.CPU_SHARES), false));
        p.add(Property.settable("cpu_period", "cpu limit accounting period: 1ms..1s, default 100ms [nanoseconds]", ANY_STATE,
                (s, c) -> Long.toString(DEFAULT_PERIOD_NS), (s, c, who, v) -> {
                    long ns = Values.parseNanos(v);
                    if (ns < 1_000_000 || ns > 1_000_000_000)
                        throw Values.invalid("cpu_period must be within 1ms..1s, got '" + v + "'");
                    if (ns != DEFAULT_PERIOD_NS)
                        MemoryProperties.requireKernel(s, "cpu_period", Limit.CPU_PERIOD);
                    return Long.toString(ns);
                }, false));
        p.add(Property.settable("cpu_weight", "cpu weight: 0.01..100, default 1; multiplies cpu.shares and lowers nice", ANY_STATE,
                (s, c) -> "1", (s, c, who, v) -> Values.formatNumber(Values.parseWeight(v, "cpu_weight")), false));
        p.add(Property.settable("cpu_policy", "cpu scheduler policy: normal|high|rt|batch|idle", ANY_STATE,
                (s, c) -> "normal", (s, c, who, v) -> {
                    String policy = v.trim();
                    if (policy.equals("iso") || policy.equals("nosmt"))
                        throw new PortoException(ErrorCode.NotSupported, "cpu_policy " + policy + " needs an offstream kernel");
                    if (!POLICIES.contains(policy))
                        throw Values.invalid("expected cpu_policy normal, high, rt, batch or idle, got '" + v + "'");
                    return policy;
                }, false));
        p.add(Property.settable("cpu_set", "cpu affinity: [N|N-M,]... | node N | reserve N | threads N | cores N", ANY_STATE,
                (s, c) -> "", (s, c, who, v) -> {
                    String canonical = CpuSets.canonical(v, s.config().host());
                    if (!canonical.isEmpty() && !s.kernel.cgroups().available().contains("cpuset"))
                        throw new PortoException(ErrorCode.NotSupported, "cpu_set is not supported: the cpuset controller is not mounted");
                    return canonical;
                }, false));
        p.add(Property.readOnly("cpu_set_affinity", "resulting cpu affinity: [N,N-M,]...",
                (s, c) -> CpuSets.format(s.resources().cpuSets.affinity(c)), false));

        p.add(Property.readOnly("cpu_usage", "cpu time used, nanoseconds",
                (s, c) -> s.resources().stat(c, Stat.CPU_USAGE_NS, "cpuacct"), false));
        p.add(Property.readOnly("cpu_usage_system", "kernel cpu time used, nanoseconds",
                (s, c) -> s.resources().stat(c, Stat.CPU_SYSTEM_NS, "cpuacct"), false));
        p.add(Property.readOnly("cpu_wait", "time spent waiting for a cpu, nanoseconds",
                (s, c) -> s.resources().stat(c, Stat.CPU_WAIT_NS, "cpuacct"), false));
    }

    private static String cpu(ContainerService s, String v, String property, Limit needs) throws PortoException {
        double cores = Values.parseCpu(v, s.config().hostCores());
        if (cores != 0)
            MemoryProperties.requireKernel(s, property, needs);
        return Values.formatCpu(cores);
    }
}

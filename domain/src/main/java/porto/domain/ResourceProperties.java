package porto.domain;

import static porto.domain.Property.ANY_STATE;

/** Resource limits: memory, cpu and threads. */
final class ResourceProperties {
    private ResourceProperties() {}

    static void register(Properties p) {
        p.add(Property.settable("memory_limit", "memory limit, bytes (0 means unlimited)", ANY_STATE,
                (s, c) -> "0", (s, c, who, v) -> {
                    long bytes = Values.parseSize(v);
                    if (bytes != 0 && bytes < (1L << 20))
                        throw Values.invalid("memory_limit below 1M is not allowed, got '" + v + "'");
                    return Long.toString(bytes);
                }, false));
        p.add(Property.settable("cpu_limit", "cpu limit: 0..100% or <cores>c (0 means unlimited)", ANY_STATE,
                (s, c) -> "0c", (s, c, who, v) -> Values.formatCpu(Values.parseCpu(v, s.config().hostCores())), false));
        p.add(Property.settable("thread_limit", "limit of threads (0 means unlimited)", ANY_STATE,
                (s, c) -> c.level == 1 ? "10000" : "0", (s, c, who, v) -> Long.toString(Values.parseUnsigned(v)), false));
    }
}

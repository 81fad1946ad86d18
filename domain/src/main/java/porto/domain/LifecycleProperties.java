package porto.domain;

import static porto.domain.Property.ANY_STATE;

/** How a container lives and goes: weak, respawn, aging. */
final class LifecycleProperties {
    private LifecycleProperties() {}

    static void register(Properties p) {
        p.add(Property.settable("weak", "destroy the container when its client disconnects", ANY_STATE,
                (s, c) -> Values.formatBool(c.weak), (s, c, who, v) -> Values.formatBool(Values.parseBool(v)), false));
        p.add(Property.settable("respawn", "restart the container after death", ANY_STATE,
                (s, c) -> "false", (s, c, who, v) -> Values.formatBool(Values.parseBool(v)), false));
        p.add(Property.settable("max_respawns", "limit of automatic respawns, -1 means unlimited", ANY_STATE,
                (s, c) -> "-1", (s, c, who, v) -> {
                    long n = Values.parseInteger(v);
                    if (n < -1)
                        throw Values.invalid("max_respawns must be -1 or more, got '" + v + "'");
                    return Long.toString(n);
                }, false));
        p.add(Property.settable("aging_time", "seconds before a dead container is destroyed", ANY_STATE,
                (s, c) -> Long.toString(24 * 3600), (s, c, who, v) -> Long.toString(Values.parseUnsigned(v)), false));
    }
}

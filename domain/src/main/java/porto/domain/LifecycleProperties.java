package porto.domain;

import static porto.domain.Property.ANY_STATE;

/** How a container lives and goes: weak, respawn, aging. */
final class LifecycleProperties {
    private LifecycleProperties() {}

    static final TypedProperty<Boolean> RESPAWN =
            TypedProperty.bool("respawn", "restart the container after death", ANY_STATE, false);
    static final TypedProperty<Long> MAX_RESPAWNS = TypedProperty.of("max_respawns",
            "limit of automatic respawns, -1 means unlimited", ANY_STATE, LifecycleProperties::parseMaxRespawns,
            String::valueOf, -1L);
    static final TypedProperty<Long> AGING_TIME = TypedProperty.of("aging_time",
            "seconds before a dead container is destroyed", ANY_STATE, Values::parseUnsigned, String::valueOf, 24 * 3600L)
            .defaultFor(c -> c.defaults.agingTimeS());

    /** Upstream's text: nanoseconds with "ns"; a plain number is nanoseconds too. */
    static final TypedProperty<Long> RESPAWN_DELAY = TypedProperty.of("respawn_delay",
            "delay before an automatic respawn: <ns>|<n>ms|<n>s", ANY_STATE, Values::parseNanos, ns -> ns + "ns", 1_000_000_000L)
            .defaultFor(c -> c.defaults.respawnDelayMs() * 1_000_000);

    static void register(Properties p) {
        p.add(Property.settable("weak", "destroy the container when its client disconnects", ANY_STATE,
                c -> Values.formatBool(c.weak), (c, who, v) -> Values.formatBool(Values.parseBool(v)), false));
        p.add(RESPAWN.entry());
        p.add(MAX_RESPAWNS.entry());
        p.add(RESPAWN_DELAY.entry());
        p.add(AGING_TIME.entry());
    }

    private static long parseMaxRespawns(String text) throws PortoException {
        long n = Values.parseInteger(text);
        if (n < -1)
            throw Values.invalid("max_respawns must be -1 or more, got '" + text + "'");
        return n;
    }
}

package porto.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TypedPropertyTest {
    private final Container c = new Container("a", new Container(ContainerName.HOST, null, 0), 1);

    @Test
    void theRegistryEntryValidatesAndKeepsCanonicalText() throws PortoException {
        Property entry = LifecycleProperties.MAX_RESPAWNS.entry();
        assertEquals("max_respawns", entry.name());
        Property.Setter setter = LifecycleProperties.MAX_RESPAWNS.setter(null, limit -> null); // what the registry binds
        assertEquals("7", setter.canonical(c, Caller.ROOT, "7"));
        PortoException e = assertThrows(PortoException.class, () -> setter.canonical(c, Caller.ROOT, "-2"));
        assertEquals(ErrorCode.InvalidValue, e.code());
        assertEquals("-1", entry.defaultValue(c));
    }

    @Test
    void theValueIsReadParsedAndParsedOncePerText() throws PortoException {
        assertEquals(86_400L, LifecycleProperties.AGING_TIME.value(c), "the default");
        assertFalse(LifecycleProperties.RESPAWN.value(c));
        c.config.put("aging_time", "5000");
        Long first = LifecycleProperties.AGING_TIME.value(c);
        assertEquals(5_000L, first);
        assertSame(first, LifecycleProperties.AGING_TIME.value(c), "kept, not parsed again");
        c.config.put("aging_time", "6000");
        assertEquals(6_000L, LifecycleProperties.AGING_TIME.value(c), "new text, new value");
    }

    @Test
    void aValueOtherThanTheDefaultNeedsTheKernelFeature() throws PortoException {
        assertEquals("0", MemoryProperties.ANON_LIMIT.canonical(null, limit -> "no memory.anon.limit", "0"), "the default needs nothing");
        assertEquals("2097152", MemoryProperties.ANON_LIMIT.canonical(null, limit -> null, "2M"));
        PortoException e = assertThrows(PortoException.class,
                () -> MemoryProperties.ANON_LIMIT.canonical(null, limit -> "no memory.anon.limit", "2M"));
        assertEquals(ErrorCode.NotSupported, e.code());
        assertEquals("anon_limit is not supported: no memory.anon.limit", e.getMessage());
        e = assertThrows(PortoException.class, () -> MemoryProperties.LIMIT.canonical(null, limit -> null, "1000"));
        assertEquals(ErrorCode.InvalidValue, e.code());
    }

    @Test
    void aCpuPercentageIsReadOnTheHostAndKeptAsCores() throws PortoException {
        DomainConfig host = DomainConfig.defaults(4, java.util.Map.of(), "h");
        assertEquals("2c", CpuProperties.LIMIT.canonical(() -> host, limit -> null, "50%"));
        assertEquals("1.5c", CpuProperties.GUARANTEE.canonical(() -> host, limit -> null, "1.5c"));
        c.config.put("cpu_limit", "2c");
        assertEquals(2.0, CpuProperties.LIMIT.value(c));
    }

    @Test
    void aDefaultMayDependOnTheContainer() throws PortoException {
        assertEquals(10_000L, ResourceProperties.THREAD_LIMIT.value(c), "first level");
        assertEquals(0L, ResourceProperties.THREAD_LIMIT.value(new Container("a/b", c, 2)), "deeper");
        assertEquals(true, ContextProperties.ISOLATE.value(c));
        c.config.put("virt_mode", "host");
        assertFalse(ContextProperties.ISOLATE.value(c), "host mode turns isolation off");
        PortoException e = assertThrows(PortoException.class,
                () -> ContextProperties.ISOLATE.setter(null, limit -> null).canonical(c, Caller.ROOT, "true"));
        assertEquals(ErrorCode.InvalidValue, e.code());
    }
}

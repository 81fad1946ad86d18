package porto.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import porto.domain.ErrorCode;
import porto.domain.PortoException;
import porto.domain.Ulimits;

class UlimitsTest {
    private static final long UNL = Ulimits.UNLIMITED;

    /** Upstream's default_ulimit; the manual's "memlock: 8M unlimited" comes from memlock_minimal at start. */
    @Test
    void upstreamsDefault() throws Exception {
        Map<String, Ulimits.Limit> d = Ulimits.parse(Ulimits.DEFAULT);
        assertEquals(Map.of("core", new Ulimits.Limit(0, UNL), "nofile", new Ulimits.Limit(8L << 10, 1L << 20)), d);
        assertEquals(Ulimits.DEFAULT.replace("8M", "8388608").replace("8K", "8192").replace("1M", "1048576"),
                Ulimits.format(d));
    }

    @Test
    void softAloneAndUnlimited() throws Exception {
        assertEquals(new Ulimits.Limit(100, 100), Ulimits.parse("nproc: 100").get("nproc"));
        assertEquals(new Ulimits.Limit(UNL, UNL), Ulimits.parse("stack: unlimited").get("stack"));
        assertEquals(new Ulimits.Limit(1024, UNL), Ulimits.parse("nofile: 1K unlimited").get("nofile"));
        assertEquals(7, Ulimits.resource("nofile"));
        assertEquals(4, Ulimits.resource("core"));
    }

    @Test
    void badLimitsAreInvalidValues() {
        for (String bad : new String[] {"bogus: 1", "nofile: 2 1", "nofile: unlimited 10", "nofile: 1 2 3",
                "nofile:", "nofile: lots", "nofile 1 2"}) {
            PortoException e = assertThrows(PortoException.class, () -> Ulimits.parse(bad), bad);
            assertEquals(ErrorCode.InvalidValue, e.code(), bad);
        }
    }

    @Property(tries = 300)
    void formatThenParseGivesTheSameLimits(@ForAll("limits") Map<String, Ulimits.Limit> limits) throws Exception {
        assertEquals(limits, Ulimits.parse(Ulimits.format(limits)));
    }

    @Provide
    Arbitrary<Map<String, Ulimits.Limit>> limits() {
        Arbitrary<Long> value = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.longs().between(0, 1L << 40)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(UNL)));
        Arbitrary<Ulimits.Limit> limit = Combinators.combine(value, value).as((a, b) -> {
            if (b == UNL)
                return new Ulimits.Limit(a, b);
            if (a == UNL)
                return new Ulimits.Limit(b, b);
            return new Ulimits.Limit(Math.min(a, b), Math.max(a, b));
        });
        return Arbitraries.maps(Arbitraries.of("core", "nofile", "nproc", "memlock", "stack", "cpu", "as"), limit)
                .ofMaxSize(4);
    }
}

package porto.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import porto.domain.ErrorCode;
import porto.domain.PortoException;
import porto.domain.Values;

class ValuesTest {

    private static void refused(String text) {
        PortoException e = assertThrows(PortoException.class, () -> Values.parseSize(text), text);
        assertEquals(ErrorCode.InvalidValue, e.code(), text);
    }

    @Test
    void sizeSuffixesAre1024Based() throws Exception {
        assertEquals(10, Values.parseSize("10"));
        assertEquals(10, Values.parseSize("10B"));
        assertEquals(1L << 10, Values.parseSize("1K"));
        assertEquals(1L << 20, Values.parseSize("1M"));
        assertEquals(1L << 30, Values.parseSize("1G"));
        assertEquals(1L << 40, Values.parseSize("1T"));
        assertEquals(1L << 50, Values.parseSize("1P"));
        assertEquals(1L << 60, Values.parseSize("1E"));
        assertEquals(7L << 60, Values.parseSize("7E"));
    }

    @Test
    void fractionsWithSuffixes() throws Exception {
        assertEquals(1536, Values.parseSize("1.5K"));
        assertEquals(3L << 29, Values.parseSize("1.5G"));
        assertEquals(256L << 20, Values.parseSize("0.25G"));
        assertEquals(1L << 20, Values.parseSize(" 1M "));
    }

    @Test
    void badSizesAreInvalidValues() {
        for (String bad : new String[] {"", " ", "M", "-1", "-1M", "1X", "1.2.3M", "one", "8E", "1MB", "0x10"})
            refused(bad);
    }

    @Property(tries = 300)
    void suffixScalesTheNumber(@ForAll @IntRange(min = 0, max = 1023) int n, @ForAll @IntRange(min = 0, max = 5) int power)
            throws Exception {
        String suffix = "BKMGTP".substring(power, power + 1);
        assertEquals((long) n << (10 * power), Values.parseSize(n + suffix));
    }

    @Test
    void mapsKeepOrderAndEscapes() throws Exception {
        Map<String, String> m = Values.parseMap("b: 2; a: x\\;y; PATH=/bin", true);
        assertEquals(Map.of("b", "2", "a", "x;y", "PATH", "/bin"), m);
        assertEquals("b: 2; a: x\\;y; PATH: /bin", Values.formatMap(m));
        assertEquals(m, Values.parseMap(Values.formatMap(m), true));
        assertEquals(ErrorCode.InvalidValue,
                assertThrows(PortoException.class, () -> Values.parseMap("novalue", false)).code());
    }

    @Test
    void booleansAndCpu() throws Exception {
        assertEquals(true, Values.parseBool(" true"));
        assertEquals(ErrorCode.InvalidValue, assertThrows(PortoException.class, () -> Values.parseBool("yes")).code());
        assertEquals(1.0, Values.parseCpu("50%", 2));
        assertEquals(1.5, Values.parseCpu("1.5c", 2));
        assertEquals("1.5c", Values.formatCpu(1.5));
        assertEquals("2c", Values.formatCpu(2));
        // As upstream: more than the host's cores is accepted as asked.
        assertEquals(3.0, Values.parseCpu("3c", 2));
        assertEquals(4.0, Values.parseCpu("200%", 2));
        assertEquals(ErrorCode.InvalidValue, assertThrows(PortoException.class, () -> Values.parseCpu("-1c", 2)).code());
    }

    @Test
    void durationsAreNanosecondsUnlessSuffixed() throws Exception {
        assertEquals(100_000_000, Values.parseNanos("100000000"));
        assertEquals(100_000_000, Values.parseNanos("100ms"));
        assertEquals(1_000_000_000, Values.parseNanos("1s"));
        assertEquals(1_500_000, Values.parseNanos("1.5ms"));
        assertEquals(500_000, Values.parseNanos("500us"));
        for (String bad : new String[] {"", "ms", "-1ms", "1h", "soon"})
            assertEquals(ErrorCode.InvalidValue, assertThrows(PortoException.class, () -> Values.parseNanos(bad)).code(), bad);
    }

    @Test
    void weightsStayWithinTheManualsRange() throws Exception {
        assertEquals(0.01, Values.parseWeight("0.01", "w"));
        assertEquals(100, Values.parseWeight("100", "w"));
        for (String bad : new String[] {"0", "0.001", "101", "NaN", "Infinity", "heavy"})
            assertEquals(ErrorCode.InvalidValue, assertThrows(PortoException.class, () -> Values.parseWeight(bad, "w")).code(), bad);
        assertEquals("2.5", Values.formatNumber(2.5));
        assertEquals("1", Values.formatNumber(1.0));
    }

    @Property(tries = 300)
    void formattedSizesParseBackWithinRounding(@ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int bytes) throws Exception {
        long parsed = Values.parseSize(Values.formatSize(bytes));
        assertTrue(Math.abs(parsed - bytes) <= bytes / 20 + 1, Values.formatSize(bytes) + " for " + bytes);
    }
}

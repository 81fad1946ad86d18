package porto.cli.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import porto.cli.Getopt;

class GetoptTest {

    private static Getopt parse(String spec, String... args) throws Getopt.UsageException {
        return Getopt.parse(List.of(args), spec, false);
    }

    @Test
    void optionWithSeparateOrAttachedArgument() throws Exception {
        Getopt g = parse("T:", "-T", "5", "a", "b");
        assertEquals(List.of(new Getopt.Opt('T', "5")), g.options);
        assertEquals(List.of("a", "b"), g.rest);

        g = parse("T:", "-T7", "a");
        assertEquals(List.of(new Getopt.Opt('T', "7")), g.options);
        assertEquals(List.of("a"), g.rest);
    }

    @Test
    void clusteredFlags() throws Exception {
        Getopt g = parse("nsrk", "-ns", "-k", "ct", "state");
        assertEquals(List.of(new Getopt.Opt('n', null), new Getopt.Opt('s', null), new Getopt.Opt('k', null)),
                g.options);
        assertEquals(List.of("ct", "state"), g.rest);
    }

    @Test
    void scanningStopsAtTheFirstWord() throws Exception {
        Getopt g = parse("W", "ct", "command=ls -l", "-W");
        assertEquals(List.of(), g.options);
        assertEquals(List.of("ct", "command=ls -l", "-W"), g.rest);

        g = parse("W", "-", "-W");
        assertEquals(List.of("-", "-W"), g.rest, "a lone dash is a word");
    }

    @Test
    void doubleDashEndsOptions() throws Exception {
        assertEquals(List.of("-x"), parse("n", "--", "-x").rest);
        Getopt kept = Getopt.parse(List.of("-n", "--", "state"), "n", true);
        assertEquals(List.of("--", "state"), kept.rest);
        assertEquals(1, kept.options.size());
    }

    @Test
    void diagnosticsAreGetopts() {
        Getopt.UsageException e = assertThrows(Getopt.UsageException.class, () -> parse("T:", "-x", "a"));
        assertEquals("portoctl: invalid option -- 'x'", e.getMessage());
        e = assertThrows(Getopt.UsageException.class, () -> parse("T:", "-T"));
        assertEquals("portoctl: option requires an argument -- 'T'", e.getMessage());
    }
}

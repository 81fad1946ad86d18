package porto.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import porto.domain.CommandLine;
import porto.domain.ErrorCode;
import porto.domain.PortoException;

/** Expected words are what glibc's wordexp(3) with WRDE_NOCMD | WRDE_UNDEF gives for the same text. */
class CommandLineTest {
    private static final Map<String, String> ENV = Map.of("V", "1", "HOME", "/home/x", "ARGS", "a b");

    private static List<String> split(String command) throws PortoException {
        return CommandLine.split(command, ENV);
    }

    private static void refused(String command) {
        PortoException e = assertThrows(PortoException.class, () -> split(command), command);
        assertEquals(ErrorCode.InvalidCommand, e.code(), command);
    }

    @Test
    void wordsAndQuotes() throws Exception {
        assertEquals(List.of("sleep", "1000"), split("sleep   1000"));
        assertEquals(List.of("x y", "z1"), split("'x y' \"z$V\""));
        assertEquals(List.of("a b"), split("a\\ b"));
        assertEquals(List.of("$V"), split("'$V'"));
        assertEquals(List.of("", "x"), split("'' x"));
        assertEquals(List.of("say \"hi\""), split("\"say \\\"hi\\\"\""));
    }

    @Test
    void variablesExpandFromTheEnvironment() throws Exception {
        assertEquals(List.of("cd", "/home/x"), split("cd $HOME"));
        assertEquals(List.of("1x"), split("${V}x"));
        assertEquals(List.of("echo", "a b"), split("echo \"$ARGS\""));
    }

    @Test
    void undefinedVariablesAndSubstitutionsAreRefused() {
        refused("echo $NOPE");
        refused("echo \"${NOPE}\"");
        refused("echo $(id)");
        refused("echo \"$(id)\"");
        refused("echo `id`");
    }

    @Test
    void shellSyntaxAndBrokenQuotingAreRefused() {
        for (String bad : new String[] {"a | b", "a; b", "a && b", "a > f", "a < f", "(a)", "{a}", "'open", "\"open",
                "trailing\\", "${V"})
            refused(bad);
        refused("   ");
    }

    /** wordexp splits the result of an unquoted expansion into fields (IFS: space, tab, newline). */
    @Property(tries = 50)
    void unquotedExpansionsAreSplitIntoFields(@ForAll("fields") List<String> fields) throws Exception {
        Map<String, String> env = Map.of("ARGS", String.join(" ", fields));
        List<String> expected = new java.util.ArrayList<>(List.of("run"));
        expected.addAll(fields);
        assertEquals(expected, CommandLine.split("run $ARGS", env));
        assertEquals(List.of("run", String.join(" ", fields)), CommandLine.split("run \"$ARGS\"", env));
    }

    @Provide
    Arbitrary<List<String>> fields() {
        return Arbitraries.strings().withChars("abc-=/").ofMinLength(1).ofMaxLength(4).list().ofMinSize(2).ofMaxSize(4);
    }
}

package porto.props;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Collections;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import porto.domain.ContainerName;
import porto.domain.ErrorCode;
import porto.domain.PortoException;

class ContainerNameTest {

    private static void valid(String name) {
        assertDoesNotThrow(() -> ContainerName.validate(name), name);
    }

    private static void invalid(String name) {
        PortoException e = assertThrows(PortoException.class, () -> ContainerName.validate(name), name);
        assertEquals(ErrorCode.InvalidValue, e.code(), name);
    }

    private static String levels(int n) {
        return String.join("/", Collections.nCopies(n, "a"));
    }

    @Test
    void wholeNameIsLimitedTo200Characters() {
        String name200 = "x".repeat(100) + "/" + "y".repeat(99);
        assertEquals(200, name200.length());
        valid(name200);
        invalid(name200 + "z");
    }

    @Test
    void componentIsLimitedTo128Characters() {
        valid("c".repeat(128));
        invalid("c".repeat(129));
        valid("a/" + "c".repeat(128));
        invalid("a/" + "c".repeat(129));
    }

    @Test
    void nestingIsLimitedTo16Levels() {
        valid(levels(16));
        invalid(levels(17));
        assertEquals(16, ContainerName.level(levels(16)));
    }

    @Test
    void onlyTheManualsCharactersAreAllowed() {
        valid("aZ09_-@:.");
        for (String bad : new String[] {"a b", "a*", "a$", "é", "a\tb", "a,b", "a+b", "a\\b"})
            invalid(bad);
    }

    @Test
    void emptyAndReservedComponentsAreRefused() {
        for (String bad : new String[] {"", "/", "/a", "a/", "a//b", "self", "a/self", ".", "..", "a/../b"})
            invalid(bad);
        valid("selfish/..x/.a");
    }

    @Test
    void parentsAndAbsoluteNames() {
        assertEquals("/", ContainerName.parent("a"));
        assertEquals("a/b", ContainerName.parent("a/b/c"));
        assertEquals("/porto/a/b", ContainerName.absolute("a/b"));
        assertEquals("/", ContainerName.absolute("/"));
        assertEquals(true, ContainerName.isWithin("a/b", "a"));
        assertEquals(false, ContainerName.isWithin("ab", "a"));
    }

    /** The domain agrees with the manual's rules, written out independently in {@link NameRules}. */
    @Property(tries = 2000)
    void validateAgreesWithTheManual(@ForAll("nameLike") String name) {
        boolean accepted;
        try {
            ContainerName.validate(name);
            accepted = true;
        } catch (PortoException e) {
            assertEquals(ErrorCode.InvalidValue, e.code());
            accepted = false;
        }
        assertEquals(NameRules.valid(name), accepted, "name '" + name + "'");
    }

    @Provide
    Arbitrary<String> nameLike() {
        Arbitrary<String> component = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.strings().withChars("ab_-@:.Z9").ofMinLength(0).ofMaxLength(6)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("self", ".", "..", "a b", "é", "*")),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(120, 135).map("q"::repeat)));
        return component.list().ofMinSize(1).ofMaxSize(18).map(parts -> String.join("/", parts));
    }
}

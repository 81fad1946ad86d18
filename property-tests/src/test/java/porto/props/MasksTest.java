package porto.props;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import porto.domain.Masks;

class MasksTest {

    @Test
    void starAndQuestionMarkStayWithinOneLevel() {
        assertTrue(Masks.matches("a/b", "a/*"));
        assertFalse(Masks.matches("a/b/c", "a/*"));
        assertTrue(Masks.matches("a/b/c", "a/*/c"));
        assertTrue(Masks.matches("web-1", "web-?"));
        assertFalse(Masks.matches("web/1", "web?1"));
        assertFalse(Masks.matches("a/b", "*"));
        assertTrue(Masks.matches("abc", "*"));
        assertTrue(Masks.matches("", "*"));
    }

    @Test
    void tripleStarMatchesAcrossLevels() {
        assertTrue(Masks.matches("a/b/c", "***"));
        assertTrue(Masks.matches("a/b/c", "a/***"));
        assertTrue(Masks.matches("a/b/c", "a***c"));
        assertFalse(Masks.matches("b/a", "a/***"));
    }

    @Test
    void literalsMatchExactly() {
        assertTrue(Masks.matches("a/b", "a/b"));
        assertFalse(Masks.matches("a/b", "a/bc"));
        assertFalse(Masks.matches("a/bc", "a/b"));
        assertFalse(Masks.isMask("a/b.c:d"));
        assertTrue(Masks.isMask("a*"));
        assertTrue(Masks.isMask("a?"));
    }

    @Property(tries = 500)
    void everyNameMatchesItselfAndTripleStar(@ForAll("names") String name) {
        assertTrue(Masks.matches(name, name));
        assertTrue(Masks.matches(name, "***"));
    }

    @Property(tries = 500)
    void starNeverCrossesASlash(@ForAll("names") String name) {
        assertTrue(Masks.matches(name, "*") == !name.contains("/"), name);
        int levels = name.split("/", -1).length;
        assertTrue(Masks.matches(name, String.join("/", java.util.Collections.nCopies(levels, "*"))), name);
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withChars("ab.-").ofMinLength(1).ofMaxLength(3)
                .list().ofMinSize(1).ofMaxSize(4).map(p -> String.join("/", p));
    }
}

package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** "portoctl list" in upstream's forms: -1 names, -t first level, -r running, -f forest, patterns. */
class PortoctlListTest extends PortodTest {

    @Test
    void listFormsAsUpstream() throws Exception {
        ok("create", "la");
        ok("create", "la/b");
        ok("run", "la/b/c", "command=sleep 1000");
        ok("create", "lz");
        try {
            assertEquals("la\nla/b\nla/b/c\nlz\n", ok("list", "-1").out());
            assertEquals("la\nlz\n", ok("list", "-1", "-t").out());
            assertEquals("la/b/c\n", ok("list", "-1", "-r").out());
            assertEquals("la\n \\_ b\n    \\_ c\nlz\n", ok("list", "-1f").out(), "the forest, options clustered");
            assertEquals("la/b\n", ok("list", "-1", "la/*").out(), "a pattern: * stays in one level");
            assertEquals("la\nla/b\nla/b/c\n", ok("list", "-1", "la***").out(), "*** crosses levels");

            String[] lines = ok("list").out().split("\n");
            assertEquals(4, lines.length);
            // name padded to the longest name + 2 (at least 10), state right-aligned in 10, time in 12
            assertTrue(lines[0].startsWith("la        " + "      meta"), lines[0]);
            assertTrue(lines[2].startsWith("la/b/c    " + "   running"), lines[2]);
            assertEquals(10 + 10 + 12, lines[2].length(), "a running container shows its time: [" + lines[2] + "]");
            assertEquals("lz        " + "   stopped", lines[3], "a stopped one shows no time");

            ok("set", "la/b", "labels", "TEST.tier: gold");
            ok("set", "lz", "labels", "TEST.tier: silver");
            assertEquals("la/b\nlz\n", ok("list", "-1", "-L", "TEST.tier").out(), "-L: the containers with the label");
            assertEquals("lz\n", ok("list", "-1", "-L", "TEST.tier=silver").out(), "-L label=value");
            assertEquals("", ok("list", "-1", "-L", "TEST.none").out());
            assertTrue(ok("list", "-L", "TEST.tier=gold").out().startsWith("la/b"), "with the columns");
        } finally {
            ok("destroy", "la");
            ok("destroy", "lz");
        }
    }
}

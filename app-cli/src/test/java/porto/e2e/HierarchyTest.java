package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The quick start's "Hierarchy" section: children in a running parent, and meta containers. */
class HierarchyTest extends PortodTest {
    @Test
    void childrenRunInsideTheirRunningParent() throws Exception {
        ok("run", "parent", "command=sleep 1000");
        ok("run", "parent/child", "command=sleep 100", "isolate=false");
        ok("run", "parent/ps", "command=ps aux", "isolate=false");
        portod.awaitState("parent/ps", "dead", Duration.ofSeconds(30));
        assertEquals("running", get("parent", "state"));
        assertEquals("running", get("parent/child", "state"));
        String[] ps = ok("get", "parent/ps", "stdout").out().strip().split("\n");
        assertEquals(4, ps.length, String.join("\n", ps));
        assertTrue(ps[1].matches("\\S+\\s+1 .*sleep 1000$"), ps[1]);
        assertTrue(ps[2].endsWith("sleep 100"), ps[2]);
        assertTrue(ps[3].endsWith("ps aux"), ps[3]);
        ok("stop", "parent");
        assertEquals("stopped", get("parent/child", "state"));
        assertEquals("stopped", get("parent", "state"));
        ok("destroy", "parent");
        assertTrue(portod.cgroupsEmpty(), "no cgroup is left behind");
    }

    @Test
    void metaParentBoundsItsChildren() throws Exception {
        ok("create", "meta");
        ok("set", "meta", "memory_limit", "1073741824");
        ok("run", "meta/child1", "command=sleep 1000");
        ok("run", "meta/child2", "command=sleep 1000");
        assertEquals("meta", get("meta", "state"));
        assertEquals("running", get("meta/child1", "state"));
        assertEquals("running", get("meta/child2", "state"));
        ok("stop", "meta");
        assertEquals("stopped", get("meta/child1", "state"));
        assertEquals("stopped", get("meta/child2", "state"));
        ok("destroy", "meta");
    }

    @Test
    void metaWithoutIsolationLeavesChildrenInTheHostNamespaces() throws Exception {
        ok("create", "meta2");
        ok("set", "meta2", "isolate", "false");
        ok("run", "meta2/child1", "isolate=false", "command=sleep 1000");
        ok("run", "meta2/child2", "isolate=false", "command=ps aux");
        portod.awaitState("meta2/child2", "dead", Duration.ofSeconds(30));
        int lines = ok("get", "meta2/child2", "stdout").out().strip().split("\n").length;
        assertTrue(lines > 10, "ps in the host pid namespace sees the host: " + lines + " lines");
        ok("destroy", "meta2");
    }

    @Test
    void isolatedMetaHoldsNamespacesForItsChildren() throws Exception {
        ok("create", "meta3");
        ok("run", "meta3/child1", "isolate=false", "command=sleep 1000");
        ok("run", "meta3/child2", "isolate=false", "command=ps aux");
        portod.awaitState("meta3/child2", "dead", Duration.ofSeconds(30));
        String[] ps = ok("get", "meta3/child2", "stdout").out().strip().split("\n");
        assertEquals(4, ps.length, String.join("\n", ps));
        assertTrue(ps[1].matches("\\S+\\s+1 .*portoinit$"), ps[1]);
        assertTrue(ps[2].endsWith("sleep 1000"), ps[2]);
        assertEquals("meta", get("meta3", "state"));
        ok("destroy", "meta3");
    }

    @Test
    void childCannotStartUnderADeadParent() throws Exception {
        ok("run", "short", "command=true");
        portod.awaitState("short", "dead", Duration.ofSeconds(30));
        ok("create", "short/child");
        ok("set", "short/child", "command", "sleep 1000");
        PortodProcess.Run r = portod.portoctl("start", "short/child");
        assertTrue(r.code() != 0 && r.err().contains("InvalidState"), r.err());
        ok("destroy", "short");
    }

    @Test
    void startingAChildStartsItsStoppedParents() throws Exception {
        ok("create", "up");
        ok("create", "up/mid");
        ok("run", "up/mid/leaf", "command=sleep 1000");
        assertEquals("meta", get("up", "state"));
        assertEquals("meta", get("up/mid", "state"));
        assertEquals("running", get("up/mid/leaf", "state"));
        ok("destroy", "up");
    }
}

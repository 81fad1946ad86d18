package porto.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import porto.domain.State;

/** Properties that pinned down domain bugs the random sequences found, kept so they stay fixed. */
class RegressionProperties {

    /** Names "a", "a/a", ... of the given depth. */
    private static List<String> chain(int depth) {
        List<String> names = new ArrayList<>();
        String n = "a";
        for (int i = 0; i < depth; i++) {
            names.add(n);
            n = n + "/a";
        }
        return names;
    }

    /**
     * Pause a container, then one of its ancestors, then resume that ancestor: everything the
     * resume reports running or meta must be thawed in the kernel.
     */
    @Property(tries = 30)
    void resumeThawsWhatItMarksRunning(@ForAll @IntRange(min = 2, max = 4) int depth,
                                       @ForAll @IntRange(min = 0, max = 3) int ancestorPick,
                                       @ForAll boolean leafRuns) throws Exception {
        World w = new World();
        List<String> names = chain(depth);
        for (String n : names)
            w.service.create(World.ROOT, n, false);
        String leaf = names.get(depth - 1);
        if (leafRuns)
            w.service.set(World.ROOT, leaf, "command", "sleep 1000");
        w.service.start(World.ROOT, leaf);
        String ancestor = names.get(ancestorPick % (depth - 1));

        w.service.pause(World.ROOT, leaf);
        w.service.pause(World.ROOT, ancestor);
        w.service.resume(World.ROOT, ancestor);
        w.kernel.deliverExits();

        for (String n : names) {
            State s = w.state(n);
            assertTrue(s == State.RUNNING || s == State.META, n + " is " + s);
            assertFalse(w.kernel.cgroups().isFrozen(n), n + " is " + s + " but its cgroup is still frozen");
        }
    }

    /**
     * When a container's task exits, the container is dead and so is everything active below it:
     * no descendant may stay running, meta or paused, and none may be started below it.
     */
    @Property(tries = 30)
    void deathTakesTheWholeSubtree(@ForAll @Size(min = 1, max = 3) List<Boolean> metaIsolation,
                                   @ForAll @IntRange(min = 0, max = 255) int code) throws Exception {
        World w = new World();
        w.service.create(World.ROOT, "a", false);
        w.service.set(World.ROOT, "a", "command", "sleep 1000");
        w.service.start(World.ROOT, "a");
        String n = "a";
        for (boolean isolate : metaIsolation) {
            n = n + "/m";
            w.service.create(World.ROOT, n, false);
            w.service.set(World.ROOT, n, "isolate", Boolean.toString(isolate));
            w.service.start(World.ROOT, n);
        }
        int pid = Integer.parseInt(w.service.get("a", "root_pid"));

        w.kernel.processes().exit(pid, code);
        w.kernel.deliverExits();

        assertEquals(State.DEAD, w.state("a"));
        for (World.View d : Invariants.descendants(w.views(), "a"))
            assertTrue(d.state() == State.DEAD || d.state() == State.STOPPED,
                    d.name() + " is still " + d.state() + " under dead a");
        String deepest = n;
        w.service.create(World.ROOT, deepest + "/late", false);
        w.service.set(World.ROOT, deepest + "/late", "command", "sleep 1000");
        assertEquals(porto.domain.ErrorCode.InvalidState,
                World.outcome(() -> w.service.start(World.ROOT, deepest + "/late")),
                "starting a task below dead a must be refused");
    }
}

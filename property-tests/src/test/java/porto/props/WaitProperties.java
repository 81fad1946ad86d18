package porto.props;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import porto.domain.PortoException;
import porto.fake.Program;

/** The synchronous Wait runs in simulated time: it ends at the death it waits for, or at its timeout. */
class WaitProperties {

    @Property(tries = 200)
    void aWaitEndsAtTheDeathOrAtTheTimeout(@ForAll @IntRange(min = 1, max = 5_000) int lifeMs,
                                           @ForAll @IntRange(min = 0, max = 5_000) int timeoutMs) throws PortoException {
        World w = new World();
        w.kernel.launcher().define("lives", Program.exitsAfter(lifeMs, 0));
        w.service.create(World.ROOT, "a", false);
        w.service.set(World.ROOT, "a", "command", "lives");
        w.service.start(World.ROOT, "a");
        long t0 = w.kernel.clock().elapsedNanos();

        String[] seen = w.service.waitFor(List.of("a"), timeoutMs, null);

        long waitedMs = (w.kernel.clock().elapsedNanos() - t0) / 1_000_000;
        if (lifeMs <= timeoutMs) {
            assertArrayEquals(new String[] {"a", "dead"}, seen);
            assertEquals(lifeMs, waitedMs, "the wait ends when the task dies");
        } else {
            assertNull(seen, "timed out");
            assertEquals(timeoutMs, waitedMs, "the wait ends at its timeout");
        }
        Invariants.check(w);
    }
}

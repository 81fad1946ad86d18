package porto.props;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import porto.ports.Cgroups.Limit;

/**
 * pressurize_on_death on the fake kernel: whatever its children do (start, die, stop), a meta
 * container with the property has the tiny soft limit exactly while none of them lives, and a dead
 * child with the property has it too.
 */
class PressurizeProperties {
    private static final int CHILDREN = 3;
    private static final long DEAD_LIMIT = 1L << 20;

    @Property(tries = 60)
    void aMetaParentIsPressurizedExactlyWhileNoChildLives(
            @ForAll @Size(max = 12) List<@IntRange(min = 0, max = 3 * CHILDREN - 1) Integer> steps) throws Exception {
        World w = new World();
        w.service.create(World.ROOT, "m", false);
        w.service.set(World.ROOT, "m", "pressurize_on_death", "true");
        w.service.start(World.ROOT, "m");
        for (int i = 0; i < CHILDREN; i++) {
            w.service.create(World.ROOT, "m/c" + i, false);
            w.service.set(World.ROOT, "m/c" + i, "command", "sleep 1000");
            w.service.set(World.ROOT, "m/c" + i, "pressurize_on_death", "true");
        }
        check(w);
        for (int step : steps) {
            String child = "m/c" + step % CHILDREN;
            String state = w.get(child, "state");
            switch (step / CHILDREN) {
                case 0 -> {
                    if (state.equals("dead"))
                        w.service.stop(World.ROOT, child, 1000);
                    if (!state.equals("running"))
                        w.service.start(World.ROOT, child);
                }
                case 1 -> {
                    if (state.equals("running"))
                        w.service.kill(World.ROOT, child, 9);
                }
                default -> {
                    if (!state.equals("stopped"))
                        w.service.stop(World.ROOT, child, 1000);
                }
            }
            w.kernel.deliverExits();
            check(w);
        }
    }

    private static void check(World w) {
        boolean hollow = true;
        for (int i = 0; i < CHILDREN; i++) {
            String name = "m/c" + i;
            String state = w.get(name, "state");
            if (state.equals("running") || state.equals("starting"))
                hollow = false;
            if (state.equals("dead"))
                assertEquals(DEAD_LIMIT, w.kernel.cgroups().limit(name, Limit.MEMORY_SOFT_LIMIT).orElse(-1), name + " is dead");
        }
        assertEquals(hollow ? DEAD_LIMIT : 0, w.kernel.cgroups().limit("m", Limit.MEMORY_SOFT_LIMIT).orElse(-1),
                "m with children " + List.of(w.get("m/c0", "state"), w.get("m/c1", "state"), w.get("m/c2", "state")));
    }
}

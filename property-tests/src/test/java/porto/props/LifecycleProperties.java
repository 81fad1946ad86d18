package porto.props;

import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.ShrinkingMode;

/**
 * Random sequences of requests and machine events on one daemon over the fake kernel. Each step
 * checks its own outcome (success or the expected error code) and then every invariant.
 */
class LifecycleProperties {

    @Property(tries = 1000, shrinking = ShrinkingMode.FULL)
    void everyStepKeepsTheInvariants(@ForAll("sequences") List<Action> steps) {
        run(steps);
    }

    /** After any sequence, a restarted daemon shows the same tree and then keeps every invariant. */
    @Property(tries = 300, shrinking = ShrinkingMode.FULL, edgeCases = EdgeCasesMode.NONE)
    void aRestartedDaemonTakesEverythingBack(@ForAll("sequences") List<Action> steps,
                                             @ForAll("restarts") Action restart) {
        World w = run(steps);
        restart.apply(w);
        Invariants.check(w);
        // and it keeps working: one more round of the same steps on the new daemon
        for (Action a : steps) {
            a.apply(w);
            Invariants.check(w);
        }
    }

    static World run(List<Action> steps) {
        World w = new World();
        Invariants.check(w);
        for (Action a : steps) {
            a.apply(w);
            Invariants.check(w);
            Coverage.states(w.views());
        }
        return w;
    }

    @Provide
    Arbitrary<List<Action>> sequences() {
        return Generators.actions().list().ofMinSize(1).ofMaxSize(40).withSizeDistribution(RandomDistribution.uniform());
    }

    @Provide
    Arbitrary<Action> restarts() {
        return Generators.restarts();
    }
}

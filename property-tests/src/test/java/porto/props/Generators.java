package porto.props;

import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import porto.domain.State;

/** Random steps over small trees whose names collide often. */
final class Generators {
    private Generators() {}

    static final List<String> COMMANDS = List.of("sleep 1000", "", "true", "false", "deaf", "stubborn",
            "'sleep' \"10 00\"", "sleep $PORTO_NAME", "__missing --flag", "echo $NOPE", "sleep $(date)",
            "sleep 1 | cat", "`id`");
    static final List<String> MEMORY = List.of("0", "16M", "1G", "1.5G", "2048K", "100K", "512", "lots", "-1M", "");
    static final List<String> ODD_NAMES = List.of("a b", "a//b", "a/", "/a", "self", "a/..", ".", "a/self/b", "é",
            "x".repeat(129), "y".repeat(128), "a/" + "z".repeat(199), "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q", "",
            "/", "/porto/a", "a*", "-_@:.");

    /** "a", "b/c", ... up to four levels over the alphabet {a, b, c}. */
    static Arbitrary<String> names() {
        Arbitrary<String> component = Arbitraries.of("a", "b", "c");
        return Arbitraries.frequencyOf(
                Tuple.of(4, component.list().ofSize(1)),
                Tuple.of(3, component.list().ofSize(2)),
                Tuple.of(2, component.list().ofSize(3)),
                Tuple.of(1, component.list().ofSize(4))).map(parts -> String.join("/", parts));
    }

    static Arbitrary<Action.Target> targets() {
        Arbitrary<Integer> index = Arbitraries.integers().between(0, 15);
        return Arbitraries.frequencyOf(
                Tuple.of(1, names().map(Action.Named::new)),
                Tuple.of(6, index.map(Action.Existing::new)));
    }

    /** Mostly a container in one of {@code states}, sometimes any target. */
    static Arbitrary<Action.Target> targets(State... states) {
        Arbitrary<Integer> index = Arbitraries.integers().between(0, 15);
        Set<State> wanted = Set.of(states);
        return Arbitraries.frequencyOf(
                Tuple.of(2, targets()),
                Tuple.of(3, index.map(i -> new Action.InState(wanted, i))));
    }

    static Arbitrary<Action.Target> createTargets() {
        Arbitrary<Integer> index = Arbitraries.integers().between(0, 15);
        return Arbitraries.frequencyOf(
                Tuple.of(2, names().map(Action.Named::new)),
                Tuple.of(2, Combinators.combine(index, Arbitraries.of("a", "b", "c")).as(Action.ChildOf::new)));
    }

    static Arbitrary<Action> actions() {
        Arbitrary<Action.Target> t = targets();
        Arbitrary<Integer> index = Arbitraries.integers().between(0, 15);
        return Arbitraries.frequencyOf(
                Tuple.of(6, createTargets().map(Action.Create::new)),
                Tuple.of(5, Combinators.combine(createTargets(), Arbitraries.of(COMMANDS)).as(Action.Run::new)),
                Tuple.of(8, targets(State.STOPPED).map(Action.Start::new)),
                Tuple.of(3, Combinators.combine(targets(State.RUNNING, State.META, State.PAUSED, State.DEAD), Arbitraries.of(0L, 0L, 30L)).as(Action.Stop::new)),
                Tuple.of(2, targets(State.DEAD).map(Action.Restart::new)),
                Tuple.of(3, Combinators.combine(targets(State.RUNNING), Arbitraries.of(9, 15, 2)).as(Action.Kill::new)),
                Tuple.of(3, targets(State.RUNNING, State.META).map(Action.Pause::new)),
                Tuple.of(3, targets(State.PAUSED).map(Action.Resume::new)),
                Tuple.of(2, t.map(Action.Destroy::new)),
                Tuple.of(3, Combinators.combine(t, Arbitraries.of(MEMORY)).as(Action.SetMemoryLimit::new)),
                Tuple.of(3, Combinators.combine(targets(State.STOPPED), Arbitraries.of(COMMANDS)).as(Action.SetCommand::new)),
                Tuple.of(2, Combinators.combine(targets(State.STOPPED), Arbitraries.of(true, false)).as(Action.SetIsolate::new)),
                Tuple.of(1, Combinators.combine(Arbitraries.of("create", "start", "stop", "destroy", "get"),
                        Arbitraries.of(ODD_NAMES)).as(Action.OddName::new)),
                Tuple.of(3, Combinators.combine(index, Arbitraries.of(0, 1, 42, 255)).as(Action.ExitTask::new)),
                Tuple.of(1, index.map(Action.Fork::new)),
                Tuple.of(2, Arbitraries.of(1L, 5L, 100L, 4_000L).map(Action.Advance::new)),
                Tuple.of(1, restarts()));
    }

    static Arbitrary<Action> restarts() {
        Arbitrary<Integer> pick = Arbitraries.integers().between(0, 15);
        Arbitrary<Integer> code = Arbitraries.of(-1, 0, 3);
        return Combinators.combine(pick, code).as(Action.DownEvent::new).list().ofMaxSize(2)
                .map(Action.RestartDaemon::new);
    }
}

package porto.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Example;
import porto.domain.ErrorCode;
import porto.domain.State;
import porto.domain.StateMachine;
import porto.domain.StateMachine.Event;
import porto.fake.Program;

/**
 * The container state machine against the manual's table ("Operations" in the manual):
 * random sequences of operations on a two-level tree, each checked against a model that knows
 * only the manual's arrows, and the transition table itself checked move by move.
 */
class StateMachineProperties {

    /** The manual's arrows, written down independently of the domain's table. */
    private static final Map<Event, Map<State, Set<State>>> MANUAL = new HashMap<>();

    static {
        arrow(Event.START, State.STOPPED, State.STARTING);
        arrow(Event.STARTED, State.STARTING, State.RUNNING);
        arrow(Event.STARTED_META, State.STARTING, State.META);
        arrow(Event.START_FAILED, State.STARTING, State.STOPPED);
        // stop: running | meta | dead -> stopped; a paused container is thawed and stopped too.
        for (State s : List.of(State.RUNNING, State.META, State.DEAD, State.PAUSED))
            arrow(Event.STOP, s, State.STOPPED);
        // death: running -> dead; a meta's init and a frozen task can die as well.
        for (State s : List.of(State.RUNNING, State.META, State.PAUSED))
            arrow(Event.DEATH, s, State.DEAD);
        arrow(Event.PAUSE, State.RUNNING, State.PAUSED);
        arrow(Event.PAUSE, State.META, State.PAUSED);
        arrow(Event.RESUME, State.PAUSED, State.RUNNING);
        arrow(Event.RESUME_META, State.PAUSED, State.META);
    }

    private static void arrow(Event e, State from, State to) {
        MANUAL.computeIfAbsent(e, k -> new HashMap<>()).computeIfAbsent(from, k -> EnumSet.noneOf(State.class)).add(to);
    }

    @Example
    void theTableIsTheManualsAndNothingMore() {
        for (State from : State.values()) {
            for (Event e : Event.values()) {
                Set<State> allowed = MANUAL.getOrDefault(e, Map.of()).getOrDefault(from, Set.of());
                State to = StateMachine.next(from, e);
                if (allowed.isEmpty())
                    assertNull(to, e + " from " + from);
                else
                    assertEquals(allowed, Set.of(to), e + " from " + from);
            }
        }
    }

    /** An operation on "a" or "a/b". */
    record Op(String kind, String name) {
        @Override
        public String toString() {
            return kind + " " + name;
        }
    }

    @Property(tries = 500, shrinking = ShrinkingMode.FULL)
    void randomOperationsFollowTheManual(@ForAll boolean parentIsMeta, @ForAll("operations") List<Op> ops) {
        World w = new World();
        w.kernel.launcher().define("work", Program.forever());
        Model m = new Model(parentIsMeta);
        create(w, m, "a");
        create(w, m, "a/b");
        for (Op op : ops) {
            ErrorCode expected = m.apply(op);
            ErrorCode actual = World.outcome(() -> run(w, op));
            w.kernel.deliverExits();
            if (op.kind.equals("create") && actual == ErrorCode.Success)
                setCommand(w, m, op.name);
            assertEquals(expected, actual, op.toString());
            assertEquals(m.states, w.states(), "states after " + op);
        }
    }

    private static void create(World w, Model m, String name) {
        m.apply(new Op("create", name));
        World.outcome(() -> w.service.create(World.ROOT, name, false));
        setCommand(w, m, name);
    }

    private static void setCommand(World w, Model m, String name) {
        String command = m.isMeta(name) ? "" : "work";
        ErrorCode set = World.outcome(() -> w.service.set(World.ROOT, name, "command", command));
        assertEquals(ErrorCode.Success, set, "set command of " + name);
    }

    private static void run(World w, Op op) throws porto.domain.PortoException {
        switch (op.kind) {
            case "start" -> w.service.start(World.ROOT, op.name);
            case "stop" -> w.service.stop(World.ROOT, op.name, 0);
            case "pause" -> w.service.pause(World.ROOT, op.name);
            case "resume" -> w.service.resume(World.ROOT, op.name);
            case "kill" -> w.service.kill(World.ROOT, op.name, 9);
            case "respawn" -> w.service.restart(World.ROOT, op.name);
            case "destroy" -> w.service.destroy(World.ROOT, op.name);
            case "create" -> w.service.create(World.ROOT, op.name, false);
            default -> throw new IllegalArgumentException(op.kind);
        }
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Op> op = net.jqwik.api.Combinators.combine(
                Arbitraries.of("start", "start", "stop", "pause", "resume", "kill", "respawn", "destroy", "create"),
                Arbitraries.of("a", "a/b")).as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(30);
    }

    /**
     * The tree as the manual says it must be: each operation moves the containers it touches along
     * the manual's arrows, or fails with InvalidState and moves nothing.
     */
    static final class Model {
        final Map<String, State> states = new TreeMap<>();
        private final boolean parentIsMeta;

        Model(boolean parentIsMeta) {
            this.parentIsMeta = parentIsMeta;
        }

        boolean isMeta(String name) {
            return name.equals("a") && parentIsMeta;
        }

        private State up(String name) {
            return isMeta(name) ? State.META : State.RUNNING;
        }

        private static String parent(String name) {
            return name.equals("a/b") ? "a" : null;
        }

        private List<String> below(String name) {
            return name.equals("a") && states.containsKey("a/b") ? List.of("a/b") : List.of();
        }

        /** Moves {@code name} by {@code event} as the manual allows; the model never makes an illegal move. */
        private void move(String name, Event event) {
            State from = states.get(name);
            Set<State> to = MANUAL.getOrDefault(event, Map.of()).getOrDefault(from, Set.of());
            if (to.isEmpty())
                throw new AssertionError("the model itself tried " + event + " from " + from + " on " + name);
            State next = to.contains(up(name)) ? up(name) : to.iterator().next();
            states.put(name, next);
        }

        /** stopped -> starting -> running | meta, starting a stopped parent first. */
        private ErrorCode start(String name) {
            String p = parent(name);
            if (p != null) {
                State ps = states.get(p);
                if (ps == State.PAUSED || ps == State.DEAD)
                    return ErrorCode.InvalidState;
                if (ps == State.STOPPED)
                    start(p);
            }
            move(name, Event.START);
            move(name, isMeta(name) ? Event.STARTED_META : Event.STARTED);
            return ErrorCode.Success;
        }

        private void stopTree(String name) {
            for (String child : below(name))
                if (states.get(child) != State.STOPPED)
                    stopTree(child);
            move(name, Event.STOP);
        }

        ErrorCode apply(Op op) {
            String n = op.name;
            if (op.kind.equals("create")) {
                if (states.containsKey(n))
                    return ErrorCode.ContainerAlreadyExists;
                if (parent(n) != null && !states.containsKey(parent(n)))
                    return ErrorCode.ContainerDoesNotExist;
                states.put(n, State.STOPPED);
                return ErrorCode.Success;
            }
            State s = states.get(n);
            if (s == null)
                return ErrorCode.ContainerDoesNotExist;
            switch (op.kind) {
                case "start" -> {
                    return s == State.STOPPED ? start(n) : ErrorCode.InvalidState;
                }
                case "stop" -> {
                    if (s == State.STOPPED)
                        return ErrorCode.InvalidState;
                    stopTree(n);
                }
                case "pause" -> {
                    if (s != State.RUNNING && s != State.META)
                        return ErrorCode.InvalidState;
                    move(n, Event.PAUSE);
                    for (String child : below(n))
                        if (states.get(child) == State.RUNNING || states.get(child) == State.META)
                            move(child, Event.PAUSE);
                }
                case "resume" -> {
                    String p = parent(n);
                    if (s != State.PAUSED || (p != null && states.get(p) == State.PAUSED))
                        return ErrorCode.InvalidState;
                    move(n, isMeta(n) ? Event.RESUME_META : Event.RESUME);
                    for (String child : below(n))
                        if (states.get(child) == State.PAUSED)
                            move(child, isMeta(child) ? Event.RESUME_META : Event.RESUME);
                }
                case "kill" -> {
                    // kill: running -> dead, through the death of its task; what runs below dies with it.
                    if (s != State.RUNNING)
                        return ErrorCode.InvalidState;
                    move(n, Event.DEATH);
                    for (String child : below(n))
                        if (states.get(child) != State.STOPPED && states.get(child) != State.DEAD)
                            move(child, Event.DEATH);
                }
                case "respawn" -> {
                    // restart: dead -> stopped -> starting -> running | meta
                    if (s != State.DEAD && s != State.STOPPED)
                        return ErrorCode.InvalidState;
                    if (s == State.DEAD)
                        stopTree(n);
                    return start(n);
                }
                case "destroy" -> {
                    for (String child : below(n))
                        states.remove(child);
                    states.remove(n);
                }
                default -> throw new IllegalArgumentException(op.kind);
            }
            return ErrorCode.Success;
        }
    }
}

package porto.domain;

import java.util.EnumMap;
import java.util.Map;

/**
 * The manual's container states and the operations that move a container between them. A
 * container changes state only through {@link Container#transition}, which asks this table; a
 * change the table does not list is a bug and throws.
 *
 * <pre>
 * start    stopped -> starting -> running | meta   (a failed start returns to stopped)
 * stop     running | meta | paused | dead -> stopped
 * death    running | meta | paused -> dead         (its task exited, or it died with its parent)
 * pause    running | meta -> paused
 * resume   paused -> running | meta
 * </pre>
 * Restart is stop then start; kill is a signal whose effect is a death.
 */
public final class StateMachine {
    private StateMachine() {}

    /** What happened to a container. */
    public enum Event {
        /** A start begins: validation passed and the kernel work follows. */
        START,
        /** The task was launched. */
        STARTED,
        /** A container without a command is up (with its init task, if it isolates). */
        STARTED_META,
        /** The kernel refused the start; nothing of it is left. */
        START_FAILED,
        /** Stopped: its processes are killed and its cgroups removed. */
        STOP,
        /** Its task exited, or an ancestor died and took it along. */
        DEATH,
        PAUSE,
        /** Thawed, and it runs a command. */
        RESUME,
        /** Thawed, and it has no command. */
        RESUME_META
    }

    private static final Map<State, Map<Event, State>> TABLE = new EnumMap<>(State.class);

    static {
        allow(State.STOPPED, Event.START, State.STARTING);
        allow(State.STARTING, Event.STARTED, State.RUNNING);
        allow(State.STARTING, Event.STARTED_META, State.META);
        allow(State.STARTING, Event.START_FAILED, State.STOPPED);
        for (State from : new State[] {State.RUNNING, State.META, State.PAUSED, State.DEAD})
            allow(from, Event.STOP, State.STOPPED);
        for (State from : new State[] {State.RUNNING, State.META, State.PAUSED})
            allow(from, Event.DEATH, State.DEAD);
        allow(State.RUNNING, Event.PAUSE, State.PAUSED);
        allow(State.META, Event.PAUSE, State.PAUSED);
        allow(State.PAUSED, Event.RESUME, State.RUNNING);
        allow(State.PAUSED, Event.RESUME_META, State.META);
    }

    private static void allow(State from, Event event, State to) {
        TABLE.computeIfAbsent(from, f -> new EnumMap<>(Event.class)).put(event, to);
    }

    /** The state {@code event} leads to from {@code from}, or null when the table has no such move. */
    public static State next(State from, Event event) {
        Map<Event, State> moves = TABLE.get(from);
        return moves == null ? null : moves.get(event);
    }

    /** Thrown for a move the table does not allow: a bug in the caller, never a user error. */
    public static final class IllegalTransition extends IllegalStateException {
        IllegalTransition(String container, State from, Event event) {
            super("container " + container + ": no transition " + event + " from " + from.text());
        }
    }
}

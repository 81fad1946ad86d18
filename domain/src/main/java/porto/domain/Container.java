package porto.domain;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * One node of the container tree: its configuration (the properties a user set, as canonical text)
 * and its run-time facts. Its state changes only through {@link #transition}, which follows the
 * manual's table ({@link StateMachine}).
 */
public final class Container {
    final String name;
    final Container parent;
    final long id;
    final int level;
    /** Sorted, and safe to walk while a start's kernel work (no lock held) looks at siblings. */
    final ConcurrentSkipListMap<String, Container> children = new ConcurrentSkipListMap<>();
    /** Properties set explicitly; anything absent has its default. */
    final Map<String, String> config = new TreeMap<>();
    /**
     * Parsed values of typed properties, each with the text it was parsed from ({@link TypedProperty#value}).
     * Concurrent: a launch reads values outside the tree's lock while others read under it.
     */
    final Map<String, Parsed> parsed = new java.util.concurrent.ConcurrentHashMap<>();

    record Parsed(String text, Object value) {}

    // Volatile: read by the kernel work of a sibling's start, which holds no lock.
    private volatile State state;
    /** True until its first transition: a restored container takes its saved state once. */
    private boolean fresh = true;
    /** A request is changing it and may be waiting with the lock released (a stop's grace time). */
    volatile boolean busy;
    int ownerUid;
    int ownerGid;
    long creationTime;
    boolean weak;

    // Facts of the current or last run.
    int rootPid;
    long rootStartTime;
    long startTime;
    long deathTime;
    int exitStatus;
    boolean oomKilled;
    int startErrno = -1;
    /** The error of the last failed start as "Name: message", empty after a good one. */
    String startError = "";
    /** When it was last changed (any saved change: a property, a state), epoch milliseconds. */
    long changeTime;
    int respawnCount;
    /** Bytes dropped from the head of the stored stdout and stderr by rotation. */
    /** Reads of the stored output under way without the tree lock: rotation waits for them. */
    int outputReaders;
    long stdoutOffset;
    /** The respawn or aging timer of the last death: cancelled when the container stops or goes, not kept for aging_time. */
    porto.ports.Clock.Cancellable afterDeath;
    long stderrOffset;
    volatile Set<String> controllers = Set.of();
    /** cpus given by cpu_set at start ("0-3"); empty when the cpus are the parent's. */
    volatile String cpuAffinity = "";
    /** cpus held exclusively (threads, cores, reserve), which siblings cannot have. */
    volatile String exclusiveCpus = "";
    /** The configured defaults of new containers: the host's are set by DomainWiring, a child takes its parent's. */
    ContainerDefaults defaults;

    Container(String name, Container parent, long id) {
        this.name = name;
        this.parent = parent;
        this.id = id;
        this.level = ContainerName.level(name);
        this.defaults = parent == null ? ContainerDefaults.BUILT_IN : parent.defaults;
        this.state = parent == null ? State.META : State.STOPPED; // the host is always meta
    }

    /** Moves the container as {@code event} says; throws when the manual's table has no such move. */
    State transition(StateMachine.Event event) {
        State to = StateMachine.next(state, event);
        if (to == null || isHost())
            throw new StateMachine.IllegalTransition(name, state, event);
        state = to;
        fresh = false;
        return to;
    }

    /**
     * Takes the state saved by an earlier daemon, once, before anything else happened to it. A
     * start that was in progress when that daemon died never finished: the container is stopped.
     */
    void restore(State saved) {
        if (!fresh || state != State.STOPPED || isHost())
            throw new IllegalStateException("container " + name + " is not freshly restored");
        state = saved == State.STARTING ? State.STOPPED : saved;
        fresh = false;
    }

    public String name() {
        return name;
    }

    public State state() {
        return state;
    }

    public Container parent() {
        return parent;
    }

    public boolean isHost() {
        return parent == null;
    }

    public int rootPid() {
        return rootPid;
    }

    public Iterable<Container> children() {
        return children.values();
    }

    /** True while a task of this container is alive (its cgroup may hold processes). */
    boolean hasTask() {
        return rootPid > 0 && (state == State.RUNNING || state == State.PAUSED || state == State.STARTING || state == State.META);
    }

    @Override
    public String toString() {
        return name + "(" + state.text() + ")";
    }
}

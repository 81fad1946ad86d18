package porto.domain;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One node of the container tree: its configuration (the properties a user set, as canonical text)
 * and its run-time facts. Only {@link ContainerService} changes it, under its lock.
 */
public final class Container {
    final String name;
    final Container parent;
    final long id;
    final int level;
    final TreeMap<String, Container> children = new TreeMap<>();
    /** Properties set explicitly; anything absent has its default. */
    final Map<String, String> config = new TreeMap<>();

    State state = State.STOPPED;
    /** A request is changing it and may be waiting with the lock released (a stop's grace time). */
    boolean busy;
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
    int respawnCount;
    /** Bytes dropped from the head of the stored stdout and stderr by rotation. */
    long stdoutOffset;
    /** The respawn or aging timer of the last death: cancelled when the container stops or goes, not kept for aging_time. */
    porto.ports.Clock.Cancellable afterDeath;
    long stderrOffset;
    Set<String> controllers = Set.of();
    /** cpus given by cpu_set at start ("0-3"); empty when the cpus are the parent's. */
    String cpuAffinity = "";
    /** cpus held exclusively (threads, cores, reserve), which siblings cannot have. */
    String exclusiveCpus = "";

    Container(String name, Container parent, long id) {
        this.name = name;
        this.parent = parent;
        this.id = id;
        this.level = ContainerName.level(name);
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

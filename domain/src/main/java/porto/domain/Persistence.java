package porto.domain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import porto.ports.Clock;
import porto.ports.KernelException;
import porto.ports.Processes;
import porto.ports.StateStore;

/**
 * Saves each container as one record and rebuilds the tree from those records after a restart.
 *
 * <p>A record is taken under the tree lock and written once the thread that took it lets the
 * lock go ({@link #flush}), before its request is answered: no one waits for a file write. Each
 * record carries a sequence number, and a write older than the last one of the same container
 * is dropped, so records reach the disk in the order they were taken.
 */
final class Persistence {
    private static final String PROP = "prop.";
    private final StateStore store;
    private final Processes processes;
    private final Clock clock;
    private final ContainerTree tree;
    private volatile String lastError;
    /** Failed writes so far. */
    private final AtomicLong failedSaves = new AtomicLong();
    /** Records this thread took under the lock and has yet to write. */
    private final ThreadLocal<List<Write>> pending = ThreadLocal.withInitial(ArrayList::new);
    /** True when a write of this thread's current request failed. */
    private final ThreadLocal<Boolean> failedHere = ThreadLocal.withInitial(() -> false);
    private final AtomicLong sequence = new AtomicLong();
    /** Records taken and not yet written, by any thread. */
    private final AtomicInteger unwritten = new AtomicInteger();
    /** The sequence number of the last write of each container, while older ones may still come. */
    private final Map<Long, Long> lastWritten = new ConcurrentHashMap<>();
    private final Object[] stripes = new Object[64];

    /** One record to write, or (record null) to delete. */
    private record Write(long id, String name, Map<String, String> record, long seq) {}

    Persistence(StateStore store, Processes processes, Clock clock, ContainerTree tree) {
        this.store = store;
        this.processes = processes;
        this.clock = clock;
        this.tree = tree;
        for (int i = 0; i < stripes.length; i++)
            stripes[i] = new Object();
    }

    /** The last failure to save, for the daemon's log; null when saving works. */
    long failedSaves() {
        return failedSaves.get();
    }

    String lastError() {
        return lastError;
    }

    /** A request begins: failures of earlier writes on this thread are not its own. */
    void beginRequest() {
        failedHere.set(false);
    }

    /**
     * After the request let the lock go: the change is made but a record of it could not be
     * written, so a restarted daemon would not know it. Say so rather than answer Success.
     */
    void requireSaved() throws PortoException {
        if (failedHere.get()) {
            failedHere.set(false);
            throw new PortoException(ErrorCode.Unknown, "done, but not saved for a daemon restart: " + lastError);
        }
    }

    /** Writes the records this thread took; the tree calls it whenever the thread lets the lock go. */
    void flush() {
        List<Write> writes = pending.get();
        if (writes.isEmpty())
            return;
        // Only the last record of each container counts: a start whose task died at once takes
        // "running" then "dead", and writing just the second leaves no moment when the first is
        // on disk alone.
        Map<Long, Write> last = new LinkedHashMap<>();
        for (Write w : writes) {
            if (last.put(w.id, w) != null)
                written(); // superseded before it was written
        }
        writes.clear();
        for (Write w : last.values())
            write(w);
    }

    private void write(Write w) {
        synchronized (stripes[(int) (w.id & (stripes.length - 1))]) {
            Long last = lastWritten.get(w.id);
            if (last == null || last < w.seq) {
                lastWritten.put(w.id, w.seq);
                try {
                    if (w.record == null)
                        store.remove(Long.toString(w.id));
                    else
                        store.save(Long.toString(w.id), w.record);
                    lastError = null;
                } catch (KernelException e) {
                    lastError = "cannot save container " + w.name + ": " + e.getMessage();
                    failedSaves.incrementAndGet();
                    failedHere.set(true);
                }
            }
        }
        written();
    }

    private void written() {
        // With nothing left to write anywhere, no older record can come: forget the numbers.
        if (unwritten.decrementAndGet() == 0)
            lastWritten.clear();
    }

    private void take(Write w) {
        unwritten.incrementAndGet();
        pending.get().add(w);
        if (!tree.heldByCurrentThread())
            flush(); // no unlock will come to write it
    }

    void save(Container c) {
        c.changeTime = clock.nowMillis();
        Map<String, String> r = new HashMap<>();
        r.put("name", c.name);
        r.put("id", Long.toString(c.id));
        r.put("state", c.state().text());
        r.put("owner_uid", Integer.toString(c.ownerUid));
        r.put("owner_gid", Integer.toString(c.ownerGid));
        r.put("creation_time", Long.toString(c.creationTime));
        r.put("weak", Boolean.toString(c.weak));
        r.put("root_pid", Integer.toString(c.rootPid));
        r.put("root_start", Long.toString(c.rootStartTime));
        r.put("start_time", Long.toString(c.startTime));
        r.put("death_time", Long.toString(c.deathTime));
        r.put("exit_status", Integer.toString(c.exitStatus));
        r.put("oom_killed", Boolean.toString(c.oomKilled));
        r.put("start_errno", Integer.toString(c.startErrno));
        r.put("start_error", c.startError);
        r.put("change_time", Long.toString(c.changeTime));
        r.put("respawn_count", Integer.toString(c.respawnCount));
        r.put("stdout_offset", Long.toString(c.stdoutOffset));
        r.put("stderr_offset", Long.toString(c.stderrOffset));
        r.put("controllers", String.join(",", c.controllers));
        r.put("cpu_affinity", c.cpuAffinity);
        r.put("cpu_exclusive", c.exclusiveCpus);
        for (var e : c.config.entrySet())
            r.put(PROP + e.getKey(), e.getValue());
        take(new Write(c.id, c.name, r, sequence.incrementAndGet()));
    }

    void remove(Container c) {
        take(new Write(c.id, c.name, null, sequence.incrementAndGet()));
    }

    /** Rebuilds the tree; returns names of running containers whose task was not found. */
    List<String> restore() {
        // Parents before children: bucket the records by level (one pass, no sort).
        List<List<Map<String, String>>> byLevel = new ArrayList<>();
        for (Map<String, String> r : store.loadAll().values()) {
            String name = r.get("name");
            if (name == null || r.get("id") == null)
                continue;
            // Deeper than allowed: one bucket past the limit, where validate() refuses it.
            int level = Math.min(ContainerName.level(name), ContainerName.MAX_LEVELS + 1);
            while (byLevel.size() <= level)
                byLevel.add(new ArrayList<>());
            byLevel.get(level).add(r);
        }
        List<String> lost = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (List<Map<String, String>> level : byLevel)
            for (Map<String, String> r : level)
                restoreOne(r, seen, lost);
        return lost;
    }

    private void restoreOne(Map<String, String> r, Set<String> seen, List<String> lost) {
        String name = r.get("name");
        try {
            ContainerName.validate(name);
            if (!seen.add(name))
                return;
            Container parent = tree.find(ContainerName.parent(name));
            Container c = new Container(name, parent, Long.parseLong(r.get("id")));
            tree.reserveId(c.id);
            c.restore(parseState(r.get("state")));
            c.ownerUid = Integer.parseInt(r.getOrDefault("owner_uid", "0"));
            c.ownerGid = Integer.parseInt(r.getOrDefault("owner_gid", "0"));
            c.creationTime = Long.parseLong(r.getOrDefault("creation_time", "0"));
            c.weak = Boolean.parseBoolean(r.getOrDefault("weak", "false"));
            c.rootStartTime = Long.parseLong(r.getOrDefault("root_start", "0"));
            c.startTime = Long.parseLong(r.getOrDefault("start_time", "0"));
            c.deathTime = Long.parseLong(r.getOrDefault("death_time", "0"));
            c.exitStatus = Integer.parseInt(r.getOrDefault("exit_status", "0"));
            c.oomKilled = Boolean.parseBoolean(r.getOrDefault("oom_killed", "false"));
            c.startErrno = Integer.parseInt(r.getOrDefault("start_errno", "-1"));
            c.startError = r.getOrDefault("start_error", "");
            c.changeTime = Long.parseLong(r.getOrDefault("change_time", r.getOrDefault("creation_time", "0")));
            c.respawnCount = Integer.parseInt(r.getOrDefault("respawn_count", "0"));
            c.stdoutOffset = Long.parseLong(r.getOrDefault("stdout_offset", "0"));
            c.stderrOffset = Long.parseLong(r.getOrDefault("stderr_offset", "0"));
            String ctl = r.getOrDefault("controllers", "");
            c.controllers = ctl.isEmpty() ? Set.of() : Set.of(ctl.split(","));
            c.cpuAffinity = r.getOrDefault("cpu_affinity", "");
            c.exclusiveCpus = r.getOrDefault("cpu_exclusive", "");
            for (var e : r.entrySet())
                if (e.getKey().startsWith(PROP))
                    c.config.put(e.getKey().substring(PROP.length()), e.getValue());
            tree.add(c);
            int pid = Integer.parseInt(r.getOrDefault("root_pid", "0"));
            if (pid > 0 && c.state() != State.DEAD && c.state() != State.STOPPED) {
                tree.bindPid(c, pid);
                if (!processes.isAlive(pid, c.rootStartTime))
                    lost.add(name);
            }
        } catch (PortoException | RuntimeException e) {
            lastError = "skipped damaged record of " + name + ": " + e.getMessage();
        }
    }

    private static final State[] STATES = State.values();

    private static State parseState(String text) throws PortoException {
        for (State st : STATES)
            if (st.text().equals(text))
                return st;
        throw new PortoException(ErrorCode.InvalidData, "unknown state " + text);
    }
}

package porto.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import porto.ports.KernelException;

/** Saves each container as one record and rebuilds the tree from those records after a restart. */
final class Persistence {
    private static final String PROP = "prop.";
    private final ContainerService s;
    private final ContainerTree tree;
    private volatile String lastError;
    /** Failed saves so far; a request compares it before and after to learn of its own. */
    private long failedSaves;

    Persistence(ContainerService s, ContainerTree tree) {
        this.s = s;
        this.tree = tree;
    }

    /** The last failure to save, for the daemon's log; null when saving works. */
    long failedSaves() {
        return failedSaves;
    }

    String lastError() {
        return lastError;
    }

    /**
     * The change is made but a record of it could not be written: a restarted daemon would not
     * know it. Say so rather than answer Success.
     */
    void requireSaved(long failedSavesBefore) throws PortoException {
        if (failedSaves != failedSavesBefore)
            throw new PortoException(ErrorCode.Unknown, "done, but not saved for a daemon restart: " + lastError);
    }

    void save(Container c) {
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
        r.put("respawn_count", Integer.toString(c.respawnCount));
        r.put("stdout_offset", Long.toString(c.stdoutOffset));
        r.put("stderr_offset", Long.toString(c.stderrOffset));
        r.put("controllers", String.join(",", c.controllers));
        r.put("cpu_affinity", c.cpuAffinity);
        r.put("cpu_exclusive", c.exclusiveCpus);
        for (var e : c.config.entrySet())
            r.put(PROP + e.getKey(), e.getValue());
        try {
            s.kernel.store().save(Long.toString(c.id), r);
            lastError = null;
        } catch (KernelException e) {
            lastError = "cannot save container " + c.name + ": " + e.getMessage();
            failedSaves++;
        }
    }

    void remove(Container c) {
        s.kernel.store().remove(Long.toString(c.id));
    }

    /** Rebuilds the tree; returns names of running containers whose task was not found. */
    List<String> restore() {
        List<Map<String, String>> records = new ArrayList<>(s.kernel.store().loadAll().values());
        records.removeIf(r -> r.get("name") == null || r.get("id") == null);
        records.sort(Comparator.comparingInt(r -> ContainerName.level(r.get("name"))));
        List<String> lost = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Map<String, String> r : records) {
            String name = r.get("name");
            try {
                ContainerName.validate(name);
                if (!seen.add(name))
                    continue;
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
                    if (!s.kernel.processes().isAlive(pid, c.rootStartTime))
                        lost.add(name);
                }
            } catch (PortoException | RuntimeException e) {
                lastError = "skipped damaged record of " + name + ": " + e.getMessage();
            }
        }
        return lost;
    }

    private static State parseState(String text) throws PortoException {
        for (State st : State.values())
            if (st.text().equals(text))
                return st;
        throw new PortoException(ErrorCode.InvalidData, "unknown state " + text);
    }
}

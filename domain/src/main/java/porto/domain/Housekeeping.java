package porto.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import porto.domain.net.NetworkSetup;
import porto.ports.Cgroups;
import porto.ports.Clock;
import porto.ports.ContainerFiles;
import porto.ports.Processes;
import porto.ports.Signals;

/**
 * What the daemon does on its own rather than on request: after a restart it buries lost tasks,
 * drops weak containers and removes leftovers; on timers it rotates output, respawns and ages out
 * dead containers.
 */
final class Housekeeping {
    private final ContainerTree tree;
    private final Lifecycle lifecycle;
    private final Starter starter;
    private final Persistence persistence;
    private final OutputStore output;
    private final Cgroups cgroups;
    private final Processes processes;
    private final ContainerFiles files;
    private final Clock clock;
    private final NetworkSetup networking;
    private final DomainConfig config;

    Housekeeping(ContainerTree tree, Lifecycle lifecycle, Starter starter, Persistence persistence, OutputStore output,
                 Cgroups cgroups, Processes processes, ContainerFiles files, Clock clock, NetworkSetup networking,
                 DomainConfig config) {
        this.tree = tree;
        this.lifecycle = lifecycle;
        this.starter = starter;
        this.persistence = persistence;
        this.output = output;
        this.cgroups = cgroups;
        this.processes = processes;
        this.files = files;
        this.clock = clock;
        this.networking = networking;
        this.config = config;
    }

    /** Everything a restored daemon owes its containers; called once the exits are subscribed. */
    void afterRestore(List<String> lost) {
        destroyOrphanedWeak();
        removeStaleNetworks();
        // Off the start's critical path: the scan reads the whole cgroup tree.
        clock.schedule(0, this::removeLeftovers);
        tree.lock();
        try {
            for (Container c : tree.containers().values())
                if (c.state() == State.DEAD)
                    lifecycle.scheduleAfterDeath(c);
        } finally {
            tree.unlock();
        }
        scheduleRotation();
        // Exits that happened while no daemon ran are replayed right after start; a task that is
        // gone and still unreported after that has been lost with its status.
        if (!lost.isEmpty())
            clock.schedule(LOST_TASK_GRACE_MS, () -> buryLost(lost));
    }

    /** Namespaces of containers that no longer run (stopped or destroyed while no daemon ran, or a start cut short). */
    private void removeStaleNetworks() {
        Set<Long> holders = new HashSet<>();
        tree.lock();
        try {
            for (Container c : tree.containers().values()) {
                try {
                    if (c.state() != State.STOPPED && NetworkProperties.ownNamespace(c)) {
                        holders.add(c.id);
                        NetworkProperties.restore(networking, c);
                    }
                } catch (PortoException e) {
                    // a value that does not parse built nothing
                }
            }
        } finally {
            tree.unlock();
        }
        networking.removeStale(holders);
    }

    static final long LOST_TASK_GRACE_MS = 3_000;
    static final long ROTATE_PERIOD_MS = 2_000;

    /** Keeps stored output within stdout_limit, every few seconds. */
    private void scheduleRotation() {
        clock.schedule(ROTATE_PERIOD_MS, () -> {
            tree.lock();
            try {
                for (Container c : tree.containers().values()) {
                    try {
                        if (c.state() == State.RUNNING || c.state() == State.PAUSED)
                            output.rotate(c);
                    } catch (RuntimeException e) {
                        // One container's trouble must not stop rotation for the others.
                    }
                }
            } finally {
                tree.unlock();
                scheduleRotation();
            }
        });
    }

    /** What a timer does to a container that is still dead from the death it was set for. */
    private interface AfterDeath {
        void apply(Container c) throws PortoException;
    }

    /**
     * Runs {@code work} if {@code name} is still dead from the death at {@code deathTime}; a
     * container another request is changing is tried again a second later.
     */
    private void stillDead(String name, long deathTime, Runnable again, AfterDeath work) {
        tree.lock();
        try {
            Container c = tree.containers().get(name);
            if (c == null || c.state() != State.DEAD || c.deathTime != deathTime)
                return;
            if (!tree.isIdle(c)) {
                clock.schedule(1_000, again);
                return;
            }
            work.apply(c);
        } catch (PortoException e) {
            // Nothing to undo: the container stays as the failed step left it.
        } finally {
            tree.unlock();
        }
    }

    /** Timer: respawn a container that is still dead from the same death. */
    void respawnDead(String name, long deathTime) {
        stillDead(name, deathTime, () -> respawnDead(name, deathTime), c -> {
            try {
                starter.respawn(c);
            } catch (PortoException e) {
                // Start failed: start_errno says why; the container stays stopped for the user.
                persistence.save(c);
            }
        });
    }

    /** Timer: destroy a container that has been dead for aging_time. */
    void ageOut(String name, long deathTime) {
        stillDead(name, deathTime, () -> ageOut(name, deathTime), c -> {
            lifecycle.stopTree(c, 0);
            lifecycle.removeTree(c);
        });
    }

    /**
     * Cgroups and working directories of containers that no longer exist (a daemon killed between
     * the kernel work and its record, or a record that was damaged) are removed, processes first.
     */
    private void removeLeftovers() {
        Set<String> existing = cgroups.containerPaths(); // read without the lock: it is slow
        tree.lock();
        try {
            Set<String> known = containersAndAncestors();
            List<String> ownedByTasks = cgroupsMadeByTasks();
            List<String> stale = new ArrayList<>();
            for (String path : existing)
                if (!known.contains(path) && ownedByTasks.stream().noneMatch(owner -> path.startsWith(owner + "/")))
                    stale.add(path);
            stale.sort(Comparator.comparingInt(String::length).reversed());
            for (String path : stale) {
                try {
                    if (!cgroups.pids(path).isEmpty()) {
                        cgroups.setFrozen(path, true);
                        for (int pid : cgroups.pids(path))
                            processes.kill(pid, Signals.SIGKILL);
                        cgroups.setFrozen(path, false);
                    }
                    long deadline = tree.deadline(2_000);
                    while (!cgroups.pids(path).isEmpty() && !tree.passed(deadline))
                        tree.awaitChange(Math.min(deadline, tree.deadline(5)));
                    cgroups.remove(path);
                } catch (porto.ports.KernelException e) {
                    // Left for the next start.
                }
            }
            removeStaleDirectories();
        } finally {
            tree.unlock();
        }
    }

    /**
     * As upstream: the task of a live container with cgroupfs=rw may make cgroups below its own;
     * they are its, not leftovers, and its processes in them live on.
     */
    private List<String> cgroupsMadeByTasks() {
        List<String> out = new ArrayList<>();
        for (Container c : tree.containers().values()) {
            try {
                if (c.state() != State.STOPPED && NamespaceProperties.CGROUPFS.value(c).equals("rw"))
                    out.add(c.name);
            } catch (PortoException e) {
                out.add(c.name); // a damaged value: better a cgroup kept than a task killed
            }
        }
        return out;
    }

    private Set<String> containersAndAncestors() {
        Set<String> out = new HashSet<>();
        for (String name : tree.containers().keySet())
            for (String n = name; !n.equals(ContainerName.HOST); n = ContainerName.parent(n))
                if (!out.add(n))
                    break;
        return out;
    }

    /**
     * Only first-level directories: deeper ones live in a parent's working directory, where a
     * running container's own files are indistinguishable from a stale child's.
     */
    private void removeStaleDirectories() {
        Set<String> known = containersAndAncestors();
        for (String sub : files.subdirectories(config.placeRoot()))
            if (!known.contains(sub))
                files.removeDirectory(config.placeRoot() + "/" + sub);
    }

    /** No client connection survives a daemon restart, so every weak container has lost its client. */
    private void destroyOrphanedWeak() {
        List<String> weak = new ArrayList<>();
        tree.lock();
        try {
            for (Container c : tree.containers().values())
                if (c.weak)
                    weak.add(c.name);
        } finally {
            tree.unlock();
        }
        for (String name : weak)
            destroyIfWeak(name);
    }

    private void buryLost(List<String> names) {
        tree.lock();
        try {
            for (String name : names) {
                Container c = tree.containers().get(name);
                if (c != null && c.rootPid > 0 && c.state() != State.DEAD
                        && !processes.isAlive(c.rootPid, c.rootStartTime))
                    lifecycle.died(c, Signals.SIGKILL);
            }
        } finally {
            tree.unlock();
        }
    }

    /** Destroys {@code name} if it is still weak: its client went away. */
    void destroyIfWeak(String name) {
        tree.lock();
        try {
            Container c = tree.containers().get(name);
            if (c != null && c.weak && !tree.isIdle(c)) {
                clock.schedule(1_000, () -> destroyIfWeak(name)); // after the change in progress
            } else if (c != null && c.weak) {
                lifecycle.stopTree(c, 0);
                lifecycle.removeTree(c);
            }
        } catch (PortoException e) {
            // It is being changed by someone else; leave it to them.
        } finally {
            tree.unlock();
        }
    }

    /** Stops and forgets every container: a full daemon stop. */
    void discardAll() {
        tree.lock();
        try {
            // Starts under way finish first: a starting container cannot be stopped halfway.
            long deadline = tree.deadline(60_000);
            while (tree.launching() && !tree.passed(deadline))
                tree.awaitChange(deadline);
            for (Container c : new ArrayList<>(tree.host().children.values())) {
                try {
                    lifecycle.stopTree(c, 0);
                    lifecycle.removeTree(c);
                } catch (PortoException e) {
                    // Keep going: the rest must still be cleaned.
                }
            }
        } finally {
            tree.unlock();
        }
    }
}

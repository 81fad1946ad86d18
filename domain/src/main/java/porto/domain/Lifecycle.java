package porto.domain;

import java.util.ArrayList;
import java.util.Set;
import porto.domain.net.NetworkSetup;
import porto.ports.Cgroups;
import porto.ports.Clock;
import porto.ports.ContainerFiles;
import porto.ports.KernelException;
import porto.ports.Processes;
import porto.ports.Signals;

/**
 * Stop, death, pause and resume of containers ({@link Starter} starts them; the {@link Freezer}
 * does pause and resume). Called with the tree lock held; each lets it go for its kernel work: a stop (and its waits) with the subtree marked
 * busy, a freezer write and the kill after a death with the subtree marked as written to.
 */
final class Lifecycle {
    /** How long to wait for killed processes to leave their cgroup. */
    private static final long KILL_WAIT_MS = 5_000;

    private final ContainerTree tree;
    private final ResourceControl resources;
    private final Persistence persistence;
    private final OutputStore output;
    private final Cgroups cgroups;
    private final Processes processes;
    private final ContainerFiles files;
    private final Clock clock;
    private final NetworkSetup networking;
    private final DomainConfig config;
    private final Freezer freezer;
    /** The timers of a death (respawn, aging); set once when wired, as they in turn stop and start containers. */
    private Housekeeping housekeeping;

    Lifecycle(ContainerTree tree, ResourceControl resources, Persistence persistence, OutputStore output, Cgroups cgroups,
              Processes processes, ContainerFiles files, Clock clock, NetworkSetup networking,
              DomainConfig config) {
        this.tree = tree;
        this.resources = resources;
        this.persistence = persistence;
        this.output = output;
        this.cgroups = cgroups;
        this.processes = processes;
        this.files = files;
        this.clock = clock;
        this.networking = networking;
        this.config = config;
        this.freezer = new Freezer(tree, cgroups, persistence);
    }

    /** Wiring: who runs the timers a death sets. */
    void timers(Housekeeping housekeeping) {
        this.housekeeping = housekeeping;
    }

    // ---- stop and death ----

    /**
     * Stops the container and everything below it, children first. The subtree is marked busy
     * while the kernel work (thaw, kill, removal of cgroups and directories) runs with the tree
     * lock let go.
     */
    void stopTree(Container c, long timeoutMs) throws PortoException {
        if (c.state() == State.STOPPED)
            return;
        boolean wasBusy = c.busy;
        c.busy = true;
        try {
            stopSubtree(c, timeoutMs);
        } finally {
            c.busy = wasBusy;
            tree.notifyChange();
        }
    }

    private void stopSubtree(Container c, long timeoutMs) throws PortoException {
        if (c.state() == State.STOPPED)
            return;
        for (Container child : new ArrayList<>(c.children.descendingMap().values()))
            stopSubtree(child, timeoutMs);
        stopOne(c, timeoutMs);
    }

    private void stopOne(Container c, long timeoutMs) throws PortoException {
        if (c.state() == State.PAUSED && !c.controllers.isEmpty()) {
            freezer.thaw(c.name);
        }
        if (c.state() == State.RUNNING && c.rootPid > 0 && timeoutMs > 0
                && processes.catchesSignal(c.rootPid, Signals.SIGTERM)) {
            processes.kill(c.rootPid, Signals.SIGTERM);
            long deadline = tree.deadline(timeoutMs);
            while (c.state() == State.RUNNING && !tree.passed(deadline))
                tree.awaitChange(deadline);
        }
        killAllAndWait(c);
        tree.bindPid(c, 0);
        Set<String> controllers = c.controllers;
        String cwd = config.workDir(c.name);
        Runnable network = NetworkProperties.stop(networking, c);
        tree.outsideLock(() -> {
            network.run();
            removeRun(c.name, controllers, cwd);
            return null;
        });
        NetworkProperties.freed(networking, c);
        c.controllers = Set.of();
        c.transition(StateMachine.Event.STOP);
        persistence.save(c);
        tree.notifyState(c);
    }


    /** Kills every process in the container's cgroups and waits until they are gone, with the lock let go. */
    private void killAllAndWait(Container c) throws PortoException {
        if (c.controllers.isEmpty())
            return;
        String name = c.name;
        Cgroups cg = cgroups;
        KernelSteps.outsideLock(tree, () -> freezeAndKill(name));
        // Exits are reported, but processes that are not main tasks leave the cgroup unannounced:
        // look again every few milliseconds.
        long deadline = tree.deadline(KILL_WAIT_MS);
        while (tree.outsideLock(() -> !cg.pids(name).isEmpty())) {
            if (tree.passed(deadline))
                throw new PortoException(ErrorCode.Busy, "processes of " + name + " do not die");
            tree.awaitChange(Math.min(deadline, tree.deadline(5)));
        }
    }

    /**
     * Kills every process in the container's cgroups (its task died, or the OOM killer struck:
     * nothing may go on) with the lock released and the subtree marked, so requests on it wait.
     * Returns, when {@code askOom}, whether the memory cgroup counted an OOM kill.
     */
    private boolean killAll(Container c, boolean askOom) {
        if (c.controllers.isEmpty())
            return false;
        String name = c.name;
        String memory = ResourceControl.cgroupOf(c, "memory");
        Cgroups cg = cgroups;
        return tree.writeOutsideLock(c, () -> {
            boolean oom = askOom && cg.stat(memory, Cgroups.Stat.OOM_KILLS) > 0;
            try {
                freezeAndKill(name);
            } catch (PortoException e) {
                // Children's exits still arrive and are handled one by one.
            }
            return oom;
        });
    }

    /** Death may be recorded: a stop that ran while the rest of the cgroup was killed ends the run instead. */
    private static boolean mayDie(Container c) {
        return c.state() == State.RUNNING || c.state() == State.META || c.state() == State.PAUSED;
    }

    /** SIGKILL to every process in the cgroups of {@code name}, frozen first so nothing forks away. */
    private void freezeAndKill(String name) throws PortoException {
        Cgroups cg = cgroups;
        if (cg.pids(name).isEmpty())
            return;
        try {
            cg.setFrozen(name, true);
            for (int pid : cg.pids(name))
                processes.kill(pid, Signals.SIGKILL);
        } catch (KernelException e) {
            throw new PortoException(ErrorCode.Unknown, "cannot freeze " + name + ": " + e.getMessage(), e.errno());
        } finally {
            try {
                cg.setFrozen(name, false);
            } catch (KernelException e) {
                // Thawing a cgroup whose tasks are all gone can fail; the kill has been sent.
            }
        }
    }

    /** Frees what a run held: cgroups, the working directory and the pid. */
    void release(Container c) {
        if (c.afterDeath != null) {
            c.afterDeath.cancel();
            c.afterDeath = null;
        }
        tree.bindPid(c, 0);
        NetworkProperties.tearDown(networking, c);
        removeRun(c.name, c.controllers, config.workDir(c.name));
        c.controllers = Set.of();
        DeathPressure.update(cgroups, c.parent); // a meta parent may be left hollow
    }

    /** Removes a container and everything below it: their runs released, their records deleted. */
    void removeTree(Container c) {
        for (Container child : new ArrayList<>(c.children.values()))
            removeTree(child);
        release(c);
        persistence.remove(c);
        tree.remove(c);
    }

    /** Removes the cgroups and the working directory of a run (kernel work only). */
    private void removeRun(String name, Set<String> controllers, String cwd) {
        if (!controllers.isEmpty()) {
            try {
                cgroups.remove(name);
            } catch (KernelException e) {
                // Left for the next start or the daemon's cleanup of stale cgroups.
            }
        }
        files.removeDirectory(cwd);
    }

    /** The kernel reports that task {@code pid} exited: whose it was decides what dies. */
    void taskExited(int pid, int status, long startTime) {
        tree.lock();
        boolean kept = false;
        try {
            Container c = tree.byPid(pid);
            if (c != null && c.rootStartTime == startTime && c.rootPid == pid) {
                died(c, status);
            } else {
                Container buried = tree.unburyPid(pid);
                if (buried != null && buried.rootStartTime == startTime && buried.state() == State.DEAD) {
                    died(buried, status);
                } else if (buried == null) {
                    tree.unclaimedExit(pid, status, startTime); // acknowledged when claimed or dropped
                    kept = true;
                }
            }
        } finally {
            // Acknowledged even when handling failed (a replay would fail the same way forever),
            // but only after the death is written: the unlock writes this thread's records.
            if (!kept)
                tree.acknowledgeAfterRelease(pid);
            tree.unlock();
        }
    }

    /** The main task exited with {@code status}: the container is dead, and so is what ran inside it. */
    void died(Container c, int status) {
        if (c.state() == State.DEAD) {
            // Buried with its parent before its own exit arrived: record the true status.
            c.exitStatus = status;
            persistence.save(c);
            return;
        }
        c.exitStatus = status;
        c.deathTime = clock.nowMillis();
        boolean killed = (status & 0x7f) == Signals.SIGKILL;
        tree.bindPid(c, 0);
        c.oomKilled = killAll(c, killed);
        if (!mayDie(c))
            return;
        c.transition(StateMachine.Event.DEATH);
        DeathPressure.update(cgroups, c);
        output.rotate(c);
        persistence.save(c);
        tree.notifyState(c);
        // Nothing may go on running below a dead container: its processes were killed above.
        for (Container child : c.children.values())
            buryTree(child, c.deathTime);
        scheduleAfterDeath(c);
    }

    /** Respawn after respawn_delay when asked to; destroy after aging_time otherwise. */
    void scheduleAfterDeath(Container c) {
        String name = c.name;
        long died = c.deathTime;
        try {
            long max = LifecycleProperties.MAX_RESPAWNS.value(c);
            if (LifecycleProperties.RESPAWN.value(c) && (max < 0 || c.respawnCount < max)) {
                c.afterDeath = clock.schedule(LifecycleProperties.RESPAWN_DELAY.value(c) / 1_000_000, () -> housekeeping.respawnDead(name, died));
                return;
            }
            long agingMs = LifecycleProperties.AGING_TIME.value(c) * 1000;
            long left = Math.max(0, died + agingMs - clock.nowMillis());
            c.afterDeath = clock.schedule(left, () -> housekeeping.ageOut(name, died));
        } catch (PortoException | RuntimeException e) {
            // A value damaged in the store: nothing to schedule for it, and nothing else may fail.
        }
    }

    void buryTree(Container c, long when) {
        // A container being started is buried by its start, once the launch has returned.
        if (c.state() == State.STOPPED || c.state() == State.DEAD || c.state() == State.STARTING)
            return;
        // The task (if any) was killed with its parent's cgroup; its own exit report, when it
        // comes, replaces this status with the true one.
        tree.buryPid(c);
        c.exitStatus = Signals.SIGKILL;
        c.deathTime = when;
        c.transition(StateMachine.Event.DEATH);
        DeathPressure.update(cgroups, c);
        persistence.save(c);
        tree.notifyState(c);
        for (Container child : c.children.values())
            buryTree(child, when);
    }

    /** The OOM killer struck inside a container with oom_is_fatal: everything in it dies. */
    void oomKill(Container c) {
        if (!mayDie(c))
            return;
        killAll(c, false); // the exits that do arrive are handled one by one
        if (c.rootPid <= 0 && mayDie(c))
            died(c, Signals.SIGKILL); // a meta container has no task whose exit would tell
    }

    // ---- pause and resume: the Freezer's ----

    void pause(Container c) throws PortoException {
        freezer.pause(c);
    }

    void resume(Container c) throws PortoException {
        freezer.resume(c);
    }
}

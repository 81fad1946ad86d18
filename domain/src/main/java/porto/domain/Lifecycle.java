package porto.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import porto.ports.Cgroups;
import porto.ports.KernelException;

/**
 * Stop, death, pause and resume of containers ({@link Starter} starts them). Called with the tree
 * lock held; a stop lets it go for its kernel work and its waits, with the subtree marked busy.
 */
final class Lifecycle {
    /** How long to wait for killed processes to leave their cgroup. */
    private static final long KILL_WAIT_MS = 5_000;

    private final ContainerService s;
    private final ContainerTree tree;
    private final ResourceControl resources;

    Lifecycle(ContainerService s, ContainerTree tree) {
        this.s = s;
        this.tree = tree;
        this.resources = s.resources();
    }

    /** A property changed from {@code previous}; a limit of a container with cgroups takes effect at once. */
    void applyDynamic(Container c, String property, String previous) throws PortoException {
        resources.applyDynamic(c, property, previous);
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
        if (c.state() == State.PAUSED)
            outsideLock(() -> setFrozen(c, false));
        if (c.state() == State.RUNNING && c.rootPid > 0 && timeoutMs > 0
                && s.kernel.processes().catchesSignal(c.rootPid, ContainerService.SIGTERM)) {
            s.kernel.processes().kill(c.rootPid, ContainerService.SIGTERM);
            long deadline = tree.deadline(timeoutMs);
            while (c.state() == State.RUNNING && !tree.passed(deadline))
                tree.awaitChange(deadline);
        }
        killAllAndWait(c);
        tree.bindPid(c, 0);
        Set<String> controllers = c.controllers;
        String cwd = s.defaultCwd(c);
        Runnable network = NetworkProperties.stop(s, c);
        tree.outsideLock(() -> {
            network.run();
            removeRun(c.name, controllers, cwd);
            return null;
        });
        NetworkProperties.freed(s, c);
        c.controllers = Set.of();
        c.transition(StateMachine.Event.STOP);
        s.persistence().save(c);
        tree.notifyState(c);
    }

    /** Kernel work that may fail with a PortoException, run with the tree lock let go. */
    private interface KernelStep {
        void run() throws PortoException;
    }

    private void outsideLock(KernelStep step) throws PortoException {
        PortoException failure = tree.outsideLock(() -> {
            try {
                step.run();
                return null;
            } catch (PortoException e) {
                return e;
            }
        });
        if (failure != null)
            throw failure;
    }

    /** Kills every process in the container's cgroups and waits until they are gone, with the lock let go. */
    private void killAllAndWait(Container c) throws PortoException {
        if (c.controllers.isEmpty())
            return;
        String name = c.name;
        Cgroups cg = s.kernel.cgroups();
        outsideLock(() -> freezeAndKill(name));
        // Exits are reported, but processes that are not main tasks leave the cgroup unannounced:
        // look again every few milliseconds.
        long deadline = tree.deadline(KILL_WAIT_MS);
        while (tree.outsideLock(() -> !cg.pids(name).isEmpty())) {
            if (tree.passed(deadline))
                throw new PortoException(ErrorCode.Busy, "processes of " + name + " do not die");
            tree.awaitChange(Math.min(deadline, tree.deadline(5)));
        }
    }

    /** Kills every process in the container's cgroups, lock held (its task died: nothing may go on). */
    private void killAll(Container c) throws PortoException {
        if (!c.controllers.isEmpty())
            freezeAndKill(c.name);
    }

    /** SIGKILL to every process in the cgroups of {@code name}, frozen first so nothing forks away. */
    private void freezeAndKill(String name) throws PortoException {
        Cgroups cg = s.kernel.cgroups();
        if (cg.pids(name).isEmpty())
            return;
        try {
            cg.setFrozen(name, true);
            for (int pid : cg.pids(name))
                s.kernel.processes().kill(pid, ContainerService.SIGKILL);
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
        NetworkProperties.tearDown(s, c);
        removeRun(c.name, c.controllers, s.defaultCwd(c));
        c.controllers = Set.of();
        DeathPressure.update(s, c.parent); // a meta parent may be left hollow
    }

    /** Removes the cgroups and the working directory of a run (kernel work only). */
    private void removeRun(String name, Set<String> controllers, String cwd) {
        if (!controllers.isEmpty()) {
            try {
                s.kernel.cgroups().remove(name);
            } catch (KernelException e) {
                // Left for the next start or the daemon's cleanup of stale cgroups.
            }
        }
        s.kernel.files().removeDirectory(cwd);
    }

    /** The kernel reports that task {@code pid} exited: whose it was decides what dies. */
    void taskExited(int pid, int status, long startTime) {
        tree.lock();
        try {
            Container c = tree.byPid(pid);
            if (c != null && c.rootStartTime == startTime && c.rootPid == pid) {
                died(c, status);
            } else {
                Container buried = tree.unburyPid(pid);
                if (buried != null && buried.rootStartTime == startTime && buried.state() == State.DEAD)
                    died(buried, status);
                else if (buried == null)
                    tree.unclaimedExit(pid, status, startTime);
            }
        } finally {
            tree.unlock();
            // Acknowledged even when handling failed: a replay would fail the same way forever.
            s.kernel.exits().acknowledge(pid);
        }
    }

    /** The main task exited with {@code status}: the container is dead, and so is what ran inside it. */
    void died(Container c, int status) {
        if (c.state() == State.DEAD) {
            // Buried with its parent before its own exit arrived: record the true status.
            c.exitStatus = status;
            s.persistence().save(c);
            return;
        }
        c.exitStatus = status;
        c.deathTime = s.clock().nowMillis();
        boolean killed = (status & 0x7f) == ContainerService.SIGKILL;
        c.oomKilled = killed && !c.controllers.isEmpty()
                && s.kernel.cgroups().stat(ResourceControl.cgroupOf(c, "memory"), Cgroups.Stat.OOM_KILLS) > 0;
        tree.bindPid(c, 0);
        try {
            killAll(c);
        } catch (PortoException e) {
            // Children's exits still arrive and are handled one by one.
        }
        c.transition(StateMachine.Event.DEATH);
        DeathPressure.update(s, c);
        s.output().rotate(c);
        s.persistence().save(c);
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
                c.afterDeath = s.clock().schedule(LifecycleProperties.RESPAWN_DELAY.value(c) / 1_000_000, () -> s.housekeeping().respawnDead(name, died));
                return;
            }
            long agingMs = LifecycleProperties.AGING_TIME.value(c) * 1000;
            long left = Math.max(0, died + agingMs - s.clock().nowMillis());
            c.afterDeath = s.clock().schedule(left, () -> s.housekeeping().ageOut(name, died));
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
        c.exitStatus = ContainerService.SIGKILL;
        c.deathTime = when;
        c.transition(StateMachine.Event.DEATH);
        DeathPressure.update(s, c);
        s.persistence().save(c);
        tree.notifyState(c);
        for (Container child : c.children.values())
            buryTree(child, when);
    }

    /** The OOM killer struck inside a container with oom_is_fatal: everything in it dies. */
    void oomKill(Container c) {
        if (!c.state().isActive() || c.state() == State.STARTING)
            return;
        try {
            killAll(c);
        } catch (PortoException e) {
            // The exits that do arrive are handled one by one.
        }
        if (c.rootPid <= 0)
            died(c, ContainerService.SIGKILL); // a meta container has no task whose exit would tell
    }

    // ---- pause and resume ----

    void pause(Container c) throws PortoException {
        setFrozen(c, true);
        markTree(c, State.PAUSED);
    }

    void resume(Container c) throws PortoException {
        setFrozen(c, false);
        markTree(c, null);
    }

    private void setFrozen(Container c, boolean frozen) throws PortoException {
        if (c.controllers.isEmpty())
            return;
        try {
            s.kernel.cgroups().setFrozen(c.name, frozen);
        } catch (KernelException e) {
            throw new PortoException(ErrorCode.Unknown, (frozen ? "cannot freeze " : "cannot thaw ") + c.name + ": " + e.getMessage(), e.errno());
        }
    }

    /** Pauses (to == PAUSED) or resumes (to == null) the container and its active descendants. */
    private void markTree(Container c, State to) throws PortoException {
        if (to == State.PAUSED && (c.state() == State.RUNNING || c.state() == State.META)) {
            c.transition(StateMachine.Event.PAUSE);
        } else if (to == null && c.state() == State.PAUSED) {
            // A descendant paused on its own has its own frozen cgroup: thaw it as well.
            setFrozen(c, false);
            c.transition(ContextProperties.COMMAND.value(c).isEmpty() ? StateMachine.Event.RESUME_META : StateMachine.Event.RESUME);
        } else {
            return;
        }
        s.persistence().save(c);
        tree.notifyState(c);
        for (Container child : c.children.values())
            markTree(child, to);
    }
}

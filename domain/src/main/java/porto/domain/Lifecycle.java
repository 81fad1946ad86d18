package porto.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import porto.ports.Cgroups;
import porto.ports.KernelException;
import porto.ports.LaunchResult;
import porto.ports.LaunchSpec;
import porto.ports.LaunchSpec;

/**
 * Start, stop, death, pause and resume of containers. Called with the service lock held; a start
 * releases it while the kernel works.
 */
final class Lifecycle {
    static final long RESPAWN_DELAY_MS = 1_000;
    /** How long to wait for killed processes to leave their cgroup. */
    private static final long KILL_WAIT_MS = 5_000;
    private static final int EACCES = 13;

    private final ContainerService s;
    private final ResourceControl resources;
    private final LaunchPlanner planner;

    Lifecycle(ContainerService s) {
        this.s = s;
        this.resources = s.resources();
        this.planner = new LaunchPlanner(s);
    }

    private String value(Container c, String property) throws PortoException {
        return s.properties().find(property).read(s, c);
    }

    // ---- start ----

    void start(Container c, Caller caller) throws PortoException {
        // Before any ancestor starts: a refused guarantee must leave the whole chain as it was.
        resources.guarantees.checkStart(c);
        Container parent = c.parent;
        if (!parent.isHost()) {
            switch (parent.state()) {
                case STOPPED -> start(parent, caller);
                case RUNNING, META -> { }
                default -> throw new PortoException(ErrorCode.InvalidState,
                        "parent " + parent.name + " is " + parent.state().text() + ", cannot start " + c.name);
            }
        }
        startOne(c, caller);
    }

    /**
     * Starts one container whose parent runs, in three steps: plan it with the tree lock held,
     * do the kernel work (cgroups, files, the launch, which may take seconds) with the lock
     * released and the container busy and starting, then record the outcome under the lock again.
     * Meanwhile reads see it starting and requests on its subtree are answered Busy.
     */
    private void startOne(Container c, Caller caller) throws PortoException {
        Container parent = c.parent;
        if (!parent.isHost() && parent.state() != State.RUNNING && parent.state() != State.META)
            throw new PortoException(ErrorCode.InvalidState,
                    "parent " + parent.name + " is " + parent.state().text() + ", cannot start " + c.name);
        String command = value(c, "command");
        boolean meta = command.isEmpty();
        // A meta container with isolate=true runs a tiny init that holds its namespaces, so that
        // children with isolate=false share them; without isolation it runs nothing at all.
        boolean holdsNamespaces = meta && Values.parseBool(value(c, "isolate"));
        // Validate everything before touching the kernel.
        List<Cgroups.DeviceRule> devices = planner.deviceRules(c);
        LaunchPlanner.LaunchPlan plan = meta && !holdsNamespaces ? null : planner.plan(c, meta ? null : command, caller);
        c.controllers = resources.controllersFor(c);
        if (devices != null)
            c.controllers = union(c.controllers, "devices");
        c.transition(StateMachine.Event.START);
        boolean wasBusy = c.busy;
        c.busy = true;
        s.launchBegins();
        try {
            Launch outcome;
            try {
                outcome = s.outsideLock(() -> kernelWork(c, devices, plan));
            } finally {
                c.busy = wasBusy;
            }
            record(c, meta, outcome);
        } finally {
            s.launchEnds(); // after record: an exit that came early is kept until then
        }
    }

    /** The outcome of the kernel work, with the lock held again. */
    private void record(Container c, boolean meta, Launch outcome) throws PortoException {
        if (outcome.failure != null) {
            failStart(c);
            if (outcome.launchErrno != null) {
                c.startErrno = outcome.launchErrno;
                s.persistence().save(c);
            }
            s.notifyChange();
            throw outcome.failure;
        }
        c.exitStatus = 0;
        c.oomKilled = false;
        c.deathTime = 0;
        c.startTime = s.clock().nowMillis();
        c.startErrno = 0;
        if (outcome.started == null) {
            c.transition(StateMachine.Event.STARTED_META);
            s.persistence().save(c);
            s.notifyState(c);
            return;
        }
        s.bindPid(c, outcome.started.pid());
        c.rootStartTime = outcome.started.startTime();
        c.transition(meta ? StateMachine.Event.STARTED_META : StateMachine.Event.STARTED);
        s.persistence().save(c);
        s.notifyState(c);
        afterLaunch(c);
    }

    /** What the kernel work of a start came to: a task, nothing (a plain meta), or a failure. */
    private record Launch(LaunchResult started, PortoException failure, Integer launchErrno) {}

    /** Cgroups, limits, files and the launch: no tree lock held, the container busy. */
    private Launch kernelWork(Container c, List<Cgroups.DeviceRule> devices, LaunchPlanner.LaunchPlan plan) {
        LaunchSpec spec;
        try {
            // Resources of siblings are allocated one container at a time (cpus held exclusively).
            synchronized (resources) {
                s.kernel.cgroups().create(c.name, c.controllers);
                resources.applyAll(c);
                if (devices != null)
                    s.kernel.cgroups().allowDevices(c.name, devices);
                spec = plan == null ? null : plan.spec(resources.taskDirectories(c));
            }
        } catch (KernelException e) {
            return new Launch(null, ResourceControl.kernelError("cannot set up cgroups of " + c.name, e), null);
        } catch (PortoException e) {
            return new Launch(null, e, null);
        }
        if (plan == null)
            return new Launch(null, null, null);
        try {
            prepareFiles(plan);
            return new Launch(s.kernel.launcher().launch(spec), null, null);
        } catch (KernelException e) {
            // EACCES: a path the client named, opened with the client's rights.
            return new Launch(null, new PortoException(e.errno() == EACCES ? ErrorCode.Permission : ErrorCode.Unknown,
                    e.getMessage(), e.errno()), e.errno());
        }
    }

    /**
     * The task may have exited before its pid was bound, or the parent may have died while the
     * task was launched: either way the container is dead at once.
     */
    private void afterLaunch(Container c) {
        Integer status = s.takeEarlyExit(c.rootPid, c.rootStartTime);
        if (status != null) {
            died(c, status);
            return;
        }
        Container parent = c.parent;
        if (!parent.isHost() && parent.state() == State.DEAD) {
            int pid = c.rootPid;
            buryTree(c, parent.deathTime);
            s.kernel.processes().kill(pid, ContainerService.SIGKILL);
        }
    }

    /** The kernel refused the start: free what it took and return to stopped. */
    private void failStart(Container c) {
        release(c);
        c.transition(StateMachine.Event.START_FAILED);
    }

    private static Set<String> union(Set<String> set, String more) {
        Set<String> out = new LinkedHashSet<>(set);
        out.add(more);
        return Set.copyOf(out);
    }

    private void prepareFiles(LaunchPlanner.LaunchPlan plan) throws KernelException {
        s.kernel.files().createDirectory(plan.workDir(), plan.uid(), plan.gid());
        for (String stream : plan.storedStreams())
            s.kernel.files().createFile(stream, plan.uid(), plan.gid());
        for (var file : plan.files().entrySet())
            s.kernel.files().writeFile(file.getKey(), file.getValue(), 0, 0);
    }

    /** A property changed from {@code previous}; a limit of a container with cgroups takes effect at once. */
    void applyDynamic(Container c, String property, String previous) throws PortoException {
        resources.applyDynamic(c, property, previous);
    }

    // ---- stop and death ----

    /** Stops the container and everything below it, children first. */
    void stopTree(Container c, long timeoutMs) throws PortoException {
        if (c.state() == State.STOPPED)
            return;
        for (Container child : new ArrayList<>(c.children.descendingMap().values()))
            stopTree(child, timeoutMs);
        stopOne(c, timeoutMs);
    }

    private void stopOne(Container c, long timeoutMs) throws PortoException {
        if (c.state() == State.PAUSED)
            setFrozen(c, false);
        if (c.state() == State.RUNNING && c.rootPid > 0 && timeoutMs > 0
                && s.kernel.processes().catchesSignal(c.rootPid, ContainerService.SIGTERM)) {
            s.kernel.processes().kill(c.rootPid, ContainerService.SIGTERM);
            long deadline = s.clock().nanoTime() + timeoutMs * 1_000_000;
            while (c.state() == State.RUNNING && s.clock().nanoTime() < deadline)
                s.awaitChange(Math.min(10, timeoutMs));
        }
        killAll(c, true);
        release(c);
        c.transition(StateMachine.Event.STOP);
        s.persistence().save(c);
        s.notifyState(c);
    }

    /** Kills every process in the container's cgroups (frozen first so nothing forks away). */
    private void killAll(Container c, boolean wait) throws PortoException {
        if (c.controllers.isEmpty())
            return;
        Cgroups cg = s.kernel.cgroups();
        Set<Integer> pids = cg.pids(c.name);
        if (pids.isEmpty())
            return;
        try {
            cg.setFrozen(c.name, true);
            for (int pid : cg.pids(c.name))
                s.kernel.processes().kill(pid, ContainerService.SIGKILL);
        } catch (KernelException e) {
            throw new PortoException(ErrorCode.Unknown, "cannot freeze " + c.name + ": " + e.getMessage(), e.errno());
        } finally {
            try {
                cg.setFrozen(c.name, false);
            } catch (KernelException e) {
                // Thawing a cgroup whose tasks are all gone can fail; the kill has been sent.
            }
        }
        if (!wait)
            return;
        long deadline = s.clock().nanoTime() + KILL_WAIT_MS * 1_000_000;
        while (!cg.pids(c.name).isEmpty() && s.clock().nanoTime() < deadline)
            s.awaitChange(5);
        if (!cg.pids(c.name).isEmpty())
            throw new PortoException(ErrorCode.Busy, "processes of " + c.name + " do not die");
    }

    /** Frees what a run held: cgroups, the working directory and the pid. */
    void release(Container c) {
        s.bindPid(c, 0);
        if (!c.controllers.isEmpty()) {
            try {
                s.kernel.cgroups().remove(c.name);
            } catch (KernelException e) {
                // Left for the next start or the daemon's cleanup of stale cgroups.
            }
        }
        c.controllers = Set.of();
        s.kernel.files().removeDirectory(s.defaultCwd(c));
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
        s.bindPid(c, 0);
        try {
            killAll(c, false);
        } catch (PortoException e) {
            // Children's exits still arrive and are handled one by one.
        }
        c.transition(StateMachine.Event.DEATH);
        s.output().rotate(c);
        s.persistence().save(c);
        s.notifyState(c);
        // Nothing may go on running below a dead container: its processes were killed above.
        for (Container child : c.children.values())
            buryTree(child, c.deathTime);
        scheduleAfterDeath(c);
    }

    /** Respawn after a second when asked to; destroy after aging_time otherwise. */
    void scheduleAfterDeath(Container c) {
        String name = c.name;
        long died = c.deathTime;
        try {
            boolean respawn = Values.parseBool(value(c, "respawn"));
            long max = Long.parseLong(value(c, "max_respawns"));
            if (respawn && (max < 0 || c.respawnCount < max)) {
                s.clock().schedule(RESPAWN_DELAY_MS, () -> s.housekeeping().respawnDead(name, died));
                return;
            }
            long agingMs = Long.parseLong(value(c, "aging_time")) * 1000;
            long left = Math.max(0, died + agingMs - s.clock().nowMillis());
            s.clock().schedule(left, () -> s.housekeeping().ageOut(name, died));
        } catch (PortoException | RuntimeException e) {
            // A value damaged in the store: nothing to schedule for it, and nothing else may fail.
        }
    }

    /** A dead container with respawn=true starts again, counting the respawn. */
    void respawn(Container c) throws PortoException {
        stopTree(c, 0);
        c.respawnCount++;
        start(c, new Caller(0, c.ownerUid, c.ownerGid));
    }

    private void buryTree(Container c, long when) {
        // A container being started is buried by its start, once the launch has returned.
        if (c.state() == State.STOPPED || c.state() == State.DEAD || c.state() == State.STARTING)
            return;
        // The task (if any) was killed with its parent's cgroup; its own exit report, when it
        // comes, replaces this status with the true one.
        s.buryPid(c);
        c.exitStatus = ContainerService.SIGKILL;
        c.deathTime = when;
        c.transition(StateMachine.Event.DEATH);
        s.persistence().save(c);
        s.notifyState(c);
        for (Container child : c.children.values())
            buryTree(child, when);
    }

    /** The OOM killer struck inside a container with oom_is_fatal: everything in it dies. */
    void oomKill(Container c) {
        if (!c.state().isActive() || c.state() == State.STARTING)
            return;
        try {
            killAll(c, false);
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
            c.transition(value(c, "command").isEmpty() ? StateMachine.Event.RESUME_META : StateMachine.Event.RESUME);
        } else {
            return;
        }
        s.persistence().save(c);
        s.notifyState(c);
        for (Container child : c.children.values())
            markTree(child, to);
    }
}

package porto.domain;

import static porto.ports.Errno.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import porto.domain.net.NetworkSetup;
import porto.ports.Cgroups;
import porto.ports.Clock;
import porto.ports.ContainerFiles;
import porto.ports.Processes;
import porto.ports.Signals;
import porto.ports.TaskLauncher;
import porto.ports.KernelException;
import porto.ports.LaunchResult;
import porto.ports.LaunchSpec;

/**
 * Start of a container: checked and planned with the tree lock held, the kernel work (cgroups,
 * files, the launch, which may take seconds) done with the lock released and the container busy
 * and starting, the outcome recorded under the lock again. Meanwhile reads see it starting and
 * requests on its subtree are answered Busy.
 */
final class Starter {
    private final ContainerTree tree;
    private final Lifecycle lifecycle;
    private final ResourceControl resources;
    private final LaunchPlanner planner;
    private final Persistence persistence;
    private final Properties properties;
    private final UserDatabase users;
    private final NetworkSetup networking;
    private final DomainConfig config;
    private final Cgroups cgroups;
    private final TaskLauncher launcher;
    private final ContainerFiles files;
    private final Processes processes;
    private final Clock clock;

    Starter(ContainerTree tree, Lifecycle lifecycle, ResourceControl resources, LaunchPlanner planner, Persistence persistence,
            Properties properties, UserDatabase users, NetworkSetup networking, DomainConfig config, Cgroups cgroups,
            TaskLauncher launcher, ContainerFiles files, Processes processes, Clock clock) {
        this.tree = tree;
        this.lifecycle = lifecycle;
        this.resources = resources;
        this.planner = planner;
        this.persistence = persistence;
        this.properties = properties;
        this.users = users;
        this.networking = networking;
        this.config = config;
        this.cgroups = cgroups;
        this.launcher = launcher;
        this.files = files;
        this.processes = processes;
        this.clock = clock;
    }

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
        try {
            startOne(c, caller);
        } catch (PortoException e) {
            c.startError = e.code().name() + ": " + e.getMessage();
            persistence.save(c);
            throw e;
        }
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
        ExtraProperties.apply(properties, c);
        String command = ContextProperties.COMMAND.value(c);
        boolean meta = command.isEmpty();
        // A meta container with isolate=true or userns=true runs a tiny init that holds its
        // namespaces, so that children share them (the user namespace, which all children enter,
        // exists only while a task holds it); otherwise it runs nothing at all.
        boolean holdsNamespaces = meta && (ContextProperties.ISOLATE.value(c) || NamespaceProperties.USERNS.value(c));
        // Validate everything before touching the kernel.
        VirtModes.checkStart(c, caller, tree.containers());
        NetworkProperties.checkStart(c, caller);
        List<Cgroups.DeviceRule> devices = planner.deviceRules(c);
        LaunchPlanner.LaunchPlan plan = meta && !holdsNamespaces ? null : planner.plan(c, meta ? null : command, caller);
        c.controllers = resources.controllersFor(c);
        // Last of the checks: a NAT address is held from here, and freed by the stop (or a failed start).
        NetworkProperties.Start network = NetworkProperties.start(networking, config.network(), users, properties, c);
        if (devices != null)
            c.controllers = union(c.controllers, "devices");
        c.transition(StateMachine.Event.START);
        tree.notifyState(c); // waiters see "starting" too, as upstream reports every state
        boolean wasBusy = c.busy;
        c.busy = true;
        tree.launchBegins();
        try {
            Launch outcome;
            try {
                outcome = tree.outsideLock(() -> kernelWork(c, devices, plan, network));
            } finally {
                c.busy = wasBusy;
            }
            record(c, meta, outcome);
        } finally {
            tree.launchEnds(); // after record: an exit that came early is kept until then
        }
    }

    /** The outcome of the kernel work, with the lock held again. */
    private void record(Container c, boolean meta, Launch outcome) throws PortoException {
        if (outcome.failure != null) {
            failStart(c);
            if (outcome.launchErrno != null) {
                c.startErrno = outcome.launchErrno;
                persistence.save(c);
            }
            tree.notifyChange();
            throw outcome.failure;
        }
        c.exitStatus = 0;
        c.oomKilled = false;
        c.deathTime = 0;
        c.startTime = clock.nowMillis();
        c.startErrno = 0;
        c.startError = "";
        if (outcome.started == null) {
            c.transition(StateMachine.Event.STARTED_META);
            DeathPressure.update(cgroups, c); // a meta container with no child yet is hollow
            persistence.save(c);
            tree.notifyState(c);
            return;
        }
        tree.bindPid(c, outcome.started.pid());
        c.rootStartTime = outcome.started.startTime();
        c.transition(meta ? StateMachine.Event.STARTED_META : StateMachine.Event.STARTED);
        DeathPressure.update(cgroups, c); // its ancestors pressurized as hollow are not any more
        persistence.save(c);
        tree.notifyState(c);
        afterLaunch(c);
    }

    /** What the kernel work of a start came to: a task, nothing (a plain meta), or a failure. */
    private record Launch(LaunchResult started, PortoException failure, Integer launchErrno) {}

    /** Cgroups, limits, files and the launch: no tree lock held, the container busy. */
    private Launch kernelWork(Container c, List<Cgroups.DeviceRule> devices, LaunchPlanner.LaunchPlan plan,
                              NetworkProperties.Start network) {
        LaunchSpec spec;
        try {
            // Resources of siblings are allocated one container at a time (cpus held exclusively).
            resources.allocation.lock();
            try {
                cgroups.create(c.name, c.controllers);
                resources.applyAll(c);
                if (devices != null)
                    cgroups.allowDevices(c.name, devices);
                spec = plan == null ? null : plan.spec(resources.taskDirectories(c));
            } finally {
                resources.allocation.unlock();
            }
        } catch (KernelException e) {
            return new Launch(null, ResourceControl.kernelError("cannot set up cgroups of " + c.name, e), null);
        } catch (PortoException e) {
            return new Launch(null, e, null);
        } catch (RuntimeException e) {
            return new Launch(null, unexpected(c, e), null); // never left in starting for good
        }
        if (network != null) {
            try {
                network.run(networking); // before the task: it starts in a namespace that is ready
            } catch (PortoException e) {
                return new Launch(null, e, null);
            } catch (RuntimeException e) {
                return new Launch(null, unexpected(c, e), null);
            }
        }
        if (plan == null)
            return new Launch(null, null, null);
        try {
            prepareFiles(plan);
            Symlinks.createAtStart(files, users, properties, c);
            return new Launch(launcher.launch(spec), null, null);
        } catch (KernelException e) {
            // EACCES: a path the client named, opened with the client's rights.
            return new Launch(null, new PortoException(e.errno() == EACCES ? ErrorCode.Permission : ErrorCode.Unknown,
                    e.getMessage(), e.errno()), e.errno());
        } catch (PortoException e) {
            return new Launch(null, e, null);
        } catch (RuntimeException e) {
            return new Launch(null, unexpected(c, e), null);
        }
    }

    private static PortoException unexpected(Container c, RuntimeException e) {
        return new PortoException(ErrorCode.Unknown, "start of " + c.name + " failed: " + e);
    }

    /**
     * The task may have exited before its pid was bound, or the parent may have died while the
     * task was launched: either way the container is dead at once.
     */
    private void afterLaunch(Container c) {
        Integer status = tree.takeEarlyExit(c.rootPid, c.rootStartTime);
        if (status != null) {
            lifecycle.died(c, status);
            return;
        }
        Container parent = c.parent;
        if (!parent.isHost() && parent.state() == State.DEAD) {
            int pid = c.rootPid;
            lifecycle.buryTree(c, parent.deathTime);
            processes.kill(pid, Signals.SIGKILL);
        }
    }

    /** The kernel refused the start: free what it took and return to stopped. */
    private void failStart(Container c) {
        lifecycle.release(c);
        c.transition(StateMachine.Event.START_FAILED);
        tree.notifyState(c);
    }

    private static Set<String> union(Set<String> set, String more) {
        Set<String> out = new LinkedHashSet<>(set);
        out.add(more);
        return Set.copyOf(out);
    }

    private void prepareFiles(LaunchPlanner.LaunchPlan plan) throws KernelException {
        files.createDirectory(plan.workDir(), plan.uid(), plan.gid());
        for (String stream : plan.storedStreams())
            files.createFile(stream, plan.uid(), plan.gid());
        for (var file : plan.files().entrySet())
            files.writeFile(file.getKey(), file.getValue(), 0, 0);
    }

    /** A dead container with respawn=true starts again, counting the respawn. */
    void respawn(Container c) throws PortoException {
        lifecycle.stopTree(c, 0);
        c.respawnCount++;
        start(c, new Caller(0, c.ownerUid, c.ownerGid));
    }

}

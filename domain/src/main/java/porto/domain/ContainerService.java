package porto.domain;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import porto.ports.Cgroups;
import porto.ports.Clock;
import porto.ports.ContainerFiles;
import porto.ports.Processes;
import porto.ports.StateStore;
import porto.ports.TaskExits;
import porto.ports.TaskLauncher;
import porto.ports.Users;

/**
 * The requests of the API, each checked (permissions, busy marks, states) and handed to the part
 * that does it: {@link Starter} (start), {@link Lifecycle} (stop, death, pause, removal),
 * {@link PropertyAccess} (get, set), {@link Waiting} (Wait), {@link Persistence} and
 * {@link Housekeeping}; {@link DomainWiring} builds them all once. The tree's lock is held only
 * for work in memory: a start's kernel work and waiting for processes to die release it, with the
 * containers being changed marked busy, so reads never wait for a launch. Every change is written
 * to the state store before the request is answered.
 */
public final class ContainerService {
    private final DomainConfig config;
    private final ContainerTree tree;
    private final Properties properties;
    private final UserDatabase users;
    private final Clients clients;
    private final Persistence persistence;
    private final ResourceControl resources;
    private final Lifecycle lifecycle;
    private final Starter starter;
    private final Housekeeping housekeeping;
    private final PropertyAccess access;
    private final Waiting waiting;
    private final LabelRequests labels;
    private final ProcessAttach attach;
    /** What containers show of volumes: the volume side, once it is wired ({@link #setVolumes}). */
    private final AtomicReference<ContainerVolumes> volumes;
    /** What porto_stat shows of the daemon, once it is wired ({@link #setDaemonStatistics}). */
    private final AtomicReference<DaemonStatistics> daemonStatistics;
    private final Processes processes;
    private final TaskExits exits;
    private final Clock clock;

    /** The ports the domain drives, as the daemon and the tests hand them to {@link DomainWiring#build}. */
    public record Kernel(Cgroups cgroups, TaskLauncher launcher, Processes processes, TaskExits exits,
                         Clock clock, StateStore store, Users users, ContainerFiles files, porto.ports.net.Network network) {
        /** Without a network adapter: {@code net} options that need one answer NotSupported. */
        public Kernel(Cgroups cgroups, TaskLauncher launcher, Processes processes, TaskExits exits,
                      Clock clock, StateStore store, Users users, ContainerFiles files) {
            this(cgroups, launcher, processes, exits, clock, store, users, files, null);
        }
    }

    ContainerService(DomainConfig config, ContainerTree tree, Properties properties, UserDatabase users, Clients clients,
                     Persistence persistence, ResourceControl resources, Lifecycle lifecycle, Starter starter,
                     Housekeeping housekeeping, PropertyAccess access, Waiting waiting, LabelRequests labels,
                     ProcessAttach attach, AtomicReference<ContainerVolumes> volumes,
                     AtomicReference<DaemonStatistics> daemonStatistics, Processes processes, TaskExits exits,
                     Clock clock) {
        this.config = config;
        this.tree = tree;
        this.properties = properties;
        this.users = users;
        this.clients = clients;
        this.persistence = persistence;
        this.resources = resources;
        this.lifecycle = lifecycle;
        this.starter = starter;
        this.housekeeping = housekeeping;
        this.access = access;
        this.waiting = waiting;
        this.labels = labels;
        this.attach = attach;
        this.volumes = volumes;
        this.daemonStatistics = daemonStatistics;
        this.processes = processes;
        this.exits = exits;
        this.clock = clock;
    }

    public DomainConfig config() {
        return config;
    }

    public Properties properties() {
        return properties;
    }

    /** What containers show of volumes; wired once the volume side exists. */
    public void setVolumes(ContainerVolumes volumes) {
        this.volumes.set(volumes);
    }

    /** The daemon's counters for porto_stat; wired by the daemon. */
    public void setDaemonStatistics(DaemonStatistics statistics) {
        this.daemonStatistics.set(statistics);
    }

    /** attachProcess and AttachThread. */
    public ProcessAttach attach() {
        return attach;
    }

    /** FindLabel, SetLabel and IncLabel. */
    public LabelRequests labels() {
        return labels;
    }

    public void addListener(Events.Listener l) {
        tree.addListener(l);
    }

    public void removeListener(Events.Listener l) {
        tree.removeListener(l);
    }

    /** Restores containers saved by an earlier daemon, then starts taking task exits. */
    public void start() {
        List<String> lost;
        tree.lock();
        try {
            lost = persistence.restore();
            resources.restored();
        } finally {
            tree.unlock();
        }
        exits.start(lifecycle::taskExited);
        housekeeping.afterRestore(lost);
    }

    /** The last failure to write the state store, or null. */
    public String persistenceError() {
        return persistence.lastError();
    }

    // ---- the API ----

    /**
     * Identifies a client from its socket's peer credentials: the container its process lives in
     * is the deepest container whose cgroup holds it (the host when none does).
     */
    public Caller identify(int pid, int uid, int gid) {
        return clients.identify(pid, uid, gid);
    }

    /** As {@link #identify(int, int, int)}, with the start time of the client's process read at connect. */
    public Caller identify(int pid, int uid, int gid, long startTime) {
        return clients.identify(pid, uid, gid, startTime);
    }

    /**
     * What an identified client may see and do right now, with the credentials its requests run
     * under; Permission when porto is disabled for it.
     */
    public ClientScope scope(Caller caller) throws PortoException {
        return clients.scope(caller);
    }

    public void create(Caller caller, String name, boolean weak) throws PortoException {
        ContainerName.validate(name);
        persistence.beginRequest();
        tree.lock();
        try {
            if (tree.containers().containsKey(name))
                throw new PortoException(ErrorCode.ContainerAlreadyExists, "container " + name + " already exists");
            if (tree.containers().size() >= config.containers().maxTotal())
                throw new PortoException(ErrorCode.ResourceNotAvailable, "number of containers reached its limit ("
                        + config.containers().maxTotal() + ", max_total of portod.conf)");
            Container parent = tree.find(ContainerName.parent(name));
            Permissions.checkCreate(ClientScope.of(tree, properties, caller), users, caller, parent);
            for (Container p = parent; p != null; p = p.parent)
                if (p.busy)
                    throw ContainerTree.busy(p);
            Container c = new Container(name, parent, tree.allocateId());
            c.ownerUid = caller.uid();
            c.ownerGid = caller.gid();
            c.creationTime = clock.nowMillis();
            c.weak = weak;
            tree.add(c);
            persistence.save(c);
            tree.notifyState(c);
        } finally {
            tree.unlock(); // writes the record
        }
        persistence.requireSaved();
    }

    /** A change to one container, made with the lock held once the caller may write to it. */
    private interface Change {
        void apply(Container c) throws PortoException;
    }

    private void change(Caller caller, String name, Change change) throws PortoException {
        persistence.beginRequest();
        tree.lock();
        try {
            Container c = tree.findAfterWrites(name);
            Permissions.requireNotHost(c);
            Permissions.checkWrite(ClientScope.of(tree, properties, caller), users, caller, c);
            tree.requireIdle(c);
            c.busy = true;
            try {
                change.apply(c);
            } finally {
                c.busy = false;
            }
        } finally {
            tree.unlock(); // writes the records
        }
        persistence.requireSaved();
    }

    private static PortoException wrongState(Container c, String wanted) {
        return new PortoException(ErrorCode.InvalidState, "container " + c.name + " is " + c.state().text() + ", not " + wanted);
    }

    public void destroy(Caller caller, String name) throws PortoException {
        change(caller, name, c -> {
            lifecycle.stopTree(c, 0);
            lifecycle.removeTree(c);
        });
    }

    public void start(Caller caller, String name) throws PortoException {
        change(caller, name, c -> {
            if (c.state() != State.STOPPED)
                throw wrongState(c, "stopped");
            String required = c.config.getOrDefault("volumes_required", "");
            if (!required.isEmpty()) // as upstream: a container does not start without its required volumes
                volumes.get().checkRequired(c.name, Values.splitList(required, ';'));
            starter.start(c, caller);
        });
    }

    public void stop(Caller caller, String name, long timeoutMs) throws PortoException {
        change(caller, name, c -> {
            if (c.state() == State.STOPPED)
                throw new PortoException(ErrorCode.InvalidState, "container " + name + " is already stopped");
            lifecycle.stopTree(c, timeoutMs < 0 ? config.stopTimeoutMs() : timeoutMs);
        });
    }

    /** Stops a dead container and starts it again (what the API calls Respawn). */
    public void restart(Caller caller, String name) throws PortoException {
        change(caller, name, c -> {
            if (c.state() != State.DEAD && c.state() != State.STOPPED)
                throw wrongState(c, "dead");
            if (c.state() == State.DEAD)
                lifecycle.stopTree(c, 0);
            starter.start(c, caller);
        });
    }

    public void kill(Caller caller, String name, int signal) throws PortoException {
        change(caller, name, c -> {
            if (signal <= 0 || signal > 64)
                throw new PortoException(ErrorCode.InvalidValue, "invalid signal " + signal);
            if (c.state() != State.RUNNING || c.rootPid <= 0)
                throw wrongState(c, "running");
            processes.kill(c.rootPid, signal);
        });
    }

    public void pause(Caller caller, String name) throws PortoException {
        change(caller, name, c -> {
            if (c.state() != State.RUNNING && c.state() != State.META)
                throw wrongState(c, "running");
            lifecycle.pause(c);
        });
    }

    public void resume(Caller caller, String name) throws PortoException {
        change(caller, name, c -> {
            if (c.state() != State.PAUSED)
                throw wrongState(c, "paused");
            if (c.parent.state() == State.PAUSED)
                throw new PortoException(ErrorCode.InvalidState, "parent " + c.parent.name + " is paused");
            lifecycle.resume(c);
        });
    }

    /** Names of every container matching {@code mask} (all when null), sorted. */
    public List<String> list(String mask) {
        return tree.names(mask);
    }

    /** Reads a property or "property[key]" as root. */
    public String get(String name, String property) throws PortoException {
        return get(Caller.ROOT, name, property);
    }

    /** Reads a property or "property[key]" for {@code reader} (stored output is read with their rights). */
    public String get(Caller reader, String name, String property) throws PortoException {
        return access.get(reader, name, property);
    }

    /** Reads many properties of many containers at once, as root; errors are per value. */
    public Map<String, Map<String, Result>> getMany(List<String> names, List<String> props) {
        return getMany(Caller.ROOT, names, props);
    }

    /** Reads many properties of many containers at once for {@code reader}; errors are per value. */
    public Map<String, Map<String, Result>> getMany(Caller reader, List<String> names, List<String> props) {
        return access.getMany(reader, names, props);
    }

    public void set(Caller caller, String name, String property, String value) throws PortoException {
        access.set(caller, name, property, value);
    }

    /**
     * Waits until one of the named containers (masks allowed) is stopped, dead or a meta container
     * with nothing running, or {@code targetState} when given. Returns its name and state, or null
     * on timeout. A negative timeout waits forever.
     */
    public String[] waitFor(List<String> names, long timeoutMs, String targetState) throws PortoException {
        return waitFor(names, timeoutMs, targetState, name -> true);
    }

    /** As {@link #waitFor(List, long, String)}, reporting only containers {@code visible} accepts. */
    public String[] waitFor(List<String> names, long timeoutMs, String targetState,
                            java.util.function.Predicate<String> visible) throws PortoException {
        return waiting.waitFor(names, timeoutMs, targetState, visible);
    }

    /** As above, also reporting changes of labels matching {@code labels} (masks): {name, state, label, value}. */
    public String[] waitFor(List<String> names, List<String> labels, long timeoutMs, String targetState,
                            java.util.function.Predicate<String> visible) throws PortoException {
        return waiting.waitFor(names, labels, timeoutMs, targetState, visible);
    }

    /** Destroys {@code name} if it is still weak: its client went away. */
    public void destroyIfWeak(String name) {
        housekeeping.destroyIfWeak(name);
    }

    /** Stops and forgets every container: a full daemon stop. */
    public void discardAll() {
        housekeeping.discardAll();
    }

    /** Number of containers, for the daemon's statistics. */
    public int count() {
        tree.lock();
        try {
            return tree.containers().size();
        } finally {
            tree.unlock();
        }
    }

    /** The container whose cgroup holds {@code pid} (the deepest such), "/" for the host's processes. */
    public String containerOf(int pid) {
        return clients.containerOf(pid);
    }

    /** Holds the lock for a caller outside the class (tests and invariant checks). */
    public <T> T inspect(java.util.function.Function<TreeSnapshot, T> reader) {
        tree.lock();
        try {
            return reader.apply(new TreeSnapshot(tree));
        } finally {
            tree.unlock();
        }
    }
}

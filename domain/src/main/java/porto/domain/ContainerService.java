package porto.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import porto.ports.Cgroups;
import porto.ports.Clock;
import porto.ports.ContainerFiles;
import porto.ports.Processes;
import porto.ports.StateStore;
import porto.ports.TaskExits;
import porto.ports.TaskLauncher;
import porto.ports.Users;

/**
 * The container tree and every operation on it. One lock guards the tree and is held only for
 * work in memory: a start's kernel work (cgroups, the launch) and waiting for processes to die
 * release it, with the containers being changed marked busy. Reads never wait for a launch.
 * Every change is written to the state store before the request is answered.
 */
public final class ContainerService {
    static final int SIGKILL = 9;
    static final int SIGTERM = 15;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Container host = new Container(ContainerName.HOST, null, 0);
    private final Map<String, Container> containers = new HashMap<>();
    private final Map<Integer, Container> byPid = new HashMap<>();
    /** Tasks of containers buried with their parent, whose own exit has not arrived yet. */
    private final Map<Integer, Container> buriedPids = new HashMap<>();
    private final List<Events.Listener> listeners = new CopyOnWriteArrayList<>();
    private final Properties properties = new Properties();
    private long nextId = 1;
    /** Starts whose kernel work is under way with the lock released. */
    private int launchesInFlight;
    /** Exits of unknown pids that came while a launch was under way: the pid may not be bound yet. */
    private final Map<Integer, long[]> earlyExits = new HashMap<>();

    final Kernel kernel;
    private final DomainConfig config;
    private final ResourceControl resources;
    private final Lifecycle lifecycle;
    private final Persistence persistence;
    private final OutputStore output;
    private final Housekeeping housekeeping;

    /** The ports this service drives, bundled so they are passed around as one. */
    public record Kernel(Cgroups cgroups, TaskLauncher launcher, Processes processes, TaskExits exits,
                         Clock clock, StateStore store, Users users, ContainerFiles files) {}

    public ContainerService(Kernel kernel, DomainConfig config) {
        this.kernel = kernel;
        this.config = config;
        this.resources = new ResourceControl(this);
        this.lifecycle = new Lifecycle(this);
        this.persistence = new Persistence(this);
        this.output = new OutputStore(this);
        this.housekeeping = new Housekeeping(this);
    }

    // ---- wiring and facts used by properties ----

    public DomainConfig config() {
        return config;
    }

    public Properties properties() {
        return properties;
    }

    Clock clock() {
        return kernel.clock();
    }

    ResourceControl resources() {
        return resources;
    }

    public void addListener(Events.Listener l) {
        listeners.add(l);
    }

    public void removeListener(Events.Listener l) {
        listeners.remove(l);
    }

    /** Restores containers saved by an earlier daemon, then starts taking task exits. */
    public void start() {
        List<String> lost;
        lock.lock();
        try {
            lost = persistence.restore();
            resources.restored();
        } finally {
            lock.unlock();
        }
        kernel.exits().start(this::taskExited);
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
        String path = kernel.cgroups().containerPathOf(pid).orElse(null);
        lock.lock();
        try {
            return new Caller(pid, uid, gid, ClientScope.deepestContainer(containers.keySet(), path));
        } finally {
            lock.unlock();
        }
    }

    /**
     * What an identified client may see and do right now, with the credentials its requests run
     * under; Permission when porto is disabled for it.
     */
    public ClientScope scope(Caller caller) throws PortoException {
        lock.lock();
        try {
            return ClientScope.of(this, caller);
        } finally {
            lock.unlock();
        }
    }

    public void create(Caller caller, String name, boolean weak) throws PortoException {
        ContainerName.validate(name);
        lock.lock();
        try {
            if (containers.containsKey(name))
                throw new PortoException(ErrorCode.ContainerAlreadyExists, "container " + name + " already exists");
            Container parent = find(ContainerName.parent(name));
            Permissions.checkCreate(this, caller, parent);
            for (Container p = parent; p != null; p = p.parent)
                if (p.busy)
                    throw busy(p);
            Container c = new Container(name, parent, nextId++);
            c.ownerUid = caller.uid();
            c.ownerGid = caller.gid();
            c.creationTime = kernel.clock().nowMillis();
            c.weak = weak;
            parent.children.put(name, c);
            containers.put(name, c);
            long failedSaves = persistence.failedSaves();
            persistence.save(c);
            notifyState(c);
            requireSaved(failedSaves);
        } finally {
            lock.unlock();
        }
    }

    /** A change to one container, made with the lock held once the caller may write to it. */
    private interface Change {
        void apply(Container c) throws PortoException;
    }

    private void change(Caller caller, String name, Change change) throws PortoException {
        lock.lock();
        try {
            Container c = find(name);
            requireNotHost(c);
            Permissions.checkWrite(this, caller, c);
            requireIdle(c);
            c.busy = true;
            long failedSaves = persistence.failedSaves();
            try {
                change.apply(c);
            } finally {
                c.busy = false;
            }
            requireSaved(failedSaves);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Refuses to touch a subtree another request is changing: that request may be waiting for
     * processes to die with the lock released, and must find the tree as it left it.
     */
    void requireIdle(Container c) throws PortoException {
        for (Container p = c; p != null; p = p.parent)
            if (p.busy)
                throw busy(p);
        requireIdleBelow(c);
    }

    private static void requireIdleBelow(Container c) throws PortoException {
        for (Container child : c.children.values()) {
            if (child.busy)
                throw busy(child);
            requireIdleBelow(child);
        }
    }

    boolean isIdle(Container c) {
        try {
            requireIdle(c);
            return true;
        } catch (PortoException e) {
            return false;
        }
    }

    /**
     * The change is made but a record of it could not be written: a restarted daemon would not
     * know it. Say so rather than answer Success.
     */
    private void requireSaved(long failedSavesBefore) throws PortoException {
        if (persistence.failedSaves() != failedSavesBefore)
            throw new PortoException(ErrorCode.Unknown, "done, but not saved for a daemon restart: " + persistence.lastError());
    }

    private static PortoException busy(Container c) {
        return new PortoException(ErrorCode.Busy, "container " + c.name + " is busy: another request is changing it");
    }

    private static PortoException wrongState(Container c, String wanted) {
        return new PortoException(ErrorCode.InvalidState, "container " + c.name + " is " + c.state().text() + ", not " + wanted);
    }

    public void destroy(Caller caller, String name) throws PortoException {
        change(caller, name, c -> {
            lifecycle.stopTree(c, 0);
            removeTree(c);
        });
    }

    public void start(Caller caller, String name) throws PortoException {
        change(caller, name, c -> {
            if (c.state() != State.STOPPED)
                throw wrongState(c, "stopped");
            lifecycle.start(c, caller);
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
            lifecycle.start(c, caller);
        });
    }

    public void kill(Caller caller, String name, int signal) throws PortoException {
        change(caller, name, c -> {
            if (signal <= 0 || signal > 64)
                throw new PortoException(ErrorCode.InvalidValue, "invalid signal " + signal);
            if (c.state() != State.RUNNING || c.rootPid <= 0)
                throw wrongState(c, "running");
            kernel.processes().kill(c.rootPid, signal);
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
        lock.lock();
        try {
            List<String> names = new ArrayList<>();
            for (String name : containers.keySet())
                if (mask == null || mask.isEmpty() || Masks.matches(name, mask))
                    names.add(name);
            names.sort(Comparator.naturalOrder());
            return names;
        } finally {
            lock.unlock();
        }
    }

    /** Reads a property or "property[key]". */
    public String get(String name, String property) throws PortoException {
        lock.lock();
        try {
            return read(find(name), property);
        } finally {
            lock.unlock();
        }
    }

    /** Reads many properties of many containers at once; errors are per value. */
    public Map<String, Map<String, Result>> getMany(List<String> names, List<String> props) {
        lock.lock();
        try {
            Map<String, Map<String, Result>> out = new LinkedHashMap<>();
            for (String name : names) {
                Map<String, Result> values = new LinkedHashMap<>();
                Container c = containers.get(name);
                if (c == null && name.equals(ContainerName.HOST))
                    c = host;
                for (String p : props) {
                    if (c == null) {
                        values.put(p, Result.error(new PortoException(ErrorCode.ContainerDoesNotExist, "container " + name + " does not exist")));
                        continue;
                    }
                    try {
                        values.put(p, Result.ok(read(c, p)));
                    } catch (PortoException e) {
                        values.put(p, Result.error(e));
                    }
                }
                out.put(name, values);
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** A value or the error that took its place. */
    public record Result(String value, PortoException error) {
        static Result ok(String v) {
            return new Result(v, null);
        }

        static Result error(PortoException e) {
            return new Result(null, e);
        }
    }

    public void set(Caller caller, String name, String property, String value) throws PortoException {
        // No property value may hold a NUL: it separates the launcher's records.
        if (value.indexOf('\0') >= 0 || property.indexOf('\0') >= 0)
            throw new PortoException(ErrorCode.InvalidValue, "a NUL character is not allowed in " + property);
        lock.lock();
        try {
            Container c = find(name);
            requireNotHost(c);
            Permissions.checkWrite(this, caller, c);
            requireIdle(c);
            String key = null;
            String propName = property;
            int bracket = property.indexOf('[');
            if (bracket >= 0) {
                if (!property.endsWith("]"))
                    throw new PortoException(ErrorCode.InvalidProperty, "malformed property name " + property);
                propName = property.substring(0, bracket);
                key = property.substring(bracket + 1, property.length() - 1);
            }
            Property p = properties.find(propName);
            if (p == null)
                throw new PortoException(ErrorCode.InvalidProperty, "unknown container property: " + propName);
            if (p.readOnly)
                throw new PortoException(ErrorCode.InvalidValue, "property " + propName + " is read-only");
            if (!p.settableIn.contains(c.state()))
                throw new PortoException(ErrorCode.InvalidState, "property " + propName + " cannot be changed in state " + c.state().text());
            if (key != null) {
                if (!p.keyed)
                    throw new PortoException(ErrorCode.InvalidProperty, "property " + propName + " has no keys");
                if (p.keySetter != null) {
                    value = p.keySetter.merge(this, c, key, value);
                } else {
                    Map<String, String> map = Values.parseMap(p.read(this, c), propName.equals("env"));
                    map.put(key, value);
                    value = Values.formatMap(map);
                }
            }
            String canonical = p.setter.canonical(this, c, caller, value);
            String previous = c.config.put(propName, canonical);
            try {
                lifecycle.applyDynamic(c, propName, previous);
            } catch (PortoException e) {
                if (previous == null)
                    c.config.remove(propName);
                else
                    c.config.put(propName, previous);
                throw e;
            }
            if (propName.equals("weak"))
                c.weak = Values.parseBool(canonical);
            long failedSaves = persistence.failedSaves();
            persistence.save(c);
            requireSaved(failedSaves);
        } finally {
            lock.unlock();
        }
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
        long deadline = timeoutMs < 0 ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        lock.lock();
        try {
            for (String n : names)
                if (!Masks.isMask(n) && !n.equals(ContainerName.HOST))
                    find(n);
            while (true) {
                for (String n : names) {
                    for (Container c : matching(n)) {
                        if (visible.test(c.name) && isWaitable(c, targetState))
                            return new String[] {c.name, c.state().text()};
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0)
                    return null;
                changed.awaitNanos(Math.min(left, TimeUnit.SECONDS.toNanos(1)));
                for (String n : names)
                    if (!Masks.isMask(n) && !containers.containsKey(n))
                        throw new PortoException(ErrorCode.ContainerDoesNotExist, "container " + n + " does not exist");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PortoException(ErrorCode.Unknown, "wait interrupted");
        } finally {
            lock.unlock();
        }
    }

    private List<Container> matching(String nameOrMask) {
        if (!Masks.isMask(nameOrMask)) {
            Container c = containers.get(nameOrMask);
            return c == null ? List.of() : List.of(c);
        }
        List<Container> out = new ArrayList<>();
        for (Container c : containers.values())
            if (Masks.matches(c.name, nameOrMask))
                out.add(c);
        out.sort(Comparator.comparing(Container::name));
        return out;
    }

    private static boolean isWaitable(Container c, String targetState) {
        if (targetState != null && !targetState.isEmpty())
            return c.state().text().equals(targetState);
        return c.state() == State.STOPPED || c.state() == State.DEAD
                || (c.state() == State.META && c.children.values().stream().noneMatch(ch -> ch.state().isActive()));
    }

    /** Destroys {@code name} if it is still weak: its client went away. */
    public void destroyIfWeak(String name) {
        lock.lock();
        try {
            Container c = containers.get(name);
            if (c != null && c.weak && !isIdle(c)) {
                kernel.clock().schedule(1_000, () -> destroyIfWeak(name)); // after the change in progress
            } else if (c != null && c.weak) {
                lifecycle.stopTree(c, 0);
                removeTree(c);
            }
        } catch (PortoException e) {
            // It is being changed by someone else; leave it to them.
        } finally {
            lock.unlock();
        }
    }

    /** Stops and forgets every container: a full daemon stop. */
    public void discardAll() {
        lock.lock();
        try {
            // Starts under way finish first: a starting container cannot be stopped halfway.
            long deadline = kernel.clock().nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (launchesInFlight > 0 && kernel.clock().nanoTime() < deadline)
                awaitChange(10);
            for (Container c : new ArrayList<>(host.children.values())) {
                try {
                    lifecycle.stopTree(c, 0);
                    removeTree(c);
                } catch (PortoException e) {
                    // Keep going: the rest must still be cleaned.
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Number of containers, for the daemon's statistics. */
    public int count() {
        lock.lock();
        try {
            return containers.size();
        } finally {
            lock.unlock();
        }
    }

    // ---- exits, reported by the kernel ----

    void taskExited(int pid, int status, long startTime) {
        lock.lock();
        try {
            Container c = byPid.get(pid);
            if (c != null && c.rootStartTime == startTime && c.rootPid == pid) {
                lifecycle.died(c, status);
            } else {
                Container buried = buriedPids.remove(pid);
                if (buried != null && buried.rootStartTime == startTime && buried.state() == State.DEAD)
                    lifecycle.died(buried, status);
                else if (buried == null && launchesInFlight > 0)
                    earlyExits.put(pid, new long[] {startTime, status});
            }
        } finally {
            lock.unlock();
            // Acknowledged even when handling failed: a replay would fail the same way forever.
            kernel.exits().acknowledge(pid);
        }
    }

    // ---- starts, whose kernel work runs with the lock released ----

    /** The work of a start that must not hold up the whole daemon. */
    interface KernelWork<T> {
        T run();
    }

    /** Runs {@code work} with the lock released (however often this thread holds it), then takes it again. */
    <T> T outsideLock(KernelWork<T> work) {
        int holds = lock.getHoldCount();
        for (int i = 0; i < holds; i++)
            lock.unlock();
        try {
            return work.run();
        } finally {
            for (int i = 0; i < holds; i++)
                lock.lock();
        }
    }

    void launchBegins() {
        launchesInFlight++;
    }

    void launchEnds() {
        if (--launchesInFlight == 0)
            earlyExits.clear();
    }

    /** The status of {@code pid} if it exited before its start bound it, else null. */
    Integer takeEarlyExit(int pid, long startTime) {
        long[] exit = earlyExits.remove(pid);
        return exit != null && exit[0] == startTime ? (int) exit[1] : null;
    }

    /** Wakes waiters after a change that is not a state change (a request done with a container). */
    void notifyChange() {
        changed.signalAll();
    }

    // ---- helpers for Lifecycle, Persistence and properties ----

    Container find(String name) throws PortoException {
        if (name.equals(ContainerName.HOST))
            return host;
        Container c = containers.get(name);
        if (c == null) {
            if (!name.isEmpty() && !name.startsWith("/"))
                ContainerName.validate(name);
            throw new PortoException(ErrorCode.ContainerDoesNotExist, "container " + name + " does not exist");
        }
        return c;
    }

    Container host() {
        return host;
    }

    Map<String, Container> containers() {
        return containers;
    }

    long allocateId() {
        return nextId++;
    }

    void reserveId(long id) {
        nextId = Math.max(nextId, id + 1);
    }

    /** The container died with its parent: forget its pid, but take its exit status if it comes. */
    void buryPid(Container c) {
        if (c.rootPid > 0) {
            buriedPids.put(c.rootPid, c);
            bindPid(c, 0);
        }
    }

    void bindPid(Container c, int pid) {
        if (c.rootPid > 0)
            byPid.remove(c.rootPid, c);
        c.rootPid = pid;
        if (pid > 0)
            byPid.put(pid, c);
    }

    Persistence persistence() {
        return persistence;
    }

    /** Tells waiters and listeners; call after every state change. */
    void notifyState(Container c) {
        changed.signalAll();
        long now = kernel.clock().nowMillis();
        for (Events.Listener l : listeners)
            l.stateChanged(c.name, c.state().text(), now);
    }

    /** Waits for a change (a task exit) for at most {@code millis}, releasing the lock meanwhile. */
    void awaitChange(long millis) {
        try {
            changed.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Lifecycle lifecycle() {
        return lifecycle;
    }

    void lock() {
        lock.lock();
    }

    void unlock() {
        lock.unlock();
    }

    Housekeeping housekeeping() {
        return housekeeping;
    }

    void removeTree(Container c) {
        for (Container child : new ArrayList<>(c.children.values()))
            removeTree(child);
        lifecycle.release(c);
        c.parent.children.remove(c.name);
        containers.remove(c.name);
        persistence.remove(c);
        changed.signalAll();
        long now = kernel.clock().nowMillis();
        for (Events.Listener l : listeners)
            l.stateChanged(c.name, "destroyed", now);
    }

    private static void requireNotHost(Container c) throws PortoException {
        if (c.isHost())
            throw new PortoException(ErrorCode.Permission, "the host container cannot be changed");
    }

    String read(Container c, String property) throws PortoException {
        String key = null;
        String name = property;
        int bracket = property.indexOf('[');
        if (bracket >= 0) {
            if (!property.endsWith("]"))
                throw new PortoException(ErrorCode.InvalidProperty, "malformed property name " + property);
            name = property.substring(0, bracket);
            key = property.substring(bracket + 1, property.length() - 1);
        }
        Property p = properties.find(name);
        if (p == null) {
            // "<controller>.<knob>" reads the cgroup file itself, e.g. memory.stat.
            if (key == null && ResourceControl.isKnob(name))
                return c.isHost() ? StateProperties.host(name) : resources.readKnob(c, name);
            throw new PortoException(ErrorCode.InvalidProperty, "unknown container property: " + name);
        }
        if (c.isHost())
            return StateProperties.host(name);
        if (key == null)
            return p.read(this, c);
        if (name.equals("stdout") || name.equals("stderr"))
            return readStream(c, name, key);
        if (!p.keyed)
            throw new PortoException(ErrorCode.InvalidProperty, "property " + name + " has no keys");
        if (p.keyGetter != null)
            return p.keyGetter.get(this, c, key);
        Map<String, String> map = Values.parseMap(p.read(this, c), name.equals("env"));
        String v = map.get(key);
        if (v == null)
            throw new PortoException(ErrorCode.InvalidValue, "no key " + key + " in " + name);
        return v;
    }

    String userName(int uid) {
        return kernel.users().userName(uid).orElse(Integer.toString(uid));
    }

    String groupName(int gid) {
        return kernel.users().groupName(gid).orElse(Integer.toString(gid));
    }

    /** The host directory that holds the container's stored output (and is its default cwd). */
    String defaultCwd(Container c) {
        return config.placeRoot() + "/" + c.name;
    }

    Map<String, Ulimits.Limit> defaultUlimits() throws PortoException {
        Map<String, Ulimits.Limit> limits = Ulimits.parse(config.defaultUlimit());
        // Without CAP_SYS_RESOURCE a default above the daemon's own hard limit cannot be applied.
        for (var e : limits.entrySet()) {
            Long max = config.hostHardLimits().get(e.getKey());
            if (max == null || max < 0)
                continue;
            Ulimits.Limit l = e.getValue();
            long hard = l.hard() == Ulimits.UNLIMITED || l.hard() > max ? max : l.hard();
            long soft = l.soft() == Ulimits.UNLIMITED || l.soft() > hard ? hard : l.soft();
            e.setValue(new Ulimits.Limit(soft, hard));
        }
        return limits;
    }

    String readStream(Container c, String stream, String range) throws PortoException {
        return output.read(c, stream, range);
    }

    long streamOffset(Container c, String stream) {
        return stream.equals("stdout") ? c.stdoutOffset : c.stderrOffset;
    }

    OutputStore output() {
        return output;
    }

    Map<String, String> cgroupPaths(Container c) {
        return kernel.cgroups().paths(c.name, c.controllers);
    }

    long processCount(Container c) {
        return c.controllers.isEmpty() ? 0 : kernel.cgroups().pids(c.name).size();
    }

    long threadCount(Container c) {
        return c.controllers.isEmpty() ? 0 : kernel.cgroups().threadCount(c.name);
    }

    int resolveUid(String v) throws PortoException {
        String t = v.trim();
        if (t.matches("[0-9]+"))
            return Integer.parseInt(t);
        return kernel.users().uid(t).orElseThrow(() -> new PortoException(ErrorCode.InvalidValue, "unknown user '" + v + "'"));
    }

    int resolveGid(String v) throws PortoException {
        String t = v.trim();
        if (t.matches("[0-9]+"))
            return Integer.parseInt(t);
        return kernel.users().gid(t).orElseThrow(() -> new PortoException(ErrorCode.InvalidValue, "unknown group '" + v + "'"));
    }

    /** Runs timer work (the OOM watch) under the service lock. */
    void underLock(Runnable work) {
        lock.lock();
        try {
            work.run();
        } finally {
            lock.unlock();
        }
    }

    /** The OOM killer struck {@code c} and it must die whole (oom_is_fatal). */
    void oomKilled(Container c) {
        lifecycle.oomKill(c);
    }

    /** Holds the lock for a caller outside the class (tests and invariant checks). */
    public <T> T inspect(java.util.function.Function<Snapshot, T> reader) {
        lock.lock();
        try {
            return reader.apply(new Snapshot(this));
        } finally {
            lock.unlock();
        }
    }

    /** A read-only view of the tree for invariant checks. */
    public static final class Snapshot {
        private final ContainerService s;

        Snapshot(ContainerService s) {
            this.s = s;
        }

        public List<Container> containers() {
            return new ArrayList<>(s.containers.values());
        }

        public Map<Integer, String> pids() {
            Map<Integer, String> m = new HashMap<>();
            s.byPid.forEach((pid, c) -> m.put(pid, c.name));
            return m;
        }
    }

}

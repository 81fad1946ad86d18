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

/** Start, stop, death, pause and resume of containers. Called with the service lock held. */
final class Lifecycle {
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /** How long to wait for killed processes to leave their cgroup. */
    private static final long KILL_WAIT_MS = 5_000;

    private final ContainerService s;

    Lifecycle(ContainerService s) {
        this.s = s;
    }

    private String value(Container c, String property) throws PortoException {
        return s.properties().find(property).read(s, c);
    }

    // ---- start ----

    void start(Container c, Caller caller) throws PortoException {
        Container parent = c.parent;
        if (!parent.isHost()) {
            switch (parent.state) {
                case STOPPED -> start(parent, caller);
                case RUNNING, META -> { }
                default -> throw new PortoException(ErrorCode.InvalidState,
                        "parent " + parent.name + " is " + parent.state.text() + ", cannot start " + c.name);
            }
        }
        String command = value(c, "command");
        boolean meta = command.isEmpty();
        // A meta container with isolate=true runs a tiny init that holds its namespaces, so that
        // children with isolate=false share them; without isolation it runs nothing at all.
        boolean holdsNamespaces = meta && Values.parseBool(value(c, "isolate"));
        // Validate everything before touching the kernel.
        LaunchPlan plan = meta && !holdsNamespaces ? null : plan(c, meta ? null : command, caller);
        c.controllers = controllersFor(c);
        try {
            s.kernel.cgroups().create(c.name, c.controllers);
            applyLimits(c);
        } catch (KernelException e) {
            release(c);
            throw new PortoException(ErrorCode.Unknown, "cannot set up cgroups of " + c.name + ": " + e.getMessage(), e.errno());
        }
        c.exitStatus = 0;
        c.oomKilled = false;
        c.deathTime = 0;
        if (plan == null) {
            c.state = State.META;
            c.startTime = s.clock().nowMillis();
            c.startErrno = 0;
            s.persistence().save(c);
            s.notifyState(c);
            return;
        }
        LaunchResult started;
        try {
            prepareFiles(c, plan);
            started = s.kernel.launcher().launch(plan.spec(s.kernel.cgroups().taskDirectories(c.name, c.controllers)));
        } catch (KernelException e) {
            release(c);
            c.startErrno = e.errno();
            s.persistence().save(c);
            throw new PortoException(ErrorCode.Unknown, e.getMessage(), e.errno());
        }
        s.bindPid(c, started.pid());
        c.rootStartTime = started.startTime();
        c.startTime = s.clock().nowMillis();
        c.startErrno = 0;
        c.state = meta ? State.META : State.RUNNING;
        s.persistence().save(c);
        s.notifyState(c);
    }

    /** Controllers: all for first-level containers, else freezer and cpuacct plus what a limit needs. */
    private Set<String> controllersFor(Container c) throws PortoException {
        Set<String> available = s.kernel.cgroups().available();
        Set<String> wanted = new LinkedHashSet<>();
        if (c.level == 1) {
            wanted.addAll(List.of("freezer", "memory", "cpu", "cpuacct", "pids"));
        } else {
            wanted.add("freezer");
            wanted.add("cpuacct");
            if (!value(c, "memory_limit").equals("0"))
                wanted.add("memory");
            if (!value(c, "cpu_limit").equals("0c"))
                wanted.add("cpu");
            if (!value(c, "thread_limit").equals("0"))
                wanted.add("pids");
        }
        wanted.retainAll(available);
        return Set.copyOf(wanted);
    }

    private void applyLimits(Container c) throws KernelException, PortoException {
        for (String p : List.of("memory_limit", "cpu_limit", "thread_limit"))
            applyLimit(c, p);
    }

    private void applyLimit(Container c, String property) throws KernelException, PortoException {
        Cgroups cg = s.kernel.cgroups();
        switch (property) {
            case "memory_limit" -> {
                if (c.controllers.contains("memory"))
                    cg.setLimit(c.name, Cgroups.Limit.MEMORY_LIMIT, Long.parseLong(value(c, property)));
            }
            case "cpu_limit" -> {
                if (c.controllers.contains("cpu")) {
                    double cores = Values.parseCpu(value(c, property), s.config().hostCores());
                    cg.setLimit(c.name, Cgroups.Limit.CPU_LIMIT, Math.round(cores * 1_000_000));
                }
            }
            case "thread_limit" -> {
                if (c.controllers.contains("pids"))
                    cg.setLimit(c.name, Cgroups.Limit.THREAD_LIMIT, Long.parseLong(value(c, property)));
            }
            default -> { }
        }
    }

    /** A property changed; a limit of a container with cgroups takes effect at once. */
    void applyDynamic(Container c, String property) throws PortoException {
        if (c.controllers.isEmpty() || !(c.state.isActive() || c.state == State.DEAD))
            return;
        try {
            applyLimit(c, property);
        } catch (KernelException e) {
            throw new PortoException(ErrorCode.Unknown, "cannot apply " + property + ": " + e.getMessage(), e.errno());
        }
    }

    // ---- the launch plan ----

    /** What a start needs, decided before the kernel is touched. */
    private record LaunchPlan(List<String> argv, List<String> env, String cwd, boolean defaultCwd, String workDir,
                              int uid, int gid, List<Integer> groups, int umask, List<LaunchSpec.Rlimit> rlimits,
                              String stdin, String stdout, String stderr, boolean isolate, int joinPid,
                              String hostname, String root, boolean rootReadOnly, List<LaunchSpec.Bind> binds,
                              Integer oomScoreAdj) {
        LaunchSpec spec(List<String> cgroupDirs) {
            return new LaunchSpec(cgroupDirs, argv, env, cwd, uid, gid, groups, umask, rlimits, stdin, stdout, stderr,
                    isolate, joinPid, hostname, root, rootReadOnly, binds, oomScoreAdj);
        }
    }

    private LaunchPlan plan(Container c, String command, Caller caller) throws PortoException {
        Map<String, String> env = environment(c);
        List<String> argv = command == null ? s.config().initArgv() : CommandLine.split(command, env);
        int uid = s.resolveUid(value(c, "user"));
        int gid = s.resolveGid(value(c, "group"));
        List<Integer> groups = new ArrayList<>();
        groups.add(gid);
        if (s.kernel.users().userName(uid).isPresent())
            for (int g : s.kernel.users().groupsOf(uid))
                if (!groups.contains(g))
                    groups.add(g);
        String workDir = s.defaultCwd(c);
        boolean defaultCwd = !c.config.containsKey("cwd");
        String root = value(c, "root");
        String cwd = defaultCwd && !root.equals("/") ? "/" : value(c, "cwd");
        List<LaunchSpec.Rlimit> rlimits = new ArrayList<>();
        for (var e : Ulimits.parse(value(c, "ulimit")).entrySet()) {
            long soft = e.getValue().soft() == Ulimits.UNLIMITED ? LaunchSpec.Rlimit.INFINITY : e.getValue().soft();
            long hard = e.getValue().hard() == Ulimits.UNLIMITED ? LaunchSpec.Rlimit.INFINITY : e.getValue().hard();
            rlimits.add(new LaunchSpec.Rlimit(Ulimits.resource(e.getKey()), soft, hard));
        }
        boolean isolate = Values.parseBool(value(c, "isolate"));
        List<LaunchSpec.Bind> binds = new ArrayList<>();
        for (Binds.Bind b : Binds.parse(value(c, "bind")))
            binds.add(new LaunchSpec.Bind(b.source(), b.target(), b.readOnly()));
        int adj = Integer.parseInt(value(c, "oom_score_adj"));
        return new LaunchPlan(argv, flatten(env), cwd, defaultCwd && root.equals("/"), workDir, uid, gid, groups,
                Integer.parseInt(value(c, "umask"), 8), rlimits,
                streamPath(c, value(c, "stdin_path"), workDir, caller),
                streamPath(c, value(c, "stdout_path"), workDir, caller),
                streamPath(c, value(c, "stderr_path"), workDir, caller),
                isolate, isolate ? 0 : namespaceHolder(c), value(c, "hostname"), root.equals("/") ? null : root,
                Values.parseBool(value(c, "root_readonly")), binds, adj == 0 ? null : adj);
    }

    /** Relative paths live in the container's working directory; /dev/fd/N is the client's descriptor. */
    private static String streamPath(Container c, String path, String workDir, Caller caller) {
        if (path.startsWith("/dev/fd/"))
            return "/proc/" + caller.pid() + "/fd/" + path.substring("/dev/fd/".length());
        if (path.startsWith("/"))
            return path;
        return workDir + "/" + path;
    }

    /** The nearest ancestor whose task holds namespaces; 0 for the host. */
    private static int namespaceHolder(Container c) {
        for (Container p = c.parent; p != null && !p.isHost(); p = p.parent)
            if (p.rootPid > 0 && p.hasTask())
                return p.rootPid;
        return 0;
    }

    /** The default environment, the parent's for isolate=false, then the container's own. */
    Map<String, String> environment(Container c) throws PortoException {
        Map<String, String> env = new LinkedHashMap<>();
        boolean isolate = Values.parseBool(value(c, "isolate"));
        if (!isolate && !c.parent.isHost()) {
            env.putAll(environment(c.parent));
        } else {
            int uid = s.resolveUid(value(c, "user"));
            env.put("PATH", DEFAULT_PATH);
            env.put("HOME", s.kernel.users().home(uid).orElse(s.defaultCwd(c)));
            env.put("USER", value(c, "user"));
            env.put("container", "lxc");
            env.put("PORTO_HOST", s.config().hostname());
        }
        env.put("PORTO_NAME", c.name);
        env.putAll(Values.parseMap(value(c, "env"), true));
        return env;
    }

    private static List<String> flatten(Map<String, String> env) {
        List<String> out = new ArrayList<>();
        env.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    private void prepareFiles(Container c, LaunchPlan plan) throws KernelException {
        s.kernel.files().createDirectory(plan.workDir(), plan.uid(), plan.gid());
        for (String stream : List.of(plan.stdout(), plan.stderr()))
            if (stream.startsWith(plan.workDir() + "/"))
                s.kernel.files().createFile(stream, plan.uid(), plan.gid());
    }

    // ---- stop and death ----

    /** Stops the container and everything below it, children first. */
    void stopTree(Container c, long timeoutMs) throws PortoException {
        if (c.state == State.STOPPED)
            return;
        for (Container child : new ArrayList<>(c.children.descendingMap().values()))
            stopTree(child, timeoutMs);
        stopOne(c, timeoutMs);
    }

    private void stopOne(Container c, long timeoutMs) throws PortoException {
        if (c.state == State.PAUSED)
            setFrozen(c, false);
        if (c.state == State.RUNNING && c.rootPid > 0 && timeoutMs > 0
                && s.kernel.processes().catchesSignal(c.rootPid, ContainerService.SIGTERM)) {
            s.kernel.processes().kill(c.rootPid, ContainerService.SIGTERM);
            long deadline = s.clock().nanoTime() + timeoutMs * 1_000_000;
            while (c.state == State.RUNNING && s.clock().nanoTime() < deadline)
                s.awaitChange(Math.min(10, timeoutMs));
        }
        killAll(c, true);
        release(c);
        c.state = State.STOPPED;
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
        if (c.state == State.DEAD) {
            // Buried with its parent before its own exit arrived: record the true status.
            c.exitStatus = status;
            s.persistence().save(c);
            return;
        }
        c.exitStatus = status;
        c.deathTime = s.clock().nowMillis();
        boolean killed = (status & 0x7f) == ContainerService.SIGKILL;
        c.oomKilled = killed && c.controllers.contains("memory") && s.kernel.cgroups().stat(c.name, Cgroups.Stat.OOM_KILLS) > 0;
        s.bindPid(c, 0);
        try {
            killAll(c, false);
        } catch (PortoException e) {
            // Children's exits still arrive and are handled one by one.
        }
        c.state = State.DEAD;
        s.persistence().save(c);
        s.notifyState(c);
        // Nothing may go on running below a dead container: its processes were killed above.
        for (Container child : c.children.values())
            buryTree(child, c.deathTime);
    }

    private void buryTree(Container c, long when) {
        if (c.state == State.STOPPED || c.state == State.DEAD)
            return;
        // The task (if any) was killed with its parent's cgroup; its own exit report, when it
        // comes, replaces this status with the true one.
        s.buryPid(c);
        c.exitStatus = ContainerService.SIGKILL;
        c.deathTime = when;
        c.state = State.DEAD;
        s.persistence().save(c);
        s.notifyState(c);
        for (Container child : c.children.values())
            buryTree(child, when);
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
        if (to == State.PAUSED && (c.state == State.RUNNING || c.state == State.META)) {
            c.state = State.PAUSED;
        } else if (to == null && c.state == State.PAUSED) {
            // A descendant paused on its own has its own frozen cgroup: thaw it as well.
            setFrozen(c, false);
            c.state = value(c, "command").isEmpty() ? State.META : State.RUNNING;
        } else {
            return;
        }
        s.persistence().save(c);
        s.notifyState(c);
        for (Container child : c.children.values())
            markTree(child, to);
    }

    // ---- output ----

    String readStream(Container c, String stream, String range) throws PortoException {
        String configured = value(c, stream + "_path");
        if (configured.startsWith("/dev/fd/"))
            throw new PortoException(ErrorCode.InvalidData, stream + " goes to a descriptor of the client and is not stored");
        String path = configured.startsWith("/") ? configured : s.defaultCwd(c) + "/" + configured;
        long size = s.kernel.files().size(path);
        if (size < 0)
            return "";
        long limit = Long.parseLong(value(c, "stdout_limit"));
        long offset = Math.max(0, size - limit);
        long length = size - offset;
        if (range != null && !range.isEmpty()) {
            int colon = range.indexOf(':');
            String off = colon < 0 ? range : range.substring(0, colon);
            String len = colon < 0 ? "" : range.substring(colon + 1);
            if (!off.isEmpty())
                offset = Values.parseUnsigned(off);
            if (!len.isEmpty()) {
                long want = Values.parseUnsigned(len);
                if (off.isEmpty())
                    offset = Math.max(0, size - want);
                length = Math.min(want, Math.max(0, size - offset));
            } else {
                length = Math.max(0, size - offset);
            }
        }
        try {
            byte[] data = s.kernel.files().read(path, offset, (int) Math.min(length, Integer.MAX_VALUE - 8));
            return new String(data, java.nio.charset.StandardCharsets.UTF_8);
        } catch (KernelException e) {
            throw new PortoException(ErrorCode.Unknown, "cannot read " + stream + ": " + e.getMessage(), e.errno());
        }
    }

    long streamOffset(Container c, String stream) {
        return 0;
    }
}

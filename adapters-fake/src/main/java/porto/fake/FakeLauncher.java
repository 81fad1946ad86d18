package porto.fake;

import static porto.ports.Errno.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import porto.ports.KernelException;
import porto.ports.LaunchResult;
import porto.ports.LaunchSpec;
import porto.ports.TaskLauncher;

/**
 * Starts simulated tasks. The program is chosen by the base name of argv[0] ({@link #define});
 * anything else runs {@link Program#forever()}. A command counted as missing (by default any name
 * starting with "__") fails as execvpe would, with ENOENT. Every spec is recorded.
 *
 * <p>What the launcher on Linux does that can be seen from outside, this one does too: the task
 * gets the credentials and limits asked for; it enters the namespaces of {@code joinOf} and then
 * new ones (ids "ns:N"); its root and binds must exist (a missing bind target is made, as a
 * directory or empty file like its source) and decide what it sees ({@link #sees}); host-side
 * output files are created (owned by the client) and get what the program writes
 * ({@link #defineOutput}); a missing stdin or root fails with ENOENT before anything runs.
 */
public final class FakeLauncher implements TaskLauncher {
    static final String HOSTNAME = "fake-host";
    private static final List<String> NAMESPACES = List.of("pid", "mnt", "uts", "ipc", "net", "user", "cgroup");
    /** The map of a task in the host's user namespace: every id is itself. */
    static final List<LaunchSpec.IdRange> IDENTITY_MAP = List.of(new LaunchSpec.IdRange(0, 0, 4294967295L));

    private final Object lock;
    private final FakeProcesses processes;
    private final FakeCgroups cgroups;
    private final FakeFiles files;
    private final Map<String, Program> programs = new HashMap<>();
    private final Map<String, String[]> outputs = new HashMap<>();
    private final List<LaunchSpec> launches = new ArrayList<>();
    private final Map<Integer, LaunchSpec> specOfTask = new HashMap<>();
    private Program fallback = Program.forever();
    private Predicate<String> missing = name -> name.startsWith("__");
    private int namespaceIds;

    FakeLauncher(Object lock, FakeProcesses processes, FakeCgroups cgroups, FakeFiles files) {
        this.lock = lock;
        this.processes = processes;
        this.cgroups = cgroups;
        this.files = files;
    }

    @Override
    public LaunchResult launch(LaunchSpec spec) throws KernelException {
        synchronized (lock) {
            launches.add(spec);
            if (spec.argv().isEmpty())
                throw new KernelException(14, "Bad address: execvpe with no argv");
            String command = spec.argv().get(0);
            String name = command.substring(command.lastIndexOf('/') + 1);
            Map<String, String> where = cgroups.resolve(spec.cgroupDirectories());
            cgroups.checkFork(where.get("pids"), 2); // the launcher joins, then forks the task
            FakeProcess.Environment env = environment(spec);
            if (missing.test(name))
                throw new KernelException(ENOENT, "No such file or directory: execvpe(" + command + ")");
            openStreams(spec, name, env);
            Program program = programs.getOrDefault(name, fallback);
            FakeProcess p = processes.create(spec.argv(), where, program, spec.namespaces().isolate(), true, 1);
            p.scheduling = spec.scheduling();
            p.environment = env;
            specOfTask.put(p.pid, spec);
            return new LaunchResult(p.pid, p.startTime);
        }
    }

    /** What the task will see, checked as the launcher checks it before forking. */
    private FakeProcess.Environment environment(LaunchSpec spec) throws KernelException {
        LaunchSpec.Namespaces ns = spec.namespaces();
        Map<String, String> ids = new TreeMap<>();
        for (String n : NAMESPACES)
            ids.put(n, "host:" + n);
        String hostname = HOSTNAME;
        String root = "/";
        boolean rootReadOnly = false;
        List<LaunchSpec.Bind> binds = new ArrayList<>();
        List<String> devices = null;
        if (ns.joinOf() > 0) {
            FakeProcess.Environment parent = processes.get(ns.joinOf()).filter(FakeProcess::isRunning)
                    .map(FakeProcess::environment).orElse(null);
            if (parent == null)
                throw new KernelException(ENOENT, "No such file or directory: /proc/" + ns.joinOf() + "/ns/pid");
            ids.putAll(parent.namespaces());
            if (!ns.joinUser())
                ids.put("user", "host:user"); // only the other namespaces are the parent's
            hostname = parent.hostname();
            root = parent.root();
            rootReadOnly = parent.rootReadOnly();
            binds.addAll(parent.binds());
            devices = parent.devices();
        }
        List<String> fresh = new ArrayList<>();
        if (ns.isolate())
            fresh.addAll(List.of("pid", "ipc", "uts", "mnt"));
        if (!ns.hostname().isEmpty())
            fresh.add("uts");
        if (ns.newNet())
            fresh.add("net");
        if (ns.newMount())
            fresh.add("mnt");
        if (ns.newCgroup())
            fresh.add("cgroup");
        if (ns.user() != null)
            fresh.add("user");
        if (ns.unshareOnExec())
            fresh.add("mnt"); // a second one, at exec
        if (spec.filesystem().cgroupfs() != LaunchSpec.CgroupFs.NONE && !(ns.newCgroup() && (ns.isolate() || ns.newMount())))
            throw new KernelException(EINVAL, "Invalid argument: spec: cgroupfs needs new cgroup and mount namespaces");
        for (String n : fresh)
            ids.put(n, "ns:" + ++namespaceIds);
        if (!ns.hostname().isEmpty())
            hostname = ns.hostname();
        LaunchSpec.Filesystem fs = spec.filesystem();
        // Bind sources are paths of the parent's filesystem, as it was before the new root.
        String parentRoot = root;
        List<LaunchSpec.Bind> parentBinds = List.copyOf(binds);
        if (fs.root() != null) {
            String host = hostPath(root, binds, fs.root());
            FakeFiles.Entry dir = host == null ? null : files.entry(host);
            if (dir == null || !dir.isDirectory())
                throw new KernelException(ENOENT, "No such file or directory: root " + fs.root());
            root = host;
            rootReadOnly = fs.readOnly();
            binds.clear();
            devices = new ArrayList<>();
            for (LaunchSpec.Device d : fs.devices())
                devices.add(d.path());
        }
        for (LaunchSpec.Bind b : fs.binds()) {
            String source = hostPath(parentRoot, parentBinds, b.source());
            FakeFiles.Entry from = source == null ? null : files.entry(source);
            if (from == null)
                throw new KernelException(ENOENT, "No such file or directory: bind source " + b.source());
            String target = files.resolveInRoot(root, b.target());
            if (target == null || files.entry(target) == null) {
                if (b.optional())
                    continue;
                files.makeMissing((root.equals("/") ? "" : root) + normalize(b.target()), from.isDirectory(),
                        spec.client() == null ? 0 : spec.client().uid(), spec.client() == null ? 0 : spec.client().gid());
            }
            binds.add(new LaunchSpec.Bind(source, normalize(b.target()), b.readOnly(), b.optional()));
        }
        int oomScoreAdj = spec.oomScoreAdj() != null ? spec.oomScoreAdj() : 0;
        return new FakeProcess.Environment(hostIdentity(spec.identity(), userNamespace(spec)), ids, hostname, root, rootReadOnly, binds, devices, spec.rlimits(),
                spec.cwd(), oomScoreAdj);
    }

    /** The maps of the user namespace the task of {@code spec} lives in: its own, its parent's, or none. */
    private LaunchSpec.UserNamespace userNamespace(LaunchSpec spec) {
        LaunchSpec.Namespaces ns = spec.namespaces();
        if (ns.user() != null)
            return ns.user();
        if (!ns.joinUser())
            return null;
        LaunchSpec parent = specOfTask.get(ns.joinOf());
        return parent == null ? null : userNamespace(parent);
    }

    /** Who the task is as the host sees it: ids inside a user namespace are mapped out of it. */
    private static LaunchSpec.Identity hostIdentity(LaunchSpec.Identity id, LaunchSpec.UserNamespace user) throws KernelException {
        if (user == null)
            return id;
        long uid = LaunchSpec.IdRange.outside(user.uids(), Integer.toUnsignedLong(id.uid()));
        long gid = LaunchSpec.IdRange.outside(user.gids(), Integer.toUnsignedLong(id.gid()));
        List<Integer> groups = new ArrayList<>();
        for (int g : id.groups()) {
            long out = LaunchSpec.IdRange.outside(user.gids(), Integer.toUnsignedLong(g));
            if (out < 0)
                throw new KernelException(EINVAL, "Invalid argument: setgroups(): group " + g + " has no id outside");
            groups.add((int) out);
        }
        if (uid < 0 || gid < 0)
            throw new KernelException(EINVAL, "Invalid argument: setuid(" + id.uid() + "): no id outside the user namespace");
        return new LaunchSpec.Identity((int) uid, (int) gid, groups, id.umask(), id.capBound(), id.capAmbient(), id.noNewPrivs());
    }

    /** The uid map of task {@code pid}'s user namespace, as /proc/PID/uid_map shows it. */
    public List<LaunchSpec.IdRange> uidMap(int pid) {
        synchronized (lock) {
            LaunchSpec spec = specOfTask.get(pid);
            LaunchSpec.UserNamespace user = spec == null ? null : userNamespace(spec);
            return user == null ? IDENTITY_MAP : user.uids();
        }
    }

    /** Opens the host-side streams: stdin must exist, output files are made (as the client) if missing. */
    private void openStreams(LaunchSpec spec, String name, FakeProcess.Environment env) throws KernelException {
        LaunchSpec.Stdio io = spec.stdio();
        if (!io.in().inside() && files.entry(io.in().path()) == null && !isDevice(io.in().path()))
            throw new KernelException(ENOENT, "No such file or directory: open(" + io.in().path() + ")");
        int uid = spec.client() == null ? 0 : spec.client().uid();
        int gid = spec.client() == null ? 0 : spec.client().gid();
        String[] written = outputs.getOrDefault(name, new String[] {"", ""});
        LaunchSpec.Stream[] out = {io.out(), io.err()};
        for (int i = 0; i < 2; i++) {
            String path = out[i].path();
            if (out[i].inside()) {
                // Opened in the task's own filesystem, relative to its cwd.
                String inside = path.startsWith("/") ? path : (spec.cwd().endsWith("/") ? spec.cwd() : spec.cwd() + "/") + path;
                String parent = hostPath(env.root(), env.binds(), inside.substring(0, Math.max(1, inside.lastIndexOf('/'))));
                if (parent == null || files.entry(parent) == null || !files.entry(parent).isDirectory())
                    throw new KernelException(ENOENT, "No such file or directory: open(" + path + ")");
                path = (parent.equals("/") ? "" : parent) + inside.substring(inside.lastIndexOf('/'));
            }
            if (isDevice(path))
                continue;
            if (files.entry(path) == null)
                files.createFile(path, uid, gid);
            files.append(path, written[i].getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A device node, or a client's descriptor (/proc/PID/fd/N), which this fake does not model. */
    private boolean isDevice(String path) {
        if (path.startsWith("/proc/"))
            return true;
        FakeFiles.Entry e = files.entry(path);
        return e == null && files.facts("/", path) != null;
    }

    /** The host path of {@code path} as seen by a task with this root and these binds; null when nothing is there. */
    private String hostPath(String root, List<LaunchSpec.Bind> binds, String path) {
        String inside = normalize(path);
        for (int i = binds.size() - 1; i >= 0; i--) {
            LaunchSpec.Bind b = binds.get(i);
            if (inside.equals(b.target()) || inside.startsWith(b.target() + "/"))
                return b.source() + inside.substring(b.target().length());
        }
        return files.resolveInRoot(root, inside);
    }

    private static String normalize(String path) {
        String p = path.replaceAll("/+", "/");
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    /** Whether the running task {@code pid} sees something at {@code path} (in its root, through its binds). */
    public boolean sees(int pid, String path) {
        synchronized (lock) {
            FakeProcess.Environment env = processes.get(pid).map(FakeProcess::environment).orElse(null);
            if (env == null)
                return false;
            if (env.devices() != null && normalize(path).startsWith("/dev/"))
                return env.devices().contains(normalize(path)); // a fresh /dev: the nodes asked for
            String host = hostPath(env.root(), env.binds(), path);
            return host != null && (files.entry(host) != null || files.facts("/", host) != null);
        }
    }

    /** Whether the running task {@code pid} may write at {@code path}, as far as its mounts go (ro root, ro binds). */
    public boolean writable(int pid, String path) {
        synchronized (lock) {
            FakeProcess.Environment env = processes.get(pid).map(FakeProcess::environment).orElse(null);
            if (env == null)
                return false;
            String inside = normalize(path);
            LaunchSpec spec = specOfTask.get(pid);
            if (spec != null && spec.filesystem().cgroupfs() != LaunchSpec.CgroupFs.NONE
                    && (inside.equals("/sys/fs/cgroup") || inside.startsWith("/sys/fs/cgroup/")))
                return spec.filesystem().cgroupfs() == LaunchSpec.CgroupFs.READ_WRITE
                        || spec.filesystem().cgroupfs() == LaunchSpec.CgroupFs.READ_WRITE_ALL;
            for (int i = env.binds().size() - 1; i >= 0; i--) {
                LaunchSpec.Bind b = env.binds().get(i);
                if (inside.equals(b.target()) || inside.startsWith(b.target() + "/"))
                    return !b.readOnly();
            }
            return !env.rootReadOnly();
        }
    }

    /** Commands whose base name is {@code name} behave as {@code program}. */
    public void define(String name, Program program) {
        synchronized (lock) {
            programs.put(name, program);
        }
    }

    /** Commands whose base name is {@code name} write this to their stdout and stderr when they start. */
    public void defineOutput(String name, String stdout, String stderr) {
        synchronized (lock) {
            outputs.put(name, new String[] {stdout, stderr});
        }
    }

    /** What commands not defined do. */
    public void setFallback(Program program) {
        synchronized (lock) {
            fallback = program;
        }
    }

    /** Which command names are missing from the PATH. */
    public void setMissing(Predicate<String> missing) {
        synchronized (lock) {
            this.missing = missing;
        }
    }

    /** Every spec passed to {@link #launch}, failed ones too, oldest first. */
    public List<LaunchSpec> launches() {
        synchronized (lock) {
            return List.copyOf(launches);
        }
    }

    public LaunchSpec lastLaunch() {
        synchronized (lock) {
            return launches.isEmpty() ? null : launches.get(launches.size() - 1);
        }
    }
}

package porto.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import porto.domain.net.NetworkSetup;
import porto.ports.Cgroups;
import porto.ports.ContainerFiles;
import porto.ports.LaunchSpec;
import porto.ports.Processes;
import porto.ports.Scheduling;

/**
 * Turns a container's properties into what the launcher needs, and checks everything a start
 * could refuse (paths, capabilities, devices) before the kernel is touched.
 */
final class LaunchPlanner {
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final DomainConfig config;
    private final Properties properties;
    private final UserDatabase users;
    private final ContainerFiles files;
    private final Cgroups cgroups;
    private final Processes processes;
    private final ResourceControl resources;
    private final NetworkSetup networking;
    private final ContainerTree tree;
    private final FilesystemPlanner filesystem;

    LaunchPlanner(DomainConfig config, Properties properties, UserDatabase users, ContainerFiles files, Cgroups cgroups,
                  Processes processes, ResourceControl resources, NetworkSetup networking, ContainerTree tree) {
        this.config = config;
        this.properties = properties;
        this.users = users;
        this.files = files;
        this.cgroups = cgroups;
        this.processes = processes;
        this.resources = resources;
        this.networking = networking;
        this.tree = tree;
        this.filesystem = new FilesystemPlanner(files, users, properties);
    }

    private String value(Container c, String property) throws PortoException {
        return properties.value(c, property);
    }

    /**
     * What a start needs, decided before the kernel is touched.
     *
     * @param storedStreams host files of the stored output, created (empty) before the launch
     * @param files         small files porto shows inside the root, written before the launch
     */
    record LaunchPlan(Partial spec, String workDir, int uid, int gid, List<String> storedStreams,
                      Map<String, byte[]> files) {
        LaunchSpec spec(List<String> cgroupDirs) {
            return spec.with(cgroupDirs);
        }
    }

    /** A launch spec waiting for its cgroup directories, which exist only once the cgroups do. */
    record Partial(List<String> argv, String hostProgram, List<String> env, String cwd, LaunchSpec.Identity identity,
                   LaunchSpec.Cred client, LaunchSpec.Stdio stdio, LaunchSpec.Namespaces namespaces,
                   LaunchSpec.Filesystem filesystem, List<LaunchSpec.Rlimit> rlimits, Integer oomScoreAdj,
                   Scheduling scheduling) {
        LaunchSpec with(List<String> cgroupDirs) {
            return new LaunchSpec(cgroupDirs, argv, hostProgram, env, cwd, identity, client, stdio, namespaces,
                    filesystem, rlimits, oomScoreAdj, scheduling);
        }
    }

    /** {@code command} null: a meta container's init, which only holds namespaces. */
    LaunchPlan plan(Container c, String command, Caller caller) throws PortoException {
        Map<String, String> env = environment(c);
        env.putAll(SecretEnv.ENV_SECRET.value(c)); // the container's own task only: children do not inherit secrets
        List<String> argv;
        String hostProgram = null;
        if (command == null) {
            argv = config.initArgv();
            hostProgram = argv.get(0); // it lives on the host, maybe outside the container's root
        } else if (!ContextProperties.COMMAND_ARGV.value(c).isEmpty()) {
            argv = ContextProperties.COMMAND_ARGV.value(c);
        } else {
            argv = CommandLine.split(command, env);
        }
        if (argv.isEmpty())
            throw new PortoException(ErrorCode.InvalidValue, "the command of " + c.name + " has no words");
        int uid = users.resolveUid(value(c, "user"));
        int gid = users.resolveGid(value(c, "group"));
        checkGroup(c, caller, uid, gid);
        String workDir = config.workDir(c.name);
        boolean isolate = ContextProperties.ISOLATE.value(c);
        boolean os = FilesystemProperties.isOs(c);
        String hostname = ContextProperties.HOSTNAME.value(c);

        FilesystemPlanner.Plan fs = filesystem.plan(c, caller, workDir);
        LaunchSpec.CgroupFs cgroupfs = cgroupfs(c);
        boolean newMount = isolate || fs.filesystem().root() != null || !fs.filesystem().binds().isEmpty()
                || cgroupfs != LaunchSpec.CgroupFs.NONE;
        VirtModes.checkNamespaces(c, newMount, hostname);
        String netns = NetworkProperties.namespacePath(networking, tree.containers(), c);
        boolean emptyNet = netns == null && (c.config.containsKey("net") ? !NetworkProperties.NET.value(c).sharesHost() : os && isolate);
        boolean userns = NamespaceProperties.USERNS.value(c);
        NamespaceProperties.checkUserns(c, userns); // virt_mode may have changed since
        Container holderContainer = namespaceHolder(c);
        int holder = holderContainer == null ? 0 : holderContainer.rootPid;
        Container userOwner = userNamespaceOwner(c);
        boolean joinUser = userOwner != c && userOwner != null;
        if (joinUser && (holderContainer == null || !ContainerName.isWithin(holderContainer.name, userOwner.name)))
            throw new PortoException(ErrorCode.InvalidState, "the user namespace of " + userOwner.name + " has no task holding it: "
                    + c.name + " cannot enter it (restart " + userOwner.name + ")");
        LaunchSpec.UserNamespace user = userOwner == c ? UserNamespaces.of(uid, gid, supplementaryGroups(uid), c.ownerUid == 0)
                : !joinUser ? null : ownersNamespace(userOwner);
        var namespaces = new LaunchSpec.Namespaces(holder, isolate, emptyNet, newMount, hostname, netns,
                cgroupfs != LaunchSpec.CgroupFs.NONE, userOwner == c ? user : null, NamespaceProperties.UNSHARE_ON_EXEC.value(c),
                joinUser);
        LaunchSpec.Filesystem f = fs.filesystem();
        var filesystem = new LaunchSpec.Filesystem(f.root(), f.readOnly(), f.binds(), f.devices(), f.portoSocket(), cgroupfs);
        LaunchSpec.Identity identity = identity(c, uid, gid);

        List<String> stored = new ArrayList<>();
        var stdio = new LaunchSpec.Stdio(stream(c, "stdin", workDir, caller, stored),
                stream(c, "stdout", workDir, caller, stored), stream(c, "stderr", workDir, caller, stored));

        int adj = (int) (long) ContextProperties.OOM_SCORE_ADJ.value(c);
        var spec = new Partial(argv, hostProgram, flatten(env), value(c, "cwd"),
                user == null ? identity : UserNamespaces.inside(identity, user, c.name),
                caller.isRoot() ? null : new LaunchSpec.Cred(caller.uid(), caller.gid(), groups(caller.uid(), caller.gid())),
                stdio, namespaces, filesystem, rlimits(c), adj == 0 ? null : adj, resources.scheduling(c));
        return new LaunchPlan(spec, workDir, uid, gid, stored, fs.files());
    }

    /** cgroupfs: rw is refused as upstream refuses it by default; either needs cgroup namespaces. */
    private LaunchSpec.CgroupFs cgroupfs(Container c) throws PortoException {
        NamespaceProperties.checkStart(c);
        return switch (NamespaceProperties.CGROUPFS.value(c)) {
            case "ro" -> LaunchSpec.CgroupFs.READ_ONLY;
            case "rw" -> c.defaults.enableRwNetCgroups() ? LaunchSpec.CgroupFs.READ_WRITE_ALL : LaunchSpec.CgroupFs.READ_WRITE;
            default -> LaunchSpec.CgroupFs.NONE;
        };
    }

    private LaunchSpec.Identity identity(Container c, int uid, int gid) throws PortoException {
        Capabilities.Grant grant = Capabilities.of(c);
        String own = c.config.get("capabilities");
        if (own != null && (Capabilities.parse(own) & ~grant.bound()) != 0)
            throw new PortoException(ErrorCode.Permission, "capabilities out of bounds for " + c.name + ": "
                    + Capabilities.format(Capabilities.parse(own) & ~grant.bound()));
        long ambient = Capabilities.parse(value(c, "capabilities_ambient"));
        if ((ambient & ~grant.allowed()) != 0)
            throw new PortoException(ErrorCode.Permission, "ambient capabilities out of bounds for " + c.name + ": "
                    + Capabilities.format(ambient & ~grant.allowed()));
        // A task of a user's container never gains privileges by exec (setuid, file capabilities):
        // what it may hold beyond its user's rights is what capabilities_ambient raises.
        boolean noNewPrivs = c.ownerUid != 0;
        return new LaunchSpec.Identity(uid, gid, groups(uid, gid), ContextProperties.UMASK.value(c),
                grant.bound(), ambient, noNewPrivs);
    }

    /** The user namespace {@code owner} made, as its start mapped it. */
    private LaunchSpec.UserNamespace ownersNamespace(Container owner) throws PortoException {
        int uid = users.resolveUid(value(owner, "user"));
        return UserNamespaces.of(uid, users.resolveGid(value(owner, "group")), supplementaryGroups(uid), owner.ownerUid == 0);
    }

    private List<Integer> supplementaryGroups(int uid) {
        return users.exists(uid) ? users.groupsOf(uid) : List.of();
    }

    private List<Integer> groups(int uid, int gid) {
        List<Integer> groups = new ArrayList<>();
        groups.add(gid);
        if (users.exists(uid))
            for (int g : users.groupsOf(uid))
                if (!groups.contains(g))
                    groups.add(g);
        return groups;
    }

    /**
     * As upstream, at start: a non-root client may run tasks only with a group its container's
     * owner or the task's user belongs to; inside a chroot any group goes.
     */
    private void checkGroup(Container c, Caller caller, int uid, int gid) throws PortoException {
        if (caller.isRoot() || !FilesystemProperties.ROOT.value(c).equals("/"))
            return;
        if (gid == c.ownerGid || users.groupsOf(c.ownerUid).contains(gid)
                || users.groupsOf(uid).contains(gid))
            return;
        throw new PortoException(ErrorCode.Permission, "Cannot control group " + value(c, "group")
                + ": neither the owner " + users.userName(c.ownerUid) + " nor the user " + users.userName(uid) + " is in it");
    }

    private List<LaunchSpec.Rlimit> rlimits(Container c) throws PortoException {
        List<LaunchSpec.Rlimit> out = new ArrayList<>();
        for (var e : Ulimits.effective(config, resources.guarantees, c).entrySet()) {
            long soft = e.getValue().soft() == Ulimits.UNLIMITED ? LaunchSpec.Rlimit.INFINITY : e.getValue().soft();
            long hard = e.getValue().hard() == Ulimits.UNLIMITED ? LaunchSpec.Rlimit.INFINITY : e.getValue().hard();
            out.add(new LaunchSpec.Rlimit(Ulimits.resource(e.getKey()), soft, hard));
        }
        return out;
    }

    /**
     * Unset stdout and stderr go to the daemon's storage in the working directory on the host;
     * /dev/fd/N is the starting client's descriptor N; anything else a user set is a path in the
     * container's own filesystem, opened there with the client's rights.
     */
    private LaunchSpec.Stream stream(Container c, String name, String workDir, Caller caller, List<String> stored)
            throws PortoException {
        String path = value(c, name + "_path");
        if (path.startsWith("/dev/fd/")) {
            if (caller.pid() <= 0)
                throw new PortoException(ErrorCode.InvalidValue, name + "_path " + path + " needs a client to start " + c.name);
            if (caller.startTime() == Caller.GONE || (caller.startTime() > 0 && !processes.isAlive(caller.pid(), caller.startTime())))
                throw new PortoException(ErrorCode.InvalidValue, name + "_path " + path + ": the client process "
                        + caller.pid() + " that connected is gone");
            int fd = Integer.parseInt(path.substring("/dev/fd/".length()));
            return caller.startTime() > 0 ? LaunchSpec.Stream.clientDescriptor(caller.pid(), caller.startTime(), fd)
                    : LaunchSpec.Stream.host("/proc/" + caller.pid() + "/fd/" + fd);
        }
        if (path.equals("/dev/null"))
            return LaunchSpec.Stream.host(path);
        if (!c.config.containsKey(name + "_path")) {
            stored.add(workDir + "/" + path);
            return LaunchSpec.Stream.host(workDir + "/" + path);
        }
        PathAccess.checkStream(files, users, properties, c, name, path, caller); // again: the file system may have changed since it was set
        return LaunchSpec.Stream.inside(path);
    }

    /**
     * The rules for the container's own devices cgroup, or null when it shares its parent's; a
     * child may not be given a device its parent may not use.
     */
    List<Cgroups.DeviceRule> deviceRules(Container c) throws PortoException {
        if (!Devices.ownsCgroup(c))
            return null;
        if (!cgroups.available().contains("devices")) {
            if (c.config.containsKey("devices"))
                throw new PortoException(ErrorCode.NotSupported, "devices of " + c.name
                        + " cannot be enforced: this host has no devices cgroup (cgroup v2 is not supported for devices)");
            return null;
        }
        List<Devices.Device> mine = Devices.effective(files, users, c);
        if (!c.parent.isHost()) {
            List<Cgroups.DeviceRule> parents = Devices.rules(Devices.effective(files, users, c.parent));
            for (Cgroups.DeviceRule r : Devices.rules(mine))
                if (!Devices.covered(r, parents))
                    throw new PortoException(ErrorCode.Permission, "device " + r.type() + " " + r.major() + ":"
                            + (r.minor() < 0 ? "*" : r.minor()) + " " + r.access() + " is not permitted to parent " + c.parent.name);
        }
        return Devices.rules(mine);
    }

    /** The container whose user namespace the task lives in: its own with userns, else the nearest ancestor's. */
    private static Container userNamespaceOwner(Container c) throws PortoException {
        for (Container p = c; p != null && !p.isHost(); p = p.parent)
            if (NamespaceProperties.USERNS.value(p))
                return p;
        return null;
    }

    /**
     * The nearest ancestor whose task holds namespaces, null for the host. Its user namespace is
     * that of the nearest container with userns at or above it.
     */
    private static Container namespaceHolder(Container c) {
        for (Container p = c.parent; p != null && !p.isHost(); p = p.parent)
            if (p.rootPid > 0 && p.hasTask())
                return p;
        return null;
    }

    /** The default environment, the parent's for isolate=false, then the container's own. */
    Map<String, String> environment(Container c) throws PortoException {
        Map<String, String> env = new LinkedHashMap<>();
        boolean isolate = ContextProperties.ISOLATE.value(c);
        if (!isolate && !c.parent.isHost()) {
            env.putAll(environment(c.parent));
        } else {
            int uid = users.resolveUid(value(c, "user"));
            env.put("PATH", DEFAULT_PATH);
            env.put("HOME", FilesystemPlanner.inChroot(c) ? "/" : users.home(uid).orElse(config.workDir(c.name)));
            env.put("USER", value(c, "user"));
            env.put("container", "lxc");
            env.put("PORTO_HOST", config.hostname());
        }
        env.put("PORTO_NAME", c.name);
        env.putAll(ContextProperties.ENV.value(c));
        return env;
    }

    private static List<String> flatten(Map<String, String> env) {
        List<String> out = new ArrayList<>();
        env.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }
}

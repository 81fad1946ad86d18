package porto.ports;

import java.util.List;

/**
 * Everything the launcher needs to start one task. Decided entirely by the domain; an adapter only
 * carries it out, in this order: open the host-side streams, join the cgroups, enter the namespaces
 * of {@code namespaces.joinOf}, create the new ones, set up the filesystem, open the inside streams,
 * create or enter the user namespace, create the mount namespace for exec, change to {@code cwd},
 * drop to {@code identity} and exec.
 *
 * @param cgroupDirectories directories the task joins (from {@link Cgroups#taskDirectories})
 * @param argv              program and arguments; argv[0] is looked up in the PATH of {@code env}
 *                          inside the task's root, unless {@code hostProgram} is set
 * @param hostProgram       a program on the host to run instead of looking argv[0] up (the init
 *                          of a meta container, which may live outside its root), or null
 * @param env               the exact environment, "NAME=value"
 * @param cwd               working directory inside the task's root
 * @param client            whose rights apply to every path the client named (streams, root,
 *                          bind sources and the mount points made for them), or null for root
 * @param rlimits           resource limits to set
 * @param oomScoreAdj       value for /proc/self/oom_score_adj, or null to inherit
 * @param scheduling        scheduler policy, nice and io priority, or null to inherit the launcher's
 */
public record LaunchSpec(
        List<String> cgroupDirectories,
        List<String> argv,
        String hostProgram,
        List<String> env,
        String cwd,
        Identity identity,
        Cred client,
        Stdio stdio,
        Namespaces namespaces,
        Filesystem filesystem,
        List<Rlimit> rlimits,
        Integer oomScoreAdj,
        Scheduling scheduling) {

    /**
     * Who the task runs as.
     *
     * @param capBound   bounding set (bit n is capability n); the rest is dropped
     * @param capAmbient capabilities raised as ambient for a task that is not root
     * @param noNewPrivs set PR_SET_NO_NEW_PRIVS: exec cannot gain privileges (setuid, file caps)
     */
    public record Identity(int uid, int gid, List<Integer> groups, int umask, long capBound, long capAmbient,
                           boolean noNewPrivs) {}

    /** Credentials for file access: fsuid, fsgid and supplementary groups. */
    public record Cred(int uid, int gid, List<Integer> groups) {}

    /** Standard input, output and error. */
    public record Stdio(Stream in, Stream out, Stream err) {}

    /**
     * One standard stream: a host path opened before any namespace is entered (the daemon's stored
     * output, a client's /proc/PID/fd/N), or with {@code inside} a path opened in the task's own
     * filesystem once it is set up, relative to {@code cwd} unless absolute.
     */
    public record Stream(String path, boolean inside, int clientPid, long clientStartTime) {
        public static Stream host(String path) {
            return new Stream(path, false, 0, 0);
        }

        public static Stream inside(String path) {
            return new Stream(path, true, 0, 0);
        }

        /**
         * Descriptor {@code fd} of the client process {@code pid} that started at {@code startTime}:
         * opened only if that pid still is that process (and with the client's rights).
         */
        public static Stream clientDescriptor(int pid, long startTime, int fd) {
            return new Stream("/proc/" + pid + "/fd/" + fd, false, pid, startTime);
        }
    }

    /**
     * @param joinOf        pid whose pid, mount, network, ipc and uts namespaces the task enters first
     *                      (the nearest ancestor's task), or 0 for the daemon's
     * @param isolate       then create new pid, ipc, uts and mount namespaces
     * @param newNet        then create a new, empty network namespace
     * @param newMount      create a new mount namespace even without isolate (for binds)
     * @param hostname      hostname to set, or empty; a new uts namespace is made for it even without isolate
     * @param netnsPath     a network namespace (a bind-mounted nsfs file) to enter after joinOf's, or null
     * @param newCgroup     create a new cgroup namespace once the cgroups are joined (their cgroups become its root)
     * @param user          a new user namespace, made once the filesystem is set up, or null; the
     *                      {@link Identity}'s ids are then ids inside it
     * @param unshareOnExec a new mount namespace right before exec, whose mounts stay in it
     * @param joinUser      enter joinOf's user namespace (an ancestor's {@code user}) where a new one would be
     *                      made; the {@link Identity}'s ids are then ids inside it
     */
    public record Namespaces(int joinOf, boolean isolate, boolean newNet, boolean newMount, String hostname, String netnsPath,
                             boolean newCgroup, UserNamespace user, boolean unshareOnExec, boolean joinUser) {
        public Namespaces {
            if (joinUser && (user != null || joinOf <= 0))
                throw new IllegalArgumentException("joinUser needs joinOf and no new user namespace");
        }

        public Namespaces(int joinOf, boolean isolate, boolean newNet, boolean newMount, String hostname, String netnsPath,
                          boolean newCgroup, UserNamespace user, boolean unshareOnExec) {
            this(joinOf, isolate, newNet, newMount, hostname, netnsPath, newCgroup, user, unshareOnExec, false);
        }

        public Namespaces(int joinOf, boolean isolate, boolean newNet, boolean newMount, String hostname, String netnsPath) {
            this(joinOf, isolate, newNet, newMount, hostname, netnsPath, false, null, false, false);
        }

        public Namespaces(int joinOf, boolean isolate, boolean newNet, boolean newMount, String hostname) {
            this(joinOf, isolate, newNet, newMount, hostname, null);
        }
    }

    /** The id maps of a new user namespace, as /proc/PID/uid_map and gid_map show them. */
    public record UserNamespace(List<IdRange> uids, List<IdRange> gids) {
        public UserNamespace {
            uids = List.copyOf(uids);
            gids = List.copyOf(gids);
        }
    }

    /**
     * {@code count} ids from {@code inside} in the namespace are {@code outside} and on in its parent;
     * unsigned 32-bit values.
     */
    public record IdRange(long inside, long outside, long count) {
        /** The id outside that {@code id} inside maps to, or -1 when no range holds it. */
        public static long outside(List<IdRange> map, long id) {
            for (IdRange r : map)
                if (id >= r.inside && id < r.inside + r.count)
                    return r.outside + (id - r.inside);
            return -1;
        }

        /** The id inside that {@code id} outside shows as, or -1 when no range holds it. */
        public static long inside(List<IdRange> map, long id) {
            for (IdRange r : map)
                if (id >= r.outside && id < r.outside + r.count)
                    return r.inside + (id - r.outside);
            return -1;
        }
    }

    /** The cgroup filesystem shown at /sys/fs/cgroup inside the task's mount namespace. */
    /**
     * READ_WRITE: writable, but for net_cls and net_prio (shared with the host's traffic classes),
     * which stay read-only; READ_WRITE_ALL: those too.
     */
    public enum CgroupFs { NONE, READ_ONLY, READ_WRITE, READ_WRITE_ALL }

    /**
     * @param root        directory that becomes "/" (pivot_root), or null to keep the current one
     * @param readOnly    remount the root read-only
     * @param binds       bind mounts, made after the root's own mounts
     * @param devices     device nodes made in the root's fresh /dev
     * @param portoSocket show the daemon's socket at /run/portod.socket inside the root
     * @param cgroupfs    the cgroup hierarchies the task joined, mounted afresh at /sys/fs/cgroup
     *                    (needs new cgroup and mount namespaces): each shows the task's cgroup as its root
     */
    public record Filesystem(String root, boolean readOnly, List<Bind> binds, List<Device> devices, boolean portoSocket,
                             CgroupFs cgroupfs) {
        public Filesystem(String root, boolean readOnly, List<Bind> binds, List<Device> devices, boolean portoSocket) {
            this(root, readOnly, binds, devices, portoSocket, CgroupFs.NONE);
        }
    }

    /**
     * One bind mount: a path of the parent's filesystem shown at {@code target} inside the task's
     * root. An {@code optional} bind is skipped when its target does not exist; a missing target of
     * another is created (a directory or an empty file, like the source).
     */
    public record Bind(String source, String target, boolean readOnly, boolean optional) {
        public Bind(String source, String target, boolean readOnly) {
            this(source, target, readOnly, false);
        }
    }

    /** A device node to create: type 'c' or 'b', its numbers, path under /dev, mode and owner. */
    public record Device(char type, int major, int minor, String path, int mode, int uid, int gid) {}

    /** One resource limit; {@code INFINITY} for unlimited. */
    public record Rlimit(int resource, long soft, long hard) {
        public static final long INFINITY = -1;
    }
}

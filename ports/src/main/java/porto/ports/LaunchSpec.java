package porto.ports;

import java.util.List;

/**
 * Everything the launcher needs to start one task. Decided entirely by the domain; an adapter only
 * carries it out.
 *
 * @param cgroupDirectories directories the task joins (from {@link Cgroups#taskDirectories})
 * @param argv              program and arguments; argv[0] is looked up in the PATH of {@code env}
 * @param env               the exact environment, "NAME=value"
 * @param newNamespaces     make new pid, ipc, uts and mount namespaces (isolate=true)
 * @param joinNamespacesOf  pid whose namespaces the task enters first, or 0 for the caller's
 * @param rlimits           resource limits to set
 * @param oomScoreAdj       value for /proc/self/oom_score_adj, or null to inherit
 * @param scheduling        scheduler policy, nice and io priority, or null to inherit the launcher's
 */
public record LaunchSpec(
        List<String> cgroupDirectories,
        List<String> argv,
        List<String> env,
        String cwd,
        int uid,
        int gid,
        List<Integer> groups,
        int umask,
        List<Rlimit> rlimits,
        String stdinPath,
        String stdoutPath,
        String stderrPath,
        boolean newNamespaces,
        int joinNamespacesOf,
        String hostname,
        String root,
        boolean rootReadOnly,
        List<Bind> binds,
        Integer oomScoreAdj,
        Scheduling scheduling) {

    /** A spec that inherits the launcher's scheduling. */
    public LaunchSpec(List<String> cgroupDirectories, List<String> argv, List<String> env, String cwd, int uid, int gid,
                      List<Integer> groups, int umask, List<Rlimit> rlimits, String stdinPath, String stdoutPath,
                      String stderrPath, boolean newNamespaces, int joinNamespacesOf, String hostname, String root,
                      boolean rootReadOnly, List<Bind> binds, Integer oomScoreAdj) {
        this(cgroupDirectories, argv, env, cwd, uid, gid, groups, umask, rlimits, stdinPath, stdoutPath, stderrPath,
                newNamespaces, joinNamespacesOf, hostname, root, rootReadOnly, binds, oomScoreAdj, null);
    }

    /** One resource limit; {@code INFINITY} for unlimited. */
    public record Rlimit(int resource, long soft, long hard) {
        public static final long INFINITY = -1;
    }

    /** One bind mount: a host path shown at {@code target} inside the container. */
    public record Bind(String source, String target, boolean readOnly) {}
}

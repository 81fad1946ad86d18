package porto.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import porto.ports.LaunchSpec;
import porto.ports.Scheduling;

/** Turns a container's properties into what the launcher needs, before the kernel is touched. */
final class LaunchPlanner {
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final ContainerService s;

    LaunchPlanner(ContainerService s) {
        this.s = s;
    }

    private String value(Container c, String property) throws PortoException {
        return s.properties().find(property).read(s, c);
    }

    /** What a start needs, decided before the kernel is touched. */
    record LaunchPlan(List<String> argv, List<String> env, String cwd, boolean defaultCwd, String workDir,
                              int uid, int gid, List<Integer> groups, int umask, List<LaunchSpec.Rlimit> rlimits,
                              String stdin, String stdout, String stderr, boolean isolate, int joinPid,
                              String hostname, String root, boolean rootReadOnly, List<LaunchSpec.Bind> binds,
                              Integer oomScoreAdj, Scheduling scheduling) {
        LaunchSpec spec(List<String> cgroupDirs) {
            return new LaunchSpec(cgroupDirs, argv, env, cwd, uid, gid, groups, umask, rlimits, stdin, stdout, stderr,
                    isolate, joinPid, hostname, root, rootReadOnly, binds, oomScoreAdj, scheduling);
        }
    }

    LaunchPlan plan(Container c, String command, Caller caller) throws PortoException {
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
                Values.parseBool(value(c, "root_readonly")), binds, adj == 0 ? null : adj, s.resources().scheduling(c));
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
}

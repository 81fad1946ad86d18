package porto.conformance;

import java.util.List;
import porto.ports.LaunchSpec;

/** Launch specs for the suites: a plain task as root, changed one part at a time. */
public final class Specs {
    public static final long ALL_CAPS = -1L;
    public static final List<String> PATH = List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");

    private Specs() {}

    /** {@code argv} as root in {@code cgroupDirectories}, in the host's namespaces, stdio to /dev/null. */
    public static LaunchSpec plain(List<String> cgroupDirectories, List<String> argv) {
        LaunchSpec.Stream none = LaunchSpec.Stream.host("/dev/null");
        return new LaunchSpec(cgroupDirectories, argv, null, PATH, "/",
                new LaunchSpec.Identity(0, 0, List.of(0), 022, ALL_CAPS, 0, false), null,
                new LaunchSpec.Stdio(none, none, none), new LaunchSpec.Namespaces(0, false, false, false, ""),
                new LaunchSpec.Filesystem(null, false, List.of(), List.of(), false), List.of(), null, null);
    }

    public static LaunchSpec withIdentity(LaunchSpec s, LaunchSpec.Identity id) {
        return new LaunchSpec(s.cgroupDirectories(), s.argv(), s.hostProgram(), s.env(), s.cwd(), id, s.client(), s.stdio(),
                s.namespaces(), s.filesystem(), s.rlimits(), s.oomScoreAdj(), s.scheduling());
    }

    public static LaunchSpec withStdio(LaunchSpec s, LaunchSpec.Stdio stdio) {
        return new LaunchSpec(s.cgroupDirectories(), s.argv(), s.hostProgram(), s.env(), s.cwd(), s.identity(), s.client(), stdio,
                s.namespaces(), s.filesystem(), s.rlimits(), s.oomScoreAdj(), s.scheduling());
    }

    public static LaunchSpec withNamespaces(LaunchSpec s, LaunchSpec.Namespaces ns) {
        return new LaunchSpec(s.cgroupDirectories(), s.argv(), s.hostProgram(), s.env(), s.cwd(), s.identity(), s.client(), s.stdio(),
                ns, s.filesystem(), s.rlimits(), s.oomScoreAdj(), s.scheduling());
    }

    public static LaunchSpec withFilesystem(LaunchSpec s, LaunchSpec.Filesystem fs, String cwd) {
        return new LaunchSpec(s.cgroupDirectories(), s.argv(), s.hostProgram(), s.env(), cwd, s.identity(), s.client(), s.stdio(),
                s.namespaces(), fs, s.rlimits(), s.oomScoreAdj(), s.scheduling());
    }

    public static LaunchSpec withRlimits(LaunchSpec s, List<LaunchSpec.Rlimit> rlimits) {
        return new LaunchSpec(s.cgroupDirectories(), s.argv(), s.hostProgram(), s.env(), s.cwd(), s.identity(), s.client(), s.stdio(),
                s.namespaces(), s.filesystem(), rlimits, s.oomScoreAdj(), s.scheduling());
    }
}

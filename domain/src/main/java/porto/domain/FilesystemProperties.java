package porto.domain;

import static porto.domain.Property.ANY_STATE;
import static porto.domain.Property.STOPPED_ONLY;

/** The manual's "Filesystem" properties: root, binds, working directory and standard streams. */
final class FilesystemProperties {
    private FilesystemProperties() {}

    static void register(Properties p) {
        p.add(Property.settable("cwd", "working directory", STOPPED_ONLY,
                (s, c) -> "/".equals(c.config.getOrDefault("root", "/")) ? s.defaultCwd(c) : "/",
                (s, c, who, v) -> Properties.absolutePath(v), false));
        p.add(Property.settable("root", "container root directory", STOPPED_ONLY,
                (s, c) -> "/", (s, c, who, v) -> Properties.absolutePath(v), false));
        p.add(Property.settable("root_readonly", "make the root read-only: true|false", STOPPED_ONLY,
                (s, c) -> "false", (s, c, who, v) -> Values.formatBool(Values.parseBool(v)), false));
        p.add(Property.settable("bind", "bind mounts: <source> <target> [ro|rw]; ...", STOPPED_ONLY,
                (s, c) -> "", (s, c, who, v) -> Binds.format(Binds.parse(v)), false));
        p.add(Property.settable("stdin_path", "container standard input path", STOPPED_ONLY,
                (s, c) -> "/dev/null", (s, c, who, v) -> Properties.absolutePath(v), false));
        p.add(Property.settable("stdout_path", "container standard output path", STOPPED_ONLY,
                (s, c) -> "stdout", (s, c, who, v) -> v.trim(), false));
        p.add(Property.settable("stderr_path", "container standard error path", STOPPED_ONLY,
                (s, c) -> "stderr", (s, c, who, v) -> v.trim(), false));
        p.add(Property.settable("stdout_limit", "limit of stored stdout and stderr, bytes", ANY_STATE,
                (s, c) -> Long.toString(8L << 20), (s, c, who, v) -> {
                    long limit = Values.parseSize(v);
                    if (limit > 1L << 30)
                        throw Values.invalid("stdout_limit is at most 1G, got '" + v + "'");
                    return Long.toString(limit);
                }, false));
    }
}

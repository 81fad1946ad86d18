package porto.domain;

import static porto.domain.Property.ANY_STATE;
import static porto.domain.Property.STOPPED_ONLY;

import porto.ports.ContainerFiles;

/** The manual's "Filesystem" properties: root, binds, working directory and standard streams. */
final class FilesystemProperties {
    private FilesystemProperties() {}

    static final TypedProperty<String> ROOT = TypedProperty.of("root", "container root directory", STOPPED_ONLY,
            Properties::absolutePath, t -> t, "/");
    static final TypedProperty<Boolean> ROOT_READONLY =
            TypedProperty.bool("root_readonly", "make the root read-only: true|false", STOPPED_ONLY, false);
    static final TypedProperty<java.util.List<Binds.Bind>> BIND = TypedProperty.of("bind",
            "bind mounts: <source> <target> [ro|rw]; ...", STOPPED_ONLY, t -> java.util.List.copyOf(Binds.parse(t)), Binds::format, java.util.List.of());
    static final TypedProperty<Boolean> BIND_DNS = TypedProperty.bool("bind_dns",
            "in a chroot, bind the host's /etc/hosts and /etc/resolv.conf: true|false", STOPPED_ONLY, true)
            .defaultFor(c -> !isOs(c));
    static final TypedProperty<String> RESOLV_CONF = TypedProperty.of("resolv_conf",
            "DNS configuration shown as /etc/resolv.conf in a chroot: <line>;...", STOPPED_ONLY,
            FilesystemProperties::parseResolvConf, t -> t, "").defaultFor(c -> c.defaults.resolvConf());
    static final TypedProperty<String> ETC_HOSTS = TypedProperty.of("etc_hosts",
            "/etc/hosts shown in a chroot: <line>;...", STOPPED_ONLY, FilesystemProperties::parseEtcHosts, t -> t, "");
    static final TypedProperty<Long> STDOUT_LIMIT = TypedProperty.of("stdout_limit",
            "limit of stored stdout and stderr, bytes", ANY_STATE, FilesystemProperties::parseStdoutLimit,
            String::valueOf, 8L << 20).defaultFor(c -> c.defaults.stdoutLimit());

    private static String parseResolvConf(String text) throws PortoException {
        if (text.indexOf('\n') >= 0 || text.indexOf('\0') >= 0)
            throw Values.invalid("resolv_conf lines are separated by ';', not newlines");
        return text.trim();
    }

    private static String parseEtcHosts(String text) throws PortoException {
        if (text.indexOf('\n') >= 0 || text.indexOf('\0') >= 0)
            throw Values.invalid("etc_hosts lines are separated by ';', not newlines");
        return text.trim();
    }

    private static long parseStdoutLimit(String text) throws PortoException {
        long limit = Values.parseSize(text);
        if (limit > 1L << 30)
            throw Values.invalid("stdout_limit is at most 1G, got '" + text + "'");
        return limit;
    }

    static boolean isOs(Container c) throws PortoException {
        return ContextProperties.VIRT_MODE.value(c).equals("os");
    }

    /** An absolute path, a path relative to the working directory, or /dev/fd/N (the client's descriptor N). */
    private static String streamPath(String value) throws PortoException {
        String v = value.trim();
        if (v.isEmpty() || v.indexOf('\0') >= 0)
            throw Values.invalid("expected a path, got '" + value + "'");
        if (v.startsWith("/dev/fd/") && !v.substring("/dev/fd/".length()).matches("[0-9]{1,9}"))
            throw Values.invalid("expected /dev/fd/<number>, got '" + value + "'");
        return v.startsWith("/") ? Properties.absolutePath(v) : v;
    }

    /** A stream path the setter may use: the manual wants write permission to the target (read, for stdin). */
    private static Property.Setter checkedStream(ContainerFiles files, UserDatabase users, Properties p, String stream) {
        return (c, who, value) -> {
            String path = streamPath(value);
            PathAccess.checkStream(files, users, p, c, stream, path, who);
            return path;
        };
    }

    /** The stream paths are checked on the host's files as the caller; cwd defaults to the container's directory. */
    static void register(Properties p, DomainConfig config, ContainerFiles files, UserDatabase users) {
        p.add(Property.settable("cwd", "working directory", STOPPED_ONLY,
                c -> FilesystemPlanner.inChroot(c) || isOs(c) ? "/" : config.workDir(c.name),
                (c, who, v) -> Properties.absolutePath(v), false));
        p.add(ROOT.entry());
        p.add(ROOT_READONLY.entry());
        p.add(BIND.entry());
        p.add(Property.settable("stdin_path", "container standard input path", STOPPED_ONLY,
                c -> "/dev/null", checkedStream(files, users, p, "stdin"), false));
        p.add(Property.settable("stdout_path", "container standard output path", STOPPED_ONLY,
                c -> isOs(c) ? "/dev/null" : "stdout", checkedStream(files, users, p, "stdout"), false));
        p.add(Property.settable("stderr_path", "container standard error path", STOPPED_ONLY,
                c -> isOs(c) ? "/dev/null" : "stderr", checkedStream(files, users, p, "stderr"), false));
        p.add(BIND_DNS.entry());
        p.add(RESOLV_CONF.entry());
        p.add(ETC_HOSTS.entry());
        p.add(STDOUT_LIMIT.entry());
    }
}

package porto.domain;

import static porto.domain.Property.ANY_STATE;
import static porto.domain.Property.STOPPED_ONLY;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Every container property this daemon knows, with its rules. */
public final class Properties {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private final Map<String, Property> all = new LinkedHashMap<>();

    public Properties() {
        context();
        filesystem();
        resources();
        lifecycle();
        state();
    }

    public Property find(String name) {
        return all.get(name);
    }

    public Collection<Property> all() {
        return all.values();
    }

    private void add(Property p) {
        all.put(p.name, p);
    }

    private void context() {
        add(Property.settable("command", "command executed upon container start", STOPPED_ONLY,
                (s, c) -> "", (s, c, who, v) -> v, false));
        add(Property.settable("env", "environment of main container process: <name>: <value>; ...", STOPPED_ONLY,
                (s, c) -> "", (s, c, who, v) -> Values.formatMap(Values.parseMap(v, true)), true));
        add(Property.settable("user", "uid of container processes", STOPPED_ONLY,
                (s, c) -> s.userName(c.ownerUid), ContainerService::canonicalUser, false));
        add(Property.settable("group", "gid of container processes", STOPPED_ONLY,
                (s, c) -> s.groupName(c.ownerGid), ContainerService::canonicalGroup, false));
        add(Property.settable("owner_user", "container owner user", STOPPED_ONLY,
                (s, c) -> s.userName(c.ownerUid), ContainerService::canonicalOwnerUser, false));
        add(Property.settable("owner_group", "container owner group", STOPPED_ONLY,
                (s, c) -> s.groupName(c.ownerGid), ContainerService::canonicalOwnerGroup, false));
        add(Property.settable("umask", "initial file creation mask, octal", STOPPED_ONLY,
                (s, c) -> "0002", (s, c, who, v) -> {
                    try {
                        int mask = Integer.parseInt(v.trim(), 8);
                        if (mask < 0 || mask > 0777)
                            throw Values.invalid("umask must be within 0..0777, got '" + v + "'");
                        return String.format("%04o", mask);
                    } catch (NumberFormatException e) {
                        throw Values.invalid("expected an octal umask like 0022, got '" + v + "'");
                    }
                }, false));
        add(Property.settable("ulimit", "resource limits: <type>: [soft]|unlimited <hard>|unlimited; ...", STOPPED_ONLY,
                (s, c) -> Ulimits.format(s.defaultUlimits()), (s, c, who, v) -> Ulimits.format(Ulimits.parse(v)), true));
        add(Property.settable("isolate", "new pid/ipc/uts/env namespaces: true|false", STOPPED_ONLY,
                (s, c) -> "true", (s, c, who, v) -> Values.formatBool(Values.parseBool(v)), false));
        add(Property.settable("virt_mode", "virtualization mode: app|os", STOPPED_ONLY,
                (s, c) -> "app", (s, c, who, v) -> switch (v.trim()) {
                    case "app", "os" -> v.trim();
                    default -> throw Values.invalid("expected virt_mode app or os, got '" + v + "'");
                }, false));
        add(Property.settable("hostname", "hostname inside the container", STOPPED_ONLY,
                (s, c) -> "", (s, c, who, v) -> {
                    if (v.length() > 64 || !v.matches("[A-Za-z0-9.\\-]*"))
                        throw Values.invalid("hostname must be up to 64 letters, digits, '.' or '-', got '" + v + "'");
                    return v;
                }, false));
        add(Property.settable("enable_porto", "access to porto: false|read-only|child-only|true", STOPPED_ONLY,
                (s, c) -> "true", (s, c, who, v) -> switch (v.trim()) {
                    case "true", "full", "false", "none", "read-only", "read-isolate", "isolate", "child-only" -> v.trim();
                    default -> throw Values.invalid("unknown enable_porto value '" + v + "'");
                }, false));
        add(Property.settable("oom_score_adj", "OOM score adjustment: -1000..1000", STOPPED_ONLY,
                (s, c) -> "0", (s, c, who, v) -> {
                    long adj = Values.parseInteger(v);
                    if (adj < -1000 || adj > 1000)
                        throw Values.invalid("oom_score_adj must be within -1000..1000, got '" + v + "'");
                    return Long.toString(adj);
                }, false));
        add(Property.settable("private", "user-defined text, at most 4096 bytes", ANY_STATE,
                (s, c) -> "", (s, c, who, v) -> {
                    if (v.length() > 4096)
                        throw Values.invalid("private value is longer than 4096 bytes");
                    return v;
                }, false));
    }

    private void filesystem() {
        add(Property.settable("cwd", "working directory", STOPPED_ONLY,
                (s, c) -> "/".equals(c.config.getOrDefault("root", "/")) ? s.defaultCwd(c) : "/",
                (s, c, who, v) -> absolutePath(v), false));
        add(Property.settable("root", "container root directory", STOPPED_ONLY,
                (s, c) -> "/", (s, c, who, v) -> absolutePath(v), false));
        add(Property.settable("root_readonly", "make the root read-only: true|false", STOPPED_ONLY,
                (s, c) -> "false", (s, c, who, v) -> Values.formatBool(Values.parseBool(v)), false));
        add(Property.settable("bind", "bind mounts: <source> <target> [ro|rw]; ...", STOPPED_ONLY,
                (s, c) -> "", (s, c, who, v) -> Binds.format(Binds.parse(v)), false));
        add(Property.settable("stdin_path", "container standard input path", STOPPED_ONLY,
                (s, c) -> "/dev/null", (s, c, who, v) -> absolutePath(v), false));
        add(Property.settable("stdout_path", "container standard output path", STOPPED_ONLY,
                (s, c) -> "stdout", (s, c, who, v) -> v.trim(), false));
        add(Property.settable("stderr_path", "container standard error path", STOPPED_ONLY,
                (s, c) -> "stderr", (s, c, who, v) -> v.trim(), false));
        add(Property.settable("stdout_limit", "limit of stored stdout and stderr, bytes", ANY_STATE,
                (s, c) -> Long.toString(8L << 20), (s, c, who, v) -> {
                    long limit = Values.parseSize(v);
                    if (limit > 1L << 30)
                        throw Values.invalid("stdout_limit is at most 1G, got '" + v + "'");
                    return Long.toString(limit);
                }, false));
    }

    private void resources() {
        add(Property.settable("memory_limit", "memory limit, bytes (0 means unlimited)", ANY_STATE,
                (s, c) -> "0", (s, c, who, v) -> {
                    long bytes = Values.parseSize(v);
                    if (bytes != 0 && bytes < (1L << 20))
                        throw Values.invalid("memory_limit below 1M is not allowed, got '" + v + "'");
                    return Long.toString(bytes);
                }, false));
        add(Property.settable("cpu_limit", "cpu limit: 0..100% or <cores>c (0 means unlimited)", ANY_STATE,
                (s, c) -> "0c", (s, c, who, v) -> Values.formatCpu(Values.parseCpu(v, s.config().hostCores())), false));
        add(Property.settable("thread_limit", "limit of threads (0 means unlimited)", ANY_STATE,
                (s, c) -> c.level == 1 ? "10000" : "0", (s, c, who, v) -> Long.toString(Values.parseUnsigned(v)), false));
    }

    private void lifecycle() {
        add(Property.settable("weak", "destroy the container when its client disconnects", ANY_STATE,
                (s, c) -> Values.formatBool(c.weak), (s, c, who, v) -> Values.formatBool(Values.parseBool(v)), false));
        add(Property.settable("respawn", "restart the container after death", ANY_STATE,
                (s, c) -> "false", (s, c, who, v) -> Values.formatBool(Values.parseBool(v)), false));
        add(Property.settable("max_respawns", "limit of automatic respawns, -1 means unlimited", ANY_STATE,
                (s, c) -> "-1", (s, c, who, v) -> {
                    long n = Values.parseInteger(v);
                    if (n < -1)
                        throw Values.invalid("max_respawns must be -1 or more, got '" + v + "'");
                    return Long.toString(n);
                }, false));
        add(Property.settable("aging_time", "seconds before a dead container is destroyed", ANY_STATE,
                (s, c) -> Long.toString(24 * 3600), (s, c, who, v) -> Long.toString(Values.parseUnsigned(v)), false));
    }

    private void state() {
        add(Property.readOnly("state", "container state", (s, c) -> c.state.text(), false));
        add(Property.readOnly("absolute_name", "full container name", (s, c) -> ContainerName.absolute(c.name), false));
        add(Property.readOnly("absolute_namespace", "full container namespace", (s, c) -> "/porto/", false));
        add(Property.readOnly("parent", "parent container name", (s, c) -> c.parent.isHost() ? "/" : c.parent.name, false));
        add(Property.readOnly("level", "nesting level", (s, c) -> Integer.toString(c.level), false));
        add(Property.readOnly("id", "container id", (s, c) -> Long.toString(c.id), false));
        add(Property.readOnly("root_pid", "main process pid", (s, c) -> {
            requireTask(c, "root_pid");
            return Integer.toString(c.rootPid);
        }, false));
        add(Property.readOnly("exit_status", "exit status in wait(2) form", (s, c) -> {
            requireDead(c, "exit_status");
            return Integer.toString(c.exitStatus);
        }, false));
        add(Property.readOnly("exit_code", "0: success, 1..255: error, -64..-1: signal, -99: OOM", (s, c) -> {
            requireDead(c, "exit_code");
            return Integer.toString(exitCode(c));
        }, false));
        add(Property.readOnly("oom_killed", "true if killed by the OOM killer", (s, c) -> {
            requireDead(c, "oom_killed");
            return Values.formatBool(c.oomKilled);
        }, false));
        add(Property.readOnly("start_errno", "errno of the last failed start", (s, c) -> Integer.toString(c.startErrno), false));
        add(Property.readOnly("respawn_count", "how many times the container was respawned", (s, c) -> Integer.toString(c.respawnCount), false));
        add(Property.readOnly("creation_time", "creation time", (s, c) -> TIME.format(Instant.ofEpochMilli(c.creationTime)), false));
        add(Property.readOnly("start_time", "start time", (s, c) -> {
            if (c.startTime == 0)
                throw new PortoException(ErrorCode.InvalidState, "container has not been started");
            return TIME.format(Instant.ofEpochMilli(c.startTime));
        }, false));
        add(Property.readOnly("time", "running time in seconds", (s, c) -> {
            if (c.startTime == 0)
                return "0";
            long end = c.state == State.DEAD ? c.deathTime : s.clock().nowMillis();
            return Long.toString(Math.max(0, end - c.startTime) / 1000);
        }, false));
        add(Property.readOnly("stdout", "stored standard output: stdout[[offset][:length]]", (s, c) -> s.readStream(c, "stdout", null), true));
        add(Property.readOnly("stderr", "stored standard error: stderr[[offset][:length]]", (s, c) -> s.readStream(c, "stderr", null), true));
        add(Property.readOnly("stdout_offset", "bytes of stdout dropped by rotation", (s, c) -> Long.toString(s.streamOffset(c, "stdout")), false));
        add(Property.readOnly("stderr_offset", "bytes of stderr dropped by rotation", (s, c) -> Long.toString(s.streamOffset(c, "stderr")), false));
        add(Property.readOnly("controllers", "enabled cgroup controllers", (s, c) -> String.join(";", new java.util.TreeSet<>(c.controllers)), true));
        add(Property.readOnly("cgroups", "cgroup paths: <controller>: <path>", (s, c) -> Values.formatMap(new TreeMap<>(s.cgroupPaths(c))), true));
        add(Property.readOnly("process_count", "current process count", (s, c) -> Long.toString(s.processCount(c)), false));
        add(Property.readOnly("thread_count", "current thread count", (s, c) -> Long.toString(s.threadCount(c)), false));
        add(Property.readOnly("memory_usage", "memory usage, bytes", (s, c) -> s.stat(c, porto.ports.Cgroups.Stat.MEMORY_USAGE), false));
        add(Property.readOnly("cpu_usage", "cpu time used, nanoseconds", (s, c) -> s.stat(c, porto.ports.Cgroups.Stat.CPU_USAGE_NS), false));
        add(Property.readOnly("cpu_usage_system", "kernel cpu time used, nanoseconds", (s, c) -> s.stat(c, porto.ports.Cgroups.Stat.CPU_SYSTEM_NS), false));
    }

    /** exit_code from the wait(2) status: the code, minus the signal, or -99 for the OOM killer. */
    static int exitCode(Container c) {
        if (c.oomKilled)
            return -99;
        int status = c.exitStatus;
        if ((status & 0x7f) == 0)
            return (status >> 8) & 0xff;
        return -(status & 0x7f);
    }

    private static void requireDead(Container c, String what) throws PortoException {
        if (c.state != State.DEAD)
            throw new PortoException(ErrorCode.InvalidState, what + " is available only in dead state, container is " + c.state.text());
    }

    private static void requireTask(Container c, String what) throws PortoException {
        if (!(c.state == State.RUNNING || c.state == State.PAUSED || c.state == State.META) || c.rootPid <= 0)
            throw new PortoException(ErrorCode.InvalidState, what + " is available only while the container runs, it is " + c.state.text());
    }

    static String absolutePath(String value) throws PortoException {
        String v = value.trim();
        if (!v.startsWith("/"))
            throw new PortoException(ErrorCode.InvalidValue, "expected an absolute path, got '" + value + "'");
        return java.nio.file.Path.of(v).normalize().toString();
    }
}

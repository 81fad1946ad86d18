package porto.domain;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Read-only facts of a container: its state, its last run, its cgroups and usage. */
final class StateProperties {
    private StateProperties() {}

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    /** Statistics "/" reads from the hierarchy roots, as upstream's root container does. */
    static final java.util.Set<String> HOST_STATISTICS = java.util.Set.of("memory_usage", "anon_usage", "cache_usage",
            "hugetlb_usage", "max_rss", "minor_faults", "major_faults", "cpu_usage", "cpu_usage_system", "cpu_wait",
            "io_read", "io_write", "io_ops");

    /** What the host, a pseudo-container, shows. */
    static String host(String name) throws PortoException {
        return switch (name) {
            case "state" -> State.META.text();
            case "absolute_name" -> ContainerName.HOST;
            case "absolute_namespace" -> "/porto/";
            case "level" -> "0";
            case "id" -> "0";
            case "root_pid" -> "1"; // as upstream: the host's init
            default -> throw new PortoException(ErrorCode.NotSupported, "property " + name + " is not available for the host");
        };
    }

    static void register(Properties p) {
        p.add(Property.readOnly("state", "container state", (s, c) -> c.state().text(), false));
        p.add(Property.readOnly("absolute_name", "full container name", (s, c) -> ContainerName.absolute(c.name), false));
        p.add(Property.readOnly("absolute_namespace", "full container namespace", (s, c) -> ContainerName.ABSOLUTE_PREFIX + ClientScope.namespaceOf(s, c, false), false));
        p.add(Property.readOnly("parent", "parent container name", (s, c) -> c.parent.isHost() ? "/" : c.parent.name, false));
        p.add(Property.readOnly("level", "nesting level", (s, c) -> Integer.toString(c.level), false));
        p.add(Property.readOnly("id", "container id", (s, c) -> Long.toString(c.id), false));
        p.add(Property.readOnly("root_pid", "main process pid", (s, c) -> {
            Properties.requireTask(c, "root_pid");
            return Integer.toString(c.rootPid);
        }, false));
        p.add(Property.readOnly("exit_status", "exit status in wait(2) form", (s, c) -> {
            Properties.requireDead(c, "exit_status");
            return Integer.toString(c.exitStatus);
        }, false));
        p.add(Property.readOnly("exit_code", "0: success, 1..255: error, -64..-1: signal, -99: OOM", (s, c) -> {
            Properties.requireDead(c, "exit_code");
            return Integer.toString(Properties.exitCode(c));
        }, false));
        p.add(Property.readOnly("oom_killed", "true if killed by the OOM killer", (s, c) -> {
            Properties.requireDead(c, "oom_killed");
            return Values.formatBool(c.oomKilled);
        }, false));
        p.add(Property.readOnly("core_dumped", "true if the main task dumped core", (s, c) -> {
            Properties.requireDead(c, "core_dumped");
            return Values.formatBool((c.exitStatus & 0x7f) != 0 && (c.exitStatus & 0x80) != 0);
        }, false));
        // Upstream's pid of the helper that seizes a task it lost track of (after its own restart);
        // 0 when there is none. Ours never has one: portod-native master is every task's parent and reaper.
        p.add(Property.readOnly("seize_pid", "pid of the helper that seizes the main task; 0: none", (s, c) -> "0", false));
        p.add(Property.readOnly("start_errno", "errno of the last failed start", (s, c) -> Integer.toString(c.startErrno), false));
        p.add(Property.readOnly("respawn_count", "how many times the container was respawned", (s, c) -> Integer.toString(c.respawnCount), false));
        p.add(Property.readOnly("creation_time", "creation time", (s, c) -> TIME.format(Instant.ofEpochMilli(c.creationTime)), false));
        p.add(Property.readOnly("start_time", "start time", (s, c) -> {
            // Upstream answers empty, not an error, for a container never started.
            return c.startTime == 0 ? "" : TIME.format(Instant.ofEpochMilli(c.startTime));
        }, false));
        p.add(Property.readOnly("death_time", "death time", (s, c) -> {
            Properties.requireDead(c, "death_time");
            return c.deathTime == 0 ? "" : TIME.format(Instant.ofEpochMilli(c.deathTime));
        }, false));
        p.add(Property.readOnly("time", "running time in seconds; time[dead]: seconds since death", (s, c) -> {
            if (c.startTime == 0 || c.state() == State.STOPPED)
                return "0";
            long end = c.state() == State.DEAD ? c.deathTime : s.clock().nowMillis();
            return Long.toString(Math.max(0, end - c.startTime) / 1000);
        }, true).withKeys((s, c, key) -> {
            if (!key.equals("dead"))
                throw Values.invalid("time has one key, dead; got '" + key + "'");
            if (c.state() != State.DEAD)
                throw new PortoException(ErrorCode.InvalidState, "time[dead]: " + c.name + " is not dead yet");
            return Long.toString(Math.max(0, s.clock().nowMillis() - c.deathTime) / 1000);
        }, null));
        p.add(Property.readOnly("stdout", "stored standard output: stdout[[offset][:length]]", (s, c) -> {
            Properties.requireRuntime(c, "stdout");
            return s.readStream(c, "stdout", null);
        }, true));
        p.add(Property.readOnly("stderr", "stored standard error: stderr[[offset][:length]]", (s, c) -> {
            Properties.requireRuntime(c, "stderr");
            return s.readStream(c, "stderr", null);
        }, true));
        p.add(Property.readOnly("stdout_offset", "bytes of stdout dropped by rotation", (s, c) -> {
            Properties.requireRuntime(c, "stdout_offset");
            return Long.toString(s.streamOffset(c, "stdout"));
        }, false));
        p.add(Property.readOnly("stderr_offset", "bytes of stderr dropped by rotation", (s, c) -> {
            Properties.requireRuntime(c, "stderr_offset");
            return Long.toString(s.streamOffset(c, "stderr"));
        }, false));
        p.add(Property.readOnly("process_count", "current process count", (s, c) -> {
            Properties.requireRuntime(c, "process_count");
            return Long.toString(s.processCount(c));
        }, false));
        p.add(Property.readOnly("thread_count", "current thread count", (s, c) -> {
            Properties.requireRuntime(c, "thread_count");
            return Long.toString(s.threadCount(c));
        }, false));
    }
}

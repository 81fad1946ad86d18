package porto.domain;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import porto.ports.Cgroups;
import porto.ports.Clock;

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

    /** Times come from the clock, stored output from the OutputStore, counts from the container's cgroups. */
    static void register(Properties p, Clock clock, OutputStore output, Cgroups cgroups) {
        p.add(Property.readOnly("state", "container state", c -> c.state().text(), false));
        p.add(Property.readOnly("absolute_name", "full container name", c -> ContainerName.absolute(c.name), false));
        p.add(Property.readOnly("absolute_namespace", "full container namespace", c -> ContainerName.ABSOLUTE_PREFIX + ClientScope.namespaceOf(p, c, false), false));
        p.add(Property.readOnly("parent", "parent container name", c -> c.parent.isHost() ? "/" : c.parent.name, false));
        p.add(Property.readOnly("level", "nesting level", c -> Integer.toString(c.level), false));
        p.add(Property.readOnly("id", "container id", c -> Long.toString(c.id), false));
        p.add(Property.readOnly("root_pid", "main process pid", c -> {
            Properties.requireTask(c, "root_pid");
            return Integer.toString(c.rootPid);
        }, false));
        p.add(Property.readOnly("exit_status", "exit status in wait(2) form", c -> {
            Properties.requireDead(c, "exit_status");
            return Integer.toString(c.exitStatus);
        }, false));
        p.add(Property.readOnly("exit_code", "0: success, 1..255: error, -64..-1: signal, -99: OOM", c -> {
            Properties.requireDead(c, "exit_code");
            return Integer.toString(Properties.exitCode(c));
        }, false));
        p.add(Property.readOnly("oom_killed", "true if killed by the OOM killer", c -> {
            Properties.requireDead(c, "oom_killed");
            return Values.formatBool(c.oomKilled);
        }, false));
        p.add(Property.readOnly("core_dumped", "true if the main task dumped core", c -> {
            Properties.requireDead(c, "core_dumped");
            return Values.formatBool((c.exitStatus & 0x7f) != 0 && (c.exitStatus & 0x80) != 0);
        }, false));
        // Upstream's pid of the helper that seizes a task it lost track of (after its own restart);
        // 0 when there is none. Ours never has one: portod-native master is every task's parent and reaper.
        p.add(Property.readOnly("seize_pid", "pid of the helper that seizes the main task; 0: none", c -> "0", false));
        p.add(Property.readOnly("start_errno", "errno of the last failed start", c -> Integer.toString(c.startErrno), false));
        p.add(Property.readOnly("respawn_count", "how many times the container was respawned", c -> Integer.toString(c.respawnCount), false));
        p.add(Property.readOnly("creation_time", "creation time", c -> TIME.format(Instant.ofEpochMilli(c.creationTime)), false));
        p.add(Property.readOnly("start_time", "start time", c -> {
            // Upstream answers empty, not an error, for a container never started.
            return c.startTime == 0 ? "" : TIME.format(Instant.ofEpochMilli(c.startTime));
        }, false));
        p.add(Property.readOnly("death_time", "death time", c -> {
            Properties.requireDead(c, "death_time");
            return c.deathTime == 0 ? "" : TIME.format(Instant.ofEpochMilli(c.deathTime));
        }, false));
        p.add(Property.readOnly("time", "running time in seconds; time[dead]: seconds since death", c -> {
            if (c.startTime == 0 || c.state() == State.STOPPED)
                return "0";
            long end = c.state() == State.DEAD ? c.deathTime : clock.nowMillis();
            return Long.toString(Math.max(0, end - c.startTime) / 1000);
        }, true).withKeys((c, key) -> {
            if (!key.equals("dead"))
                throw Values.invalid("time has one key, dead; got '" + key + "'");
            if (c.state() != State.DEAD)
                throw new PortoException(ErrorCode.InvalidState, "time[dead]: " + c.name + " is not dead yet");
            return Long.toString(Math.max(0, clock.nowMillis() - c.deathTime) / 1000);
        }, null));
        p.add(Property.readOnly("stdout", "stored standard output: stdout[[offset][:length]]", c -> {
            Properties.requireRuntime(c, "stdout");
            return output.read(c, "stdout", null, Caller.ROOT);
        }, true));
        p.add(Property.readOnly("stderr", "stored standard error: stderr[[offset][:length]]", c -> {
            Properties.requireRuntime(c, "stderr");
            return output.read(c, "stderr", null, Caller.ROOT);
        }, true));
        p.add(Property.readOnly("stdout_offset", "bytes of stdout dropped by rotation", c -> {
            Properties.requireRuntime(c, "stdout_offset");
            return Long.toString(c.stdoutOffset);
        }, false));
        p.add(Property.readOnly("stderr_offset", "bytes of stderr dropped by rotation", c -> {
            Properties.requireRuntime(c, "stderr_offset");
            return Long.toString(c.stderrOffset);
        }, false));
        p.add(Property.readOnly("process_count", "current process count", c -> {
            Properties.requireRuntime(c, "process_count");
            return Long.toString(c.controllers.isEmpty() ? 0 : cgroups.pids(c.name).size());
        }, false));
        p.add(Property.readOnly("thread_count", "current thread count", c -> {
            Properties.requireRuntime(c, "thread_count");
            return Long.toString(c.controllers.isEmpty() ? 0 : cgroups.threadCount(c.name));
        }, false));
    }
}

package porto.daemon;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import porto.daemon.config.ConfigException;
import porto.daemon.config.DaemonConfig;
import porto.protocol.Framing;
import porto.protocol.Release;

/**
 * The operator's commands on a running portod: start, stop, kill, reload, upgrade, status,
 * reopenlog and version, by the master's pid file and signals, as upstream does.
 */
final class PortodControl {
    private final DaemonPaths paths;
    private final Portod.Options options;
    /** portod.conf as last read, for its timeouts; null until read, or when it is bad. */
    private DaemonConfig config;

    PortodControl(DaemonPaths paths, Portod.Options options) {
        this.paths = paths;
        this.options = options;
    }

    /** "daemon": the master in the foreground; its exit code is ours. */
    int foreground() throws IOException, InterruptedException {
        if (!isRoot()) {
            System.err.println("portod needs root privileges to start");
            return 1;
        }
        if (!configIsGood())
            return 1;
        markDiscard();
        int rc = master(false).waitFor();
        Portod.unregisterCorePattern(paths);
        return rc;
    }

    int start() throws IOException, InterruptedException {
        if (!isRoot()) {
            System.err.println("portod needs root privileges to start");
            return 1;
        }
        if (masterPid() > 0 && answers(paths.socket())) {
            System.err.println("portod is already running (master pid " + masterPid() + ")");
            return 1;
        }
        if (!configIsGood())
            return 1;
        markDiscard();
        int rc = master(true).waitFor();
        if (rc != 0)
            return rc;
        long deadline = deadline(false);
        do {
            if (answers(paths.socket()))
                return 0;
        } while (sleepUntil(deadline));
        System.err.println("portod did not answer on " + paths.socket() + " in time; see " + paths.log());
        return 1;
    }

    /** Starts portod-native master; with --daemonize it returns once the socket listens. */
    private Process master(boolean detach) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(paths.nativeBinary().toString(), "master"));
        if (detach)
            cmd.add("--daemonize");
        if (options.norespawn())
            cmd.add("--norespawn");
        cmd.addAll(List.of("--socket", paths.socket().toString(), "--socket-group", "porto",
                "--pidfile", paths.masterPidFile().toString(), "--daemon-pidfile", paths.daemonPidFile().toString()));
        if (!options.stdlog()) {
            Files.createDirectories(paths.log().getParent());
            cmd.addAll(List.of("--log", paths.log().toString()));
        }
        cmd.add("--");
        cmd.addAll(daemonCommand());
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        if (options.stdlog())
            pb.redirectErrorStream(true).environment().put("PORTOD_STDLOG", "1");
        if (options.verbose())
            pb.environment().put("PORTOD_VERBOSE", "1");
        if (options.debug())
            pb.environment().put("PORTOD_DEBUG", "1");
        return pb.start();
    }

    /** --discard: the next daemon to start drops what it restores. */
    private void markDiscard() throws IOException {
        if (options.discard()) {
            Files.createDirectories(paths.discardMarker().getParent());
            Files.writeString(paths.discardMarker(), "");
        }
    }

    /**
     * The command the master runs (and runs again on reload): the installed wrapper when there is
     * one, so that an upgrade takes effect on reload, else this same JVM with its options.
     */
    static List<String> daemonCommand() {
        String wrapper = System.getenv("PORTOD_COMMAND");
        if (wrapper != null && !wrapper.isEmpty())
            return List.of(wrapper, "serve");
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String opt : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())
            if (!opt.startsWith("-XX:AOTCache") && !opt.startsWith("-agentlib") && !opt.startsWith("-javaagent"))
                cmd.add(opt);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Portod.class.getName());
        cmd.add("serve");
        return cmd;
    }

    /** INT stops every container with the daemon; TERM ("shutdown") leaves them running. */
    int stop(String signal) throws IOException, InterruptedException {
        long pid = masterPid();
        if (pid <= 0) {
            System.err.println("portod is already stopped");
            return 0;
        }
        if (options.timeoutOr300() > 0 && answers(paths.socket())) {
            signal(pid, signal);
            long deadline = deadline(true);
            do {
                if (!alive(pid)) {
                    Portod.unregisterCorePattern(paths); // a SIGTERM left it for a reload
                    return 0;
                }
            } while (sleepUntil(deadline));
        }
        System.err.println("portod does not answer or stop; killing it");
        return kill();
    }

    /** SIGKILL to the master and its daemon; containers are left as they are. */
    int kill() throws IOException, InterruptedException {
        long pid = masterPid();
        if (pid <= 0) {
            System.err.println("portod is not running");
            return 0;
        }
        long daemon = readPid(paths.daemonPidFile());
        boolean ours = daemon > 0 && isDaemonOf(daemon, pid);
        Files.deleteIfExists(paths.masterPidFile());
        Files.deleteIfExists(paths.daemonPidFile());
        signal(pid, "KILL");
        if (ours)
            signal(daemon, "KILL");
        Portod.unregisterCorePattern(paths);
        return 0;
    }

    /** True when {@code daemon} still runs as the child of {@code master}: it is our daemon, not a reused pid. */
    private static boolean isDaemonOf(long daemon, long master) {
        return ProcessHandle.of(daemon).flatMap(ProcessHandle::parent).map(p -> p.pid() == master).orElse(false);
    }

    int reload() throws IOException, InterruptedException {
        long pid = masterPid();
        long old = readPid(paths.daemonPidFile());
        if (pid <= 0 || old <= 0) {
            System.err.println("portod is not running");
            return 1;
        }
        if (!configIsGood())
            return 1;
        markDiscard();
        signal(pid, "HUP");
        long deadline = deadline(false);
        do {
            if (!alive(pid))
                return 1;
            long now = readPid(paths.daemonPidFile());
            if (now > 0 && now != old && answers(paths.socket()))
                return 0;
        } while (sleepUntil(deadline));
        System.err.println("no new daemon answered in time; see " + paths.log());
        return 1;
    }

    /** Re-executes the master in place (SIGUSR2), then reloads the daemon: both run the new code. */
    int upgrade() throws IOException, InterruptedException {
        long pid = masterPid();
        if (pid <= 0) {
            System.err.println("portod is not running");
            return 1;
        }
        if (!answers(paths.socket())) {
            System.err.println("portod is running but does not answer");
            return 1;
        }
        if (!configIsGood())
            return 1;
        Path exe = Path.of("/proc", Long.toString(pid), "exe");
        signal(pid, "USR2");
        long deadline = deadline(false);
        while (runsReplacedBinary(exe) && sleepUntil(deadline)) {
            // wait for the exec
        }
        if (masterPid() != pid) {
            System.err.println("the master did not survive its upgrade; see " + paths.log());
            return 1;
        }
        int rc = reload();
        if (rc == 0)
            version(paths);
        return rc;
    }

    private static boolean runsReplacedBinary(Path exe) {
        try {
            return Files.readSymbolicLink(exe).toString().endsWith(" (deleted)");
        } catch (IOException e) {
            return true; // mid-exec, or gone: look again
        }
    }

    /** SIGUSR1: the master reopens its log file and passes the signal to the daemon, which does too. */
    int reopenLog() throws IOException, InterruptedException {
        long pid = masterPid();
        if (pid <= 0) {
            System.err.println("portod is not running");
            return 1;
        }
        signal(pid, "USR1");
        return 0;
    }

    int status() {
        if (!Files.exists(paths.masterPidFile())) {
            System.out.println("stopped");
            return 1;
        }
        if (masterPid() > 0 && answers(paths.socket())) {
            System.out.println("running");
            return 0;
        }
        System.out.println("unknown");
        return 1;
    }

    /** This portod's version, and the running one's when it answers. */
    static int version(DaemonPaths paths) {
        String self = System.getenv().getOrDefault("PORTOD_COMMAND", ProcessHandle.current().info().command().orElse("java"));
        System.out.println("version: " + Release.TAG + " " + Release.REVISION + " " + self);
        try (var client = porto.client.PortoClient.connect(paths.socket())) {
            var v = client.version();
            String master = "";
            long pid = readPid(paths.masterPidFile());
            if (pid > 0)
                master = ProcessHandle.of(pid).flatMap(p -> p.info().command()).orElse("");
            System.out.println("running: " + v.tag() + " " + v.revision() + (master.isEmpty() ? "" : " " + master));
        } catch (RuntimeException e) {
            // not running: only our own version
        }
        return 0;
    }

    /**
     * Reads portod.conf before a daemon is started: a file it cannot use is refused here, with its
     * file and line, instead of a daemon starting with defaults the operator did not mean.
     */
    private boolean configIsGood() {
        try {
            config = DaemonConfig.load(System.getenv());
            return true;
        } catch (ConfigException e) {
            System.err.println("portod: invalid configuration: " + e.getMessage());
            return false;
        }
    }

    /** --timeout, else portod.conf's portod_stop_timeout or portod_start_timeout, else 300 s. */
    private long deadline(boolean stopping) {
        long seconds = options.timeoutSeconds() >= 0 ? options.timeoutSeconds()
                : config == null ? 300 : stopping ? config.stopTimeoutS() : config.startTimeoutS();
        return System.nanoTime() + seconds * 1_000_000_000L;
    }

    /** Sleeps a little; false once the deadline has passed. */
    private static boolean sleepUntil(long deadline) throws InterruptedException {
        if (System.nanoTime() >= deadline)
            return false;
        Thread.sleep(20);
        return true;
    }

    private static boolean isRoot() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    static void signal(long pid, String signal) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
    }

    /** The master's pid when it runs, else 0. */
    long masterPid() {
        long pid = readPid(paths.masterPidFile());
        return pid > 0 && alive(pid) ? pid : 0;
    }

    static long readPid(Path file) {
        try {
            return Long.parseLong(Files.readString(file).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** True when something accepts a version request on the socket. */
    static boolean answers(Path socket) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            var req = porto.rpc.Rpc.TContainerRequest.newBuilder().setVersion(porto.rpc.Rpc.TVersionRequest.getDefaultInstance()).build();
            var out = java.nio.channels.Channels.newOutputStream(ch);
            Framing.write(out, req.toByteArray());
            byte[] frame = Framing.read(java.nio.channels.Channels.newInputStream(ch), ClientSession.MAX_FRAME);
            return frame != null && porto.rpc.Rpc.TContainerResponse.parseFrom(frame).hasVersion();
        } catch (IOException e) {
            return false;
        }
    }
}

package porto.daemon;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import porto.domain.ContainerService;
import sun.misc.Signal;

/**
 * The portod command: start, stop, restart, reload, status and version for operators; "serve" is
 * the daemon itself, which portod-native master runs and restarts.
 */
public final class Portod {
    private Portod() {}

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "help" : args[0];
        DaemonPaths paths = DaemonPaths.fromEnvironment();
        int code = switch (command) {
            case "serve" -> serve(paths);
            case "start" -> start(paths);
            case "stop" -> stop(paths, "INT");
            case "shutdown" -> stop(paths, "TERM");
            case "restart" -> stop(paths, "INT") == 0 ? start(paths) : 1;
            case "reload" -> reload(paths);
            case "upgrade" -> upgrade(paths);
            case "status" -> status(paths);
            case "version", "-v", "--version" -> {
                System.out.println("portod " + Version.TAG + " " + Version.REVISION);
                yield 0;
            }
            default -> {
                System.err.println("usage: portod start|stop|restart|reload|upgrade|shutdown|status|version");
                System.err.println("  stop      stop the daemon and every container (containers are discarded)");
                System.err.println("  shutdown  stop the daemon only; containers keep running for the next start");
                System.err.println("  reload    restart the daemon in place; containers keep running");
                System.err.println("  upgrade   re-execute the master and the daemon from the installed binaries; containers keep running");
                yield command.equals("help") || command.equals("-h") || command.equals("--help") ? 0 : 2;
            }
        };
        System.exit(code);
    }

    /** The daemon: restore, take exits, serve until a signal. */
    static int serve(DaemonPaths paths) throws IOException {
        Log.info("portod " + Version.TAG + " starting, native helper " + paths.nativeBinary());
        long t0 = System.nanoTime();
        DaemonComponent component = DaggerDaemonComponent.factory().create(paths);
        ContainerService service = component.service();
        long wired = System.nanoTime();
        Files.createDirectories(Path.of(paths.placeRoot()));
        service.start();
        if (service.persistenceError() != null)
            Log.info(service.persistenceError());
        long jvmStart = ProcessHandle.current().info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
        Log.info("restored " + service.count() + " containers in " + (System.nanoTime() - wired) / 1_000_000 + " ms (wiring "
                + (wired - t0) / 1_000_000 + " ms, " + (System.currentTimeMillis() - jvmStart) + " ms since the JVM started)");
        // SIGTERM: leave containers running for the next daemon. SIGINT: a full stop that discards them.
        Signal.handle(new Signal("TERM"), s -> {
            Log.info("SIGTERM: exiting, containers keep running");
            if (System.getenv("PORTOD_AOT_TRAINING") != null)
                System.exit(0); // an orderly exit, so the JVM writes the AOT cache it recorded
            porto.linux.LinuxProcesses.exitNow(0);
        });
        Signal.handle(new Signal("INT"), s -> {
            Log.info("SIGINT: stopping every container");
            service.discardAll();
            porto.linux.LinuxProcesses.exitNow(0);
        });
        HeapTrimmer.start();
        component.server().serve(RpcServer.inheritedSocket());
        return 0;
    }

    static int start(DaemonPaths paths) throws IOException, InterruptedException {
        if (masterPid(paths) > 0) {
            System.err.println("portod is already running (master pid " + masterPid(paths) + ")");
            return 0;
        }
        Files.createDirectories(paths.log().getParent());
        List<String> cmd = new ArrayList<>(List.of(paths.nativeBinary().toString(), "master", "--daemonize",
                "--socket", paths.socket().toString(), "--socket-group", "porto",
                "--pidfile", paths.masterPidFile().toString(), "--daemon-pidfile", paths.daemonPidFile().toString(),
                "--log", paths.log().toString(), "--"));
        cmd.addAll(daemonCommand());
        Process master = new ProcessBuilder(cmd).inheritIO().start();
        int rc = master.waitFor();
        if (rc != 0)
            return rc;
        for (int i = 0; i < 300; i++) {
            if (answers(paths.socket()))
                return 0;
            Thread.sleep(20);
        }
        System.err.println("portod did not answer on " + paths.socket() + "; see " + paths.log());
        return 1;
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

    static int stop(DaemonPaths paths, String signal) throws IOException, InterruptedException {
        long pid = masterPid(paths);
        if (pid <= 0) {
            System.err.println("portod is not running");
            return 0;
        }
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
        for (int i = 0; i < 1500 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); i++)
            Thread.sleep(20);
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) ? 1 : 0;
    }

    static int reload(DaemonPaths paths) throws IOException, InterruptedException {
        long pid = masterPid(paths);
        if (pid <= 0) {
            System.err.println("portod is not running");
            return 1;
        }
        long old = readPid(paths.daemonPidFile());
        new ProcessBuilder("kill", "-HUP", Long.toString(pid)).inheritIO().start().waitFor();
        for (int i = 0; i < 1500; i++) {
            long now = readPid(paths.daemonPidFile());
            if (now > 0 && now != old && answers(paths.socket()))
                return 0;
            Thread.sleep(10);
        }
        return 1;
    }

    /** Re-executes the master in place (SIGUSR2), then reloads the daemon: both run the new code. */
    static int upgrade(DaemonPaths paths) throws IOException, InterruptedException {
        long pid = masterPid(paths);
        if (pid <= 0) {
            System.err.println("portod is not running");
            return 1;
        }
        Path exe = Path.of("/proc", Long.toString(pid), "exe");
        new ProcessBuilder("kill", "-USR2", Long.toString(pid)).inheritIO().start().waitFor();
        for (int i = 0; i < 500 && runsReplacedBinary(exe); i++)
            Thread.sleep(10);
        if (masterPid(paths) != pid) {
            System.err.println("the master did not survive its upgrade; see " + paths.log());
            return 1;
        }
        return reload(paths);
    }

    private static boolean runsReplacedBinary(Path exe) {
        try {
            return Files.readSymbolicLink(exe).toString().endsWith(" (deleted)");
        } catch (IOException e) {
            return true; // mid-exec, or gone: look again
        }
    }

    static int status(DaemonPaths paths) {
        if (masterPid(paths) > 0 && answers(paths.socket())) {
            System.out.println("running");
            return 0;
        }
        System.out.println("stopped");
        return 1;
    }

    /** The master's pid when it runs, else 0. */
    static long masterPid(DaemonPaths paths) {
        long pid = readPid(paths.masterPidFile());
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) ? pid : 0;
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
            Frames.write(out, req.toByteArray());
            byte[] frame = Frames.read(java.nio.channels.Channels.newInputStream(ch));
            return frame != null && porto.rpc.Rpc.TContainerResponse.parseFrom(frame).hasVersion();
        } catch (IOException e) {
            return false;
        }
    }
}

package porto.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import porto.daemon.config.ConfigException;
import porto.daemon.config.DaemonConfig;
import porto.domain.ContainerService;
import porto.protocol.Release;
import sun.misc.Signal;

/**
 * The portod command, with upstream's options, commands and exit codes (see {@link #usage}); "serve"
 * is the daemon itself, which portod-native master runs and runs again on reload.
 */
public final class Portod {
    /** The options before the command. {@code timeoutSeconds} is -1 when not given. */
    record Options(boolean stdlog, boolean verbose, boolean debug, boolean norespawn, boolean discard, long timeoutSeconds) {
        /** Seconds to wait for a start, stop or reload: --timeout, else upstream's default of 300. */
        long timeoutOr300() {
            return timeoutSeconds >= 0 ? timeoutSeconds : 300;
        }
    }

    private Portod() {}

    /**
     * Carriers for the clients' virtual threads. A request spends most of its time blocked in the
     * kernel (cgroup files, native calls, process spawns), which holds its carrier; with only as
     * many carriers as cores, reads queue behind starts (bench/lock-bench.sh: p99 of get during
     * 100 starts fell from 20-37 ms to 8-10 ms with 8). Read once, before the first virtual thread.
     */
    private static final String CARRIERS = "8";

    public static void main(String[] args) throws Exception {
        if (System.getProperty("jdk.virtualThreadScheduler.parallelism") == null)
            System.setProperty("jdk.virtualThreadScheduler.parallelism", CARRIERS);
        System.exit(run(args));
    }

    static int run(String[] args) throws Exception {
        boolean stdlog = false, verbose = false, debug = false, norespawn = false, discard = false;
        long timeout = -1;
        int i = 0;
        for (; i < args.length && args[i].startsWith("-"); i++) {
            switch (args[i]) {
                case "-v", "--version" -> {
                    return PortodControl.version(DaemonPaths.fromEnvironment());
                }
                case "-h", "--help" -> {
                    usage();
                    return 0;
                }
                case "--stdlog" -> stdlog = true;
                case "--verbose" -> verbose = true;
                case "--debug" -> verbose = debug = true;
                case "--norespawn" -> norespawn = true;
                case "--discard" -> discard = true;
                case "--timeout" -> {
                    try {
                        timeout = Long.parseLong(args[++i]);
                    } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
                        System.err.println("--timeout needs a number of seconds");
                        return 1;
                    }
                }
                default -> {
                    System.err.println("Unknown option: " + args[i]);
                    usage();
                    return 1;
                }
            }
        }
        Options options = new Options(stdlog, verbose, debug, norespawn, discard, timeout);
        String command = i < args.length ? args[i] : "";
        List<String> rest = Arrays.asList(args).subList(Math.min(i + 1, args.length), args.length);
        DaemonPaths paths = DaemonPaths.fromEnvironment();
        PortodControl control = new PortodControl(paths, options);
        return switch (command) {
            case "serve" -> serve(paths);
            case "", "daemon" -> control.foreground();
            case "status" -> control.status();
            case "start" -> control.start();
            case "stop" -> control.stop("INT");
            case "shutdown" -> control.stop("TERM");
            case "kill" -> control.kill();
            case "restart" -> {
                control.stop("INT");
                yield control.start();
            }
            case "reload" -> control.reload();
            case "upgrade" -> control.upgrade();
            case "reopenlog" -> control.reopenLog();
            case "dump" -> SystemCommands.dump(paths);
            case "get" -> SystemCommands.get(paths);
            case "set" -> SystemCommands.set(paths, rest);
            case "clearstat" -> SystemCommands.clearStatistics(paths, rest);
            case "freeze" -> SystemCommands.set(paths, List.of("frozen", "true"));
            case "unfreeze" -> SystemCommands.set(paths, List.of("frozen", "false"));
            case "core" -> porto.daemon.core.CoreDump.run(rest, paths.socket(), coreConfig().coreTimeoutS());
            case "help" -> {
                usage();
                yield 0;
            }
            case "version" -> PortodControl.version(paths);
            default -> {
                System.err.println("Unknown command: " + command);
                usage();
                yield 1;
            }
        };
    }

    static void usage() {
        System.out.print("""

                Usage: portod [options...] <command> [arguments...]

                Options:
                  -h | --help      show this help
                  -v | --version   show the version of this portod and of the running one
                  --stdlog         log to standard output instead of the log file
                  --norespawn      the master exits when the daemon does, instead of starting it again
                  --verbose        log every request
                  --debug          log every request, and more
                  --discard        the daemon started next discards the saved containers
                  --timeout N      wait at most N seconds for start, stop, reload (default 300)

                Commands:
                  status           say whether portod is running, stopped or unknown
                  daemon           run portod in the foreground (the default)
                  start            start portod in the background
                  stop             stop portod and every container
                  shutdown         stop portod only; containers keep running for the next start
                  kill             kill portod at once
                  restart          stop, then start
                  reload           run a new daemon in place; containers keep running
                  reopenlog        open the log file again (after it was rotated)
                  upgrade          re-execute the master and the daemon from the installed files
                  dump             show the saved state of every container
                  get              show the daemon's settings and statistics
                  set <key> <val>  change a daemon setting (frozen, verbose, debug)
                  clearstat [stat] reset one statistic, or all
                  freeze           refuse changes from everyone but root
                  unfreeze         accept changes again
                  core             receive a core dump from the kernel and hand it to core_command
                  help             show this help
                  version          show the version

                """);
    }

    /**
     * Shows the daemon as "portod" in ps, top and pgrep rather than "java" (the comm of the
     * process, which /proc/self/comm sets for the thread group's leader), and links "portod" and
     * "portod.version" beside the socket to what runs, as the manual's FILES section says.
     */
    private static void nameThisProcess(DaemonPaths paths) {
        try {
            Files.writeString(Path.of("/proc/self/comm"), "portod");
        } catch (IOException e) {
            Log.info("cannot name the daemon's process: " + e.getMessage());
        }
        Path dir = paths.socket().getParent();
        String command = System.getenv("PORTOD_COMMAND");
        Path binary = Path.of(command != null && !command.isEmpty() ? command
                : ProcessHandle.current().info().command().orElse("java"));
        try {
            // The file itself: a daemon started through this very link must not point it at itself,
            // or the master's next run of it (a reload) fails with ELOOP.
            binary = binary.toRealPath();
        } catch (IOException e) {
            // not there (a relative name): link what we were given
        }
        try {
            Path link = dir.resolve("portod"), fresh = dir.resolve("portod.new");
            Files.deleteIfExists(fresh);
            Files.createSymbolicLink(fresh, binary);
            Files.move(fresh, link, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Files.writeString(dir.resolve("portod.version"), Release.TAG + " " + Release.REVISION + "\n");
        } catch (IOException | UnsupportedOperationException e) {
            Log.info("cannot link " + dir.resolve("portod") + ": " + e.getMessage());
        }
    }

    /**
     * portod.conf for the daemon. "portod start" and "reload" refuse a bad file before a daemon
     * runs; one spoilt after that (or a master that respawns a daemon) is logged and upstream's
     * defaults are used, so the containers keep being served.
     */
    private static DaemonConfig readConfig() {
        try {
            DaemonConfig config = DaemonConfig.load(System.getenv());
            Log.info(config.files().isEmpty() ? "no configuration file: upstream's defaults"
                    : "configuration read from " + config.files());
            if (config.debug())
                Log.setDebug(true);
            if (config.verbose())
                Log.setVerbose(true);
            return config;
        } catch (ConfigException e) {
            Log.error("invalid configuration, using the defaults: " + e.getMessage(), null);
            return DaemonConfig.defaults();
        }
    }

    /** portod.conf for "portod core": its timeout and default pattern, upstream's defaults when it is bad. */
    private static DaemonConfig coreConfig() {
        try {
            return DaemonConfig.load(System.getenv());
        } catch (ConfigException e) {
            return DaemonConfig.defaults();
        }
    }

    /**
     * core { enable: true }: the kernel's core_pattern runs "portod core" for this daemon until it
     * stops (the SIGINT handler here, or the portod command that stopped the master, puts the old one back).
     */
    private static void registerCorePattern(DaemonPaths paths, DaemonConfig config) {
        if (!config.coreEnabled()) {
            unregisterCorePattern(paths); // turned off before a reload: the previous daemon's pattern goes
            return;
        }
        List<String> portod = new java.util.ArrayList<>(PortodControl.daemonCommand());
        portod.removeLast(); // "serve"
        try {
            new porto.daemon.core.CorePattern(paths.socket().getParent()).register(portod, System.getenv(),
                    System.getenv("PORTOD_STDLOG") == null ? paths.log() : null, config.coreDefaultPattern());
            Log.info("core dumps: kernel.core_pattern runs portod core");
        } catch (IOException e) {
            Log.error("cannot set kernel.core_pattern: core dumps are not handed to containers", e);
        }
    }

    /** Puts back the core_pattern found before this portod set its own (when it did). */
    static void unregisterCorePattern(DaemonPaths paths) {
        try {
            if (new porto.daemon.core.CorePattern(paths.socket().getParent()).unregister())
                Log.info("kernel.core_pattern restored");
        } catch (IOException e) {
            Log.error("cannot restore kernel.core_pattern", e);
        }
    }

    /** The daemon: restore, take exits, serve until a signal. */
    static int serve(DaemonPaths paths) throws IOException {
        Log.info("portod " + Release.TAG + " starting, native helper " + paths.nativeBinary());
        nameThisProcess(paths);
        long t0 = System.nanoTime();
        DaemonConfig config = readConfig();
        porto.linux.StoreMount.mount(paths.stateDir(), Log::info);
        porto.linux.StoreMount.mount(paths.volumeStateDir(), Log::info);
        DaemonComponent component = DaggerDaemonComponent.factory().create(paths, config);
        ContainerService service = component.service();
        component.stats().countStart(paths.startsFile());
        long wired = System.nanoTime();
        Files.createDirectories(Path.of(paths.placeRoot()));
        service.start();
        component.volumeRequests(); // volumes learn of containers before they are restored
        component.layers(); // and layers hear of the volumes a restore tears down (weak layers go)
        component.volumes().restore(Log::info);
        if (service.persistenceError() != null)
            Log.info(service.persistenceError());
        long jvmStart = ProcessHandle.current().info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
        Log.info("restored " + service.count() + " containers in " + (System.nanoTime() - wired) / 1_000_000 + " ms (wiring "
                + (wired - t0) / 1_000_000 + " ms, " + (System.currentTimeMillis() - jvmStart) + " ms since the JVM started)");
        if (Files.deleteIfExists(paths.discardMarker())) {
            Log.info("--discard: stopping and destroying every restored container");
            service.discardAll();
        }
        registerCorePattern(paths, config);
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
            unregisterCorePattern(paths);
            porto.linux.StoreMount.unmountIfEmpty(paths.stateDir(), Log::info);
            porto.linux.StoreMount.unmountIfEmpty(paths.volumeStateDir(), Log::info);
            porto.linux.LinuxProcesses.exitNow(0);
        });
        // The master reopens its log on SIGUSR1 and passes the signal on; our lines follow it.
        Signal.handle(new Signal("USR1"), s -> {
            if (System.getenv("PORTOD_STDLOG") == null)
                Log.reopen(paths.log());
        });
        HeapTrimmer.start();
        component.server().serve(RpcServer.inheritedSocket());
        return 0;
    }
}

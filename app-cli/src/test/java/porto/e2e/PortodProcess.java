package porto.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import porto.client.PortoClient;

/**
 * A real portod for one test class: portod-native master running the daemon from this build's
 * classes, with its own socket, state directory, cgroup root and place, so it never meets an
 * installed portod. Closing it stops the daemon the way "portod stop" does and removes what it made.
 */
final class PortodProcess implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    static final List<String> JVM_OPTIONS = List.of("--sun-misc-unsafe-memory-access=allow",
            "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
            "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto");

    final String id;
    final Path socket;
    final Path runDir;
    final Path log;
    final String cgroupRoot;
    final Path place;
    /** The default place of volumes, layers and storage (PORTO_VOLUME_PLACE). */
    final Path volumePlace;
    private final Map<String, String> env = new HashMap<>();
    private Process master;

    private PortodProcess() {
        id = "t" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
        runDir = Path.of("/run/porto-test-" + id);
        socket = runDir.resolve("portod.socket");
        log = runDir.resolve("portod.log");
        cgroupRoot = "porto-test-" + id;
        place = Path.of("/place/porto-test-" + id);
        volumePlace = Path.of("/place/porto-test-" + id + "-volumes");
        env.put("PORTO_SOCKET", socket.toString());
        env.put("PORTO_STATE_DIR", runDir.resolve("kvs").toString());
        env.put("PORTO_CGROUP_ROOT", cgroupRoot);
        env.put("PORTO_PLACE", place.toString());
        env.put("PORTO_VOLUME_PLACE", volumePlace.toString());
        env.put("PORTO_NATIVE", nativeBinary().toString());
        env.put("PORTO_LOG", log.toString());
        env.put("PORTO_MASTER_PIDFILE", runDir.resolve("portoloop.pid").toString());
        env.put("PORTO_PIDFILE", runDir.resolve("portod.pid").toString());
        // Its own portod.conf (absent unless a test writes it), never the host's /etc/portod.conf.
        env.put("PORTO_CONFIG", runDir.resolve("portod.conf").toString());
    }

    static Path nativeBinary() {
        return Path.of(System.getProperty("porto.native", "../adapters-linux/target/native/portod-native")).toAbsolutePath().normalize();
    }

    /** Starts a daemon; fails the test when not root (containers need root), see {@link Prerequisites}. */
    static PortodProcess start() throws Exception {
        return start(Map.of());
    }

    /** Starts a daemon with more environment (PORTO_CGROUP_VERSION=2, ...). */
    static PortodProcess start(Map<String, String> extraEnv) throws Exception {
        return start(extraEnv, List.of());
    }

    /** Starts a daemon whose master runs under {@code prefix} (a command that ends by running its arguments). */
    static PortodProcess start(Map<String, String> extraEnv, List<String> prefix) throws Exception {
        Prerequisites.check();
        PortodProcess p = new PortodProcess();
        p.env.putAll(extraEnv);
        p.launch(prefix);
        return p;
    }

    /**
     * The paths and environment of a daemon that is not started: for tests that start it through
     * the portod command ({@link #portodCommand}). Closing it stops whatever master its pid file names.
     */
    static PortodProcess unstarted() throws Exception {
        Prerequisites.check();
        PortodProcess p = new PortodProcess();
        Files.createDirectories(p.runDir);
        return p;
    }

    /** Runs this build's portod command (porto.daemon.Portod) with this daemon's environment. */
    Run portodCommand(String... args) throws Exception {
        return runJava("porto.daemon.Portod", args);
    }

    private void launch(List<String> prefix) throws Exception {
        Files.createDirectories(runDir);
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(nativeBinary().toString(), "master",
                "--socket", socket.toString(),
                "--pidfile", env.get("PORTO_MASTER_PIDFILE"), "--daemon-pidfile", env.get("PORTO_PIDFILE"),
                "--log", log.toString(), "--"));
        cmd.addAll(java("porto.daemon.Portod", "serve"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        master = pb.start();
        waitUntilServing();
    }

    void waitUntilServing() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (Files.exists(socket)) {
                try (PortoClient c = client()) {
                    c.version();
                    return;
                } catch (RuntimeException e) {
                    // not yet
                }
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("portod did not start; log:\n" + logText());
    }

    /** Waits until the master runs a daemon other than {@code old} (a reload or a replacement) and it serves. */
    void awaitNewDaemon(long old, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (daemonPid() != old) {
                    waitUntilServing();
                    return;
                }
            } catch (IOException | NumberFormatException e) {
                // the pid file is being replaced
            }
            Thread.sleep(20);
        }
        throw new AssertionError("daemon " + old + " was not replaced; log:\n" + logText());
    }

    static List<String> java(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(JVM_OPTIONS);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * Writes {@code dir/portoctl}, a shell script that runs this build's portoctl, for containers
     * and shells that need a client of their own (give it PORTO_SOCKET).
     */
    static Path portoctlScript(Path dir) throws IOException {
        Path script = dir.resolve("portoctl");
        StringBuilder text = new StringBuilder("#!/bin/sh\nexec");
        for (String word : java("porto.cli.Portoctl"))
            text.append(" '").append(word.replace("'", "'\\''")).append('\'');
        Files.writeString(script, text.append(" \"$@\"\n").toString());
        Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    PortoClient client() {
        return PortoClient.connect(socket);
    }

    Map<String, String> env() {
        return env;
    }

    long masterPid() {
        return master.pid();
    }

    long daemonPid() throws IOException {
        return Long.parseLong(Files.readString(Path.of(env.get("PORTO_PIDFILE"))).trim());
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The result of one portoctl run. */
    record Run(int code, String out, String err) {
        String line() {
            return out.endsWith("\n") ? out.substring(0, out.length() - 1) : out;
        }
    }

    /** Runs portoctl from this build against this daemon, as a separate process. */
    Run portoctl(String... args) throws Exception {
        return runJava("porto.cli.Portoctl", args);
    }

    private Run runJava(String mainClass, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(java(mainClass, args));
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Path out = Files.createTempFile("portoctl", ".out");
        Path err = Files.createTempFile("portoctl", ".err");
        try {
            // Append mode, as a terminal or a pipe behaves: the container and portoctl both write here.
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile())).redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()));
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(mainClass + " " + String.join(" ", args) + " hangs");
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Sends a signal to a process by pid. */
    static void signal(long pid, String signal) throws Exception {
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
    }

    /** Waits until the container reaches {@code state}. */
    void awaitState(String name, String state, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (PortoClient c = client()) {
            while (System.nanoTime() < deadline) {
                if (state.equals(c.getProperty(name, "state")))
                    return;
                Thread.sleep(10);
            }
            throw new AssertionError(name + " did not become " + state + ", it is " + c.getProperty(name, "state"));
        }
    }

    @Override
    public void close() throws Exception {
        if (master == null) { // started by the portod command, if at all
            long pid = 0;
            try {
                pid = Long.parseLong(Files.readString(Path.of(env.get("PORTO_MASTER_PIDFILE"))).trim());
            } catch (IOException | NumberFormatException e) {
                // not running
            }
            ProcessHandle h = pid > 0 ? ProcessHandle.of(pid).orElse(null) : null;
            if (h != null) {
                signal(pid, "INT");
                try {
                    h.onExit().get(60, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    signal(pid, "KILL");
                }
            }
        }
        if (master != null && master.isAlive()) {
            signal(master.pid(), "INT");
            if (!master.waitFor(60, TimeUnit.SECONDS)) {
                master.destroyForcibly();
                master.waitFor();
            }
        }
        removeCgroupRoot();
        HostMounts.release(volumePlace); // volumes outlive the daemon: never delete through a mount
        deleteTree(place);
        deleteTree(volumePlace);
        HostMounts.release(runDir); // the stores' tmpfs, kept by a daemon that was not fully stopped
        deleteTree(runDir);
    }

    private void removeCgroupRoot() throws IOException {
        try (var hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : hierarchies.toList()) {
                Path root = h.resolve(cgroupRoot);
                if (Files.isDirectory(root)) {
                    try (var walk = Files.walk(root)) {
                        for (Path d : walk.filter(Files::isDirectory).sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList())
                            Files.deleteIfExists(d);
                    }
                }
            }
        }
    }

    /** True when no cgroup of this daemon remains below its root in any hierarchy. */
    boolean cgroupsEmpty() throws IOException {
        try (var hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : hierarchies.toList()) {
                Path root = h.resolve(cgroupRoot);
                if (!Files.isDirectory(root))
                    continue;
                try (var children = Files.list(root)) {
                    if (children.anyMatch(Files::isDirectory))
                        return false;
                }
            }
        }
        return true;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir))
            return;
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList())
                Files.deleteIfExists(p);
        }
    }
}

package porto.daemon.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/**
 * The kernel's {@code core_pattern} while portod.conf enables core dumps ({@code core { enable: true }}):
 * the kernel pipes every core dump to "portod core" with upstream's arguments, which hands it to the
 * crashed container's core_command. The pattern is the whole host's: the one found is saved beside
 * the socket and put back when the daemon stops; a daemon that finds its own pattern (a reload, a
 * respawn) keeps the saved one.
 *
 * <p>The kernel runs the helper as root with an almost empty environment and no standard output,
 * so the pattern names a small script written here that gives "portod core" this daemon's socket,
 * configuration and log, and runs the same portod as the daemon.
 */
public final class CorePattern {
    static final Path PATTERN = Path.of("/proc/sys/kernel/core_pattern");
    static final Path PIPE_LIMIT = Path.of("/proc/sys/kernel/core_pipe_limit");
    /** Upstream's arguments: global pid and tid, pid and tid in the task's namespace, signal, dumpable, RLIMIT_CORE, uid, gid. */
    static final String ARGUMENTS = "core %P %I %p %i %s %d %c %u %g";
    /** The kernel keeps at most 127 bytes of a pattern. */
    private static final int MAX_PATTERN = 127;
    /** What the helper needs of the daemon's environment. */
    private static final List<String> PASSED_ON = List.of("PORTO_SOCKET", "PORTO_CONFIG", "PORTO_LOG", "PORTO_STATE_DIR",
            "PORTO_PIDFILE", "PORTO_MASTER_PIDFILE", "PORTOD_COMMAND");

    private final Path helper;
    private final Path saved;

    /** {@code runDir}: the socket's directory. */
    public CorePattern(Path runDir) {
        this.helper = runDir.resolve("portod-core");
        this.saved = runDir.resolve("portod-core.saved");
    }

    /** The pattern this daemon sets; {@code defaultPattern} (core.default_pattern) rides along as upstream's does. */
    String pattern(String defaultPattern) {
        String p = "|" + helper + " " + ARGUMENTS;
        if (!defaultPattern.isEmpty())
            p += " " + defaultPattern.replace(" ", "__SPACE__");
        return p;
    }

    boolean isOurs(String pattern) {
        return pattern.startsWith("|" + helper + " ");
    }

    /**
     * Points core_pattern at "portod core": {@code portod} is the command that runs this portod (the
     * installed script, or java with this build's class path), {@code log} where the helper writes
     * (null: nowhere).
     */
    public void register(List<String> portod, Map<String, String> env, Path log, String defaultPattern) throws IOException {
        String pattern = pattern(defaultPattern);
        if (pattern.length() > MAX_PATTERN)
            throw new IOException("the core pattern " + pattern + " is longer than the kernel's " + MAX_PATTERN + " bytes");
        String current = read(PATTERN);
        if (!isOurs(current) || !Files.exists(saved))
            Files.writeString(saved, (isOurs(current) ? "core" : current) + "\n" + read(PIPE_LIMIT) + "\n");
        writeHelper(portod, env, log);
        // As upstream: the kernel then waits for the helper, so the crashed task (and its container) is
        // still there while its core is handed on.
        if (read(PIPE_LIMIT).equals("0"))
            Files.writeString(PIPE_LIMIT, "1024\n");
        Files.writeString(PATTERN, pattern + "\n");
    }

    /** Puts back the pattern found before, when the pattern is still this daemon's; true when it did. */
    public boolean unregister() throws IOException {
        boolean restored = false;
        if (isOurs(read(PATTERN))) {
            List<String> before = Files.exists(saved) ? Files.readAllLines(saved) : List.of();
            Files.writeString(PATTERN, (before.isEmpty() ? "core" : before.get(0)) + "\n");
            if (before.size() > 1 && !before.get(1).isBlank())
                Files.writeString(PIPE_LIMIT, before.get(1) + "\n");
            restored = true;
        }
        Files.deleteIfExists(saved);
        Files.deleteIfExists(helper);
        return restored;
    }

    private void writeHelper(List<String> portod, Map<String, String> env, Path log) throws IOException {
        StringBuilder text = new StringBuilder("#!/bin/sh\n# Written by portod for kernel.core_pattern: \"portod core\" for this daemon.\n");
        text.append("exec >>").append(quote(log == null ? "/dev/null" : log.toString())).append(" 2>&1\n");
        for (String name : PASSED_ON)
            if (env.get(name) != null)
                text.append("export ").append(name).append('=').append(quote(env.get(name))).append('\n');
        text.append("exec");
        for (String word : portod)
            text.append(' ').append(quote(word));
        text.append(" \"$@\"\n");
        Path fresh = helper.resolveSibling(helper.getFileName() + ".new");
        Files.writeString(fresh, text);
        Files.setPosixFilePermissions(fresh, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.move(fresh, helper, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    static String read(Path file) throws IOException {
        return Files.readString(file).strip();
    }
}

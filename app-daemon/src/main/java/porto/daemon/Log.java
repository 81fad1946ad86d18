package porto.daemon;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The daemon's log: standard error, which the master points at /var/log/portod.log. On SIGUSR1
 * ("portod reopenlog", after a rotation) it is opened again by path. It counts its lines, bytes and
 * errors for GetSystem; verbose and debug are upstream's two levels (portod --verbose/--debug, or
 * "portod set verbose true").
 */
public final class Log {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicLong LINES = new AtomicLong();
    private static final AtomicLong BYTES = new AtomicLong();
    private static final AtomicLong ERRORS = new AtomicLong();
    private static volatile PrintStream out = System.err;
    private static volatile boolean verbose = "1".equals(System.getenv("PORTOD_VERBOSE"));
    private static volatile boolean debug = "1".equals(System.getenv("PORTOD_DEBUG"));

    private Log() {}

    public static void info(String message) {
        String line = LocalDateTime.now().format(TIME) + " portod[" + PID + "]: " + message;
        LINES.incrementAndGet();
        BYTES.addAndGet(line.getBytes(StandardCharsets.UTF_8).length + 1L);
        out.println(line);
    }

    public static void error(String message, Throwable t) {
        ERRORS.incrementAndGet();
        info("ERROR " + message + (t == null ? "" : ": " + t));
    }

    /** Only in verbose mode: every changing request, and every read one too. */
    public static void verbose(String message) {
        if (verbose)
            info(message);
    }

    static boolean isVerbose() {
        return verbose;
    }

    static boolean isDebug() {
        return debug;
    }

    /** As upstream: debug implies verbose, and turning verbose off turns debug off. */
    static void setVerbose(boolean on) {
        verbose = on;
        debug &= on;
    }

    static void setDebug(boolean on) {
        debug = on;
        verbose |= on;
    }

    static long lines() {
        return LINES.get();
    }

    static long bytes() {
        return BYTES.get();
    }

    static long errors() {
        return ERRORS.get();
    }

    static void clearErrors() {
        ERRORS.set(0);
    }

    /** Opens the log file again by path (after logrotate moved it); later lines go there. */
    static void reopen(Path file) {
        try {
            PrintStream fresh = new PrintStream(new FileOutputStream(file.toFile(), true), true, StandardCharsets.UTF_8);
            PrintStream old = out;
            out = fresh;
            System.setErr(fresh);
            if (old != System.out && old != fresh)
                old.flush();
            info("log reopened: " + file);
        } catch (IOException e) {
            error("cannot reopen the log " + file, e);
        }
    }
}

package porto.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * A line on the terminal that shows how far a long import or export has come while portoctl waits
 * for the answer: drawn at once and then twice a second on standard error, erased at the end, and only when
 * standard error is a terminal. An import shows how much of the archive the daemon has read (from
 * its descriptor's position in /proc, readable by root), otherwise only the time; an export shows
 * how large the archive has grown.
 */
final class Progress implements AutoCloseable {
    private static final long PERIOD_MS = 500;

    private final Thread thread;
    private volatile boolean done;

    private Progress(String what, LongSupplier bytes, long total) {
        long started = System.nanoTime();
        thread = Thread.ofPlatform().daemon().name("portoctl-progress").start(() -> {
            try {
                while (!done) {
                    draw(line(what, bytes.getAsLong(), total, (System.nanoTime() - started) / 1_000_000_000L));
                    Thread.sleep(PERIOD_MS);
                }
            } catch (InterruptedException e) {
                // the request ended
            }
        });
    }

    /** Shows progress if standard error is a terminal; else does nothing. */
    static Progress start(String what, LongSupplier bytes, long total) {
        return onTerminal() ? new Progress(what, bytes, total) : null;
    }

    static String line(String what, long bytes, long total, long seconds) {
        StringBuilder s = new StringBuilder(what).append(": ");
        if (bytes >= 0 && total > 0)
            s.append(Math.min(100, bytes * 100 / total)).append("% ").append(Format.size(bytes)).append(" of ").append(Format.size(total));
        else if (bytes >= 0)
            s.append(Format.size(bytes));
        else if (total > 0)
            s.append(Format.size(total));
        return s.append(", ").append(seconds).append(" s").toString();
    }

    private static boolean onTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static void draw(String text) {
        System.err.print("\r\033[K" + text);
        System.err.flush();
    }

    @Override
    public void close() {
        done = true;
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        draw("");
    }

    /** How far the daemon has read {@code archive}: the largest position among its descriptors of it; -1 when not visible. */
    static LongSupplier readBy(String archive) {
        String pidFile = System.getenv().getOrDefault("PORTO_PIDFILE", "/run/portod.pid");
        return () -> {
            try {
                String pid = Files.readString(Path.of(pidFile)).trim();
                long best = -1;
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", pid, "fd"))) {
                    for (Path fd : fds) {
                        if (!archive.equals(Files.readSymbolicLink(fd).toString()))
                            continue;
                        for (String l : Files.readAllLines(Path.of("/proc", pid, "fdinfo", fd.getFileName().toString()), StandardCharsets.UTF_8))
                            if (l.startsWith("pos:"))
                                best = Math.max(best, Long.parseLong(l.substring(4).trim()));
                    }
                }
                return best;
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        };
    }

    /** The size of a file being written; -1 before it exists. */
    static LongSupplier sizeOf(String path) {
        return () -> {
            try {
                return Files.size(Path.of(path));
            } catch (IOException e) {
                return -1;
            }
        };
    }

    static long size(String path) {
        try {
            return Files.isRegularFile(Path.of(path)) ? Files.size(Path.of(path)) : -1;
        } catch (IOException e) {
            return -1;
        }
    }
}

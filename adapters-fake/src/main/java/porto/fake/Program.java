package porto.fake;

import static porto.ports.Signals.*;

import java.util.Map;

/**
 * How a simulated program behaves: which signals it handles and how, and whether it exits by itself.
 *
 * @param handlers    signal -> exit code of the handler (it exits with that code), or {@link #IGNORE}
 *                    (the handler runs and the program goes on)
 * @param exitAfterMs the program exits by itself this long after it starts; negative: runs forever
 * @param exitCode    the code it exits with then
 * @param threads     how many threads it runs
 */
public record Program(Map<Integer, Integer> handlers, long exitAfterMs, int exitCode, int threads) {
    public static final int IGNORE = -1;

    public Program {
        handlers = Map.copyOf(handlers);
        if (threads < 1)
            throw new IllegalArgumentException("a process has at least one thread");
    }

    /** Runs until killed; a SIGTERM handler exits 0 (a well-behaved service). */
    public static Program forever() {
        return new Program(Map.of(SIGTERM, 0), -1, 0, 1);
    }

    /** Runs until killed and handles no signal: as pid 1 of a namespace it ignores SIGTERM. */
    public static Program deaf() {
        return new Program(Map.of(), -1, 0, 1);
    }

    /** Catches SIGTERM and carries on: only SIGKILL stops it. */
    public static Program stubborn() {
        return new Program(Map.of(SIGTERM, IGNORE), -1, 0, 1);
    }

    /** Exits with {@code code} after {@code millis}; SIGTERM makes it exit 0 earlier. */
    public static Program exitsAfter(long millis, int code) {
        return new Program(Map.of(SIGTERM, 0), millis, code, 1);
    }

    public Program withThreads(int n) {
        return new Program(handlers, exitAfterMs, exitCode, n);
    }
}

package porto.daemon;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Gives heap back after a burst. The serial collector returns memory to the system only at a full
 * collection, which a daemon that mostly waits never makes: after a thousand clients at once the
 * heap stayed as large as they made it (measured: resident 73 MB grew to 93 MB over four bursts of
 * 450 connections and stayed there; full collections brought it back to 73 MB, and the class
 * histogram showed no object kept). So, every {@code PORTO_HEAP_TRIM_SECONDS} (30), a heap whose
 * committed size is more than 8 MB above where it started is collected until it shrinks no more
 * (the collector shrinks the old generation in damped steps): a few milliseconds for the daemon's
 * small live set. When that frees nothing the live set itself grew, and the next tries come ever
 * more rarely (up to every 64 periods).
 */
final class HeapTrimmer {
    private static final long GROWTH = 8L << 20;
    private static final int MAX_BACKOFF = 64;

    private HeapTrimmer() {}

    static void start() {
        long period = Long.parseLong(System.getenv().getOrDefault("PORTO_HEAP_TRIM_SECONDS", "30")) * 1000;
        if (period <= 0)
            return;
        // A virtual thread: it sleeps nearly always, and a platform thread's stack would stay resident.
        Thread.ofVirtual().name("porto-heap-trim").start(() -> trimEvery(period));
    }

    private static long committed(MemoryMXBean memory) {
        return memory.getHeapMemoryUsage().getCommitted();
    }

    private static void trimEvery(long periodMs) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long floor = committed(memory);
        int backoff = 1;
        int wait = 1;
        while (true) {
            try {
                Thread.sleep(periodMs);
            } catch (InterruptedException e) {
                return;
            }
            long before = committed(memory);
            if (before - floor <= GROWTH || --wait > 0)
                continue;
            long after = before;
            for (int i = 0; i < 4; i++) {
                System.gc();
                long now = committed(memory);
                if (now >= after && i > 0)
                    break;
                after = now;
            }
            Log.info("heap trimmed from " + (before >> 20) + " to " + (after >> 20) + " MB committed");
            backoff = after - floor > GROWTH ? Math.min(MAX_BACKOFF, backoff * 2) : 1;
            wait = backoff;
        }
    }
}

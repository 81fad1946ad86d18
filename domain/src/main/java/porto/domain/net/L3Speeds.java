package porto.domain.net;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import porto.ports.Clock;
import porto.ports.KernelException;
import porto.ports.net.Network;

/**
 * The speeds of L3 and NAT containers, as upstream measures them: the byte counters of each
 * container's host-side device ("L3-<id>") are sampled every {@link #PERIOD_MS}, each interval's
 * rate updates the maximum (bytes/s) and a histogram of MB/s since the device appeared. What the
 * host's end sends the container receives, so the host side's tx is the container's rx. An
 * interval longer than {@link #LOST_MS} (the sampler was late) is not counted, only noted as lost.
 * Sampling runs while such devices exist; {@link #watch} starts it.
 */
public final class L3Speeds {
    /** upstream's l3stat_watchdog_ms and l3stat_watchdog_lost_ms defaults */
    public static final long PERIOD_MS = 25, LOST_MS = 50;
    /** upstream's histogram buckets, MB/s: a speed counts in the last bucket not above it */
    static final int[] BUCKETS = {0, 10, 13, 16, 19, 22, 25, 28, 31, 35, 39, 43, 47, 51, 56, 61, 67, 73, 80, 88, 96, 105,
            110, 120, 130, 140, 150, 165, 180, 200, 220, 240, 265, 290, 320, 350, 385, 450, 500, 600, 700, 800, 900, 1000,
            1500, 2000, 3000, 4000, 5000};
    private static final double MB = 1024 * 1024;

    /** What a container's device has done since it appeared: maxima in bytes/s, histograms as "bucket:count;...". */
    public record Speed(long rxMax, long txMax, String rxHistogram, String txHistogram) {
        public static final Speed NONE = new Speed(0, 0, format(new long[BUCKETS.length]), format(new long[BUCKETS.length]));
    }

    private static final class Device {
        final int index;
        long sampledAtMs, hostRx, hostTx, rxMax, txMax;
        boolean primed;
        final long[] rx = new long[BUCKETS.length], tx = new long[BUCKETS.length];

        Device(int index) {
            this.index = index;
        }
    }

    private final Network net;
    private final Clock clock;
    private final Map<String, Device> devices = new HashMap<>();
    private boolean running;
    private long lost;

    public L3Speeds(Network net, Clock clock) {
        this.net = net;
        this.clock = clock;
    }

    /** Samples from now on, if not already (an L3 device was made, or someone asks for speeds). */
    public synchronized void watch() {
        if (running || net == null || clock == null)
            return;
        running = true;
        clock.schedule(PERIOD_MS, this::sample);
    }

    /** The speeds of the container's host device, or {@link Speed#NONE} before its first intervals. */
    public synchronized Speed of(long containerId) {
        Device d = devices.get(NetworkSetup.hostDevice(containerId));
        return d == null ? Speed.NONE : new Speed(d.rxMax, d.txMax, format(d.rx), format(d.tx));
    }

    /** Intervals not counted because sampling came too late (upstream's "l3stat_lost"). */
    public synchronized long lost() {
        return lost;
    }

    /** Consecutive samples that failed; past {@link #MAX_FAILURES} sampling stops until {@link #watch}. */
    private int failures;
    static final int MAX_FAILURES = 40;

    /** One sample, then the next one scheduled, whatever went wrong, unless no device is left or it keeps failing. */
    void sample() {
        boolean again = false;
        try {
            again = sampleOnce();
        } catch (RuntimeException e) {
            again = true; // counted below as a failure
            synchronized (this) {
                failures++;
            }
        } finally {
            synchronized (this) {
                if (again && failures < MAX_FAILURES) {
                    clock.schedule(PERIOD_MS, this::sample);
                } else {
                    running = false;
                    failures = 0;
                }
            }
        }
    }

    /** False when no L3 device is left to sample. */
    private boolean sampleOnce() {
        java.util.List<Network.Link> links;
        try {
            links = net.links(null);
        } catch (KernelException e) {
            synchronized (this) {
                failures++; // the host's links could not be listed: keep the devices and try again
            }
            return true;
        }
        long now = clock.nanoTime() / 1_000_000;
        synchronized (this) {
            failures = 0;
            Set<String> seen = new HashSet<>();
            for (Network.Link link : links)
                if (link.name().startsWith("L3-")) {
                    seen.add(link.name());
                    Device d = devices.get(link.name());
                    if (d == null || d.index != link.index()) { // new, or made again by a restart
                        d = new Device(link.index());
                        devices.put(link.name(), d);
                    }
                    update(d, link.stats(), now);
                }
            devices.keySet().retainAll(seen);
            return !devices.isEmpty();
        }
    }

    private void update(Device d, Network.Stats st, long now) {
        long interval = now - d.sampledAtMs;
        if (d.primed && interval > LOST_MS) {
            lost++;
        } else if (d.primed && interval > 0) {
            long rxSpeed = (long) (Math.max(0, st.txBytes() - d.hostTx) * 1000.0 / interval);
            long txSpeed = (long) (Math.max(0, st.rxBytes() - d.hostRx) * 1000.0 / interval);
            d.rxMax = Math.max(d.rxMax, rxSpeed);
            d.txMax = Math.max(d.txMax, txSpeed);
            d.rx[bucket(rxSpeed / MB)]++;
            d.tx[bucket(txSpeed / MB)]++;
        } else if (d.primed) {
            return; // no time passed: wait for the next sample
        }
        d.primed = true;
        d.sampledAtMs = now;
        d.hostRx = st.rxBytes();
        d.hostTx = st.txBytes();
    }

    static int bucket(double megabytesPerSecond) {
        int b = 0;
        while (b + 1 < BUCKETS.length && BUCKETS[b + 1] <= megabytesPerSecond)
            b++;
        return b;
    }

    static String format(long[] counts) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < BUCKETS.length; i++)
            out.append(i == 0 ? "" : ";").append(BUCKETS[i]).append(':').append(counts[i]);
        return out.toString();
    }
}

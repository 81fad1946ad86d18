import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import porto.client.PortoClient;

/**
 * Latency of reads while containers start: 20 clients each read one container's state every 2 ms
 * while 4 other clients start 100 containers. With one lock held across every launch a read
 * waits for a whole launch; with locking that matches the tree it does not.
 * Run with bench/lock-bench.sh (it starts a private portod), or against any socket:
 * java -cp '<portod class path>' bench/LockBench.java SOCKET [STARTERS]
 */
public class LockBench {
    static final int READERS = 20;
    static int STARTERS = 4;
    static final int CONTAINERS = 100;
    static final long PACE_NANOS = 2_000_000;

    public static void main(String[] args) throws Exception {
        Path socket = Path.of(args.length > 0 ? args[0] : "/run/portod.socket");
        if (args.length > 1)
            STARTERS = Integer.parseInt(args[1]);
        try (PortoClient admin = PortoClient.connect(socket)) {
            for (String n : admin.list("lockbench-***"))
                admin.destroy(n);
            admin.create("lockbench-probe");
            for (int i = 0; i < CONTAINERS; i++) {
                admin.create("lockbench-" + i);
                admin.setProperty("lockbench-" + i, "command", "sleep 1000");
            }
            // Warm up the daemon's paths: starts, stops and reads.
            for (int i = 0; i < 10; i++) {
                admin.start("lockbench-0");
                admin.getProperty("lockbench-probe", "state");
                admin.stop("lockbench-0");
            }

            AtomicBoolean starting = new AtomicBoolean(true);
            // Readers first read for a second with nothing starting: the floor this machine and
            // these 20 clients set, which no locking can go under.
            AtomicBoolean quiet = new AtomicBoolean(true);
            List<long[]> perReader = new ArrayList<>();
            List<long[]> perReaderQuiet = new ArrayList<>();
            CountDownLatch ready = new CountDownLatch(READERS);
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                long[][] out = new long[1][];
                Thread t = Thread.ofPlatform().start(() -> {
                    long[] samples = new long[1 << 20];
                    long[] quietSamples = new long[1 << 20];
                    int n = 0, q = 0;
                    try (PortoClient c = PortoClient.connect(socket)) {
                        c.getProperty("lockbench-probe", "state");
                        ready.countDown();
                        while (starting.get() && n < samples.length && q < quietSamples.length) {
                            boolean before = quiet.get();
                            long t0 = System.nanoTime();
                            c.getProperty("lockbench-probe", "state");
                            long took = System.nanoTime() - t0;
                            if (before && quiet.get())
                                quietSamples[q++] = took;
                            else if (!before)
                                samples[n++] = took;
                            // A steady rate per client, so both daemons are sampled alike
                            // however fast they answer.
                            LockSupport.parkNanos(PACE_NANOS);
                        }
                    }
                    out[0] = Arrays.copyOf(samples, n);
                    synchronized (perReader) {
                        perReader.add(out[0]);
                        perReaderQuiet.add(Arrays.copyOf(quietSamples, q));
                    }
                });
                readers.add(t);
            }
            ready.await();
            Thread.sleep(1000); // the quiet second
            quiet.set(false);

            AtomicInteger next = new AtomicInteger();
            long t0 = System.nanoTime();
            List<Thread> starters = new ArrayList<>();
            for (int s = 0; s < STARTERS; s++) {
                starters.add(Thread.ofPlatform().start(() -> {
                    try (PortoClient c = PortoClient.connect(socket)) {
                        for (int i; (i = next.getAndIncrement()) < CONTAINERS; )
                            c.start("lockbench-" + i);
                    }
                }));
            }
            for (Thread t : starters)
                t.join();
            double startSeconds = (System.nanoTime() - t0) / 1e9;
            starting.set(false);
            for (Thread t : readers)
                t.join();

            long[] all = perReader.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            System.out.printf("started %d containers in %.2f s (%d starters) while %d clients read:%n",
                    CONTAINERS, startSeconds, STARTERS, READERS);
            print("get state", all);
            print("get state, nothing starting (1 s before)",
                    perReaderQuiet.stream().flatMapToLong(Arrays::stream).sorted().toArray());

            for (int i = 0; i < CONTAINERS; i++)
                admin.destroy("lockbench-" + i);
            admin.destroy("lockbench-probe");
        }
    }

    static void print(String what, long[] sorted) {
        System.out.printf("%s: %d reads, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n", what, sorted.length,
                percentile(sorted, 0.50), percentile(sorted, 0.90), percentile(sorted, 0.99), sorted[sorted.length - 1] / 1e6);
    }

    static double percentile(long[] sorted, double p) {
        int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }
}

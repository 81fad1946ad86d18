import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import porto.client.PortoClient;

/**
 * The API figures of issue 15 against a private portod, each beside its anchor from the same run,
 * as rows of a Markdown table. Run by bench/scale.sh, which starts the daemon and a helper that
 * runs crun on request. Environment: PORTO_SOCKET, PORTO_PIDFILE,
 * PORTO_MASTER_PIDFILE of the private daemon.
 * Arguments: DIR (with scale.sh's crun helper's fifos) CYCLES STARTS CLIENTS RUNNING SIZE...
 */
public class ScaleBench {
    static Path socket;

    public static void main(String[] args) throws Exception {
        socket = Path.of(System.getenv("PORTO_SOCKET"));
        Path dir = Path.of(args[0]);
        int cycles = Integer.parseInt(args[1]), starts = Integer.parseInt(args[2]), clients = Integer.parseInt(args[3]),
                running = Integer.parseInt(args[4]);
        int[] sizes = Arrays.stream(args).skip(5).mapToInt(Integer::parseInt).toArray();

        footprint("idle, fresh (0 containers)");
        // crun and our cycle take turns, so that load hits both alike (the crun helper: bench/scale.sh).
        try (PortoClient c = PortoClient.connect(socket);
                var toCrun = new java.io.PrintStream(new java.io.FileOutputStream(dir.resolve("crun.in").toFile()), true);
                var fromCrun = Files.newBufferedReader(dir.resolve("crun.out"))) {
            long[] ours = new long[cycles], crun = new long[cycles];
            // A daemon in service runs compiled code: the JIT compiles a method after a few hundred
            // calls, so 300 cycles back to back first (~3 s); otherwise the turns below would time
            // the interpreter (60 cold cycles took 14-17 ms where warm ones take 9-10 ms).
            cycle(c, 300);
            int warm = Math.max(10, cycles / 5); // warm this JVM's pauses and crun's files
            for (int i = -warm; i < cycles; i++) {
                // A pause before each, as between a scheduler's starts: a move into a cgroup right
                // after another one's skips the kernel's wait for an RCU grace period (docs/status.md).
                Thread.sleep(50);
                toCrun.println("run");
                String answer = fromCrun.readLine();
                if (answer == null || answer.equals("fail"))
                    throw new IllegalStateException("crun run failed");
                long crunNanos = Long.parseLong(answer) * 1000;
                Thread.sleep(50);
                long oursNanos = cycle(c, 1)[0];
                if (i >= 0) {
                    crun[i] = crunNanos;
                    ours[i] = oursNanos;
                }
            }
            double oursMs = median(ours), crunMs = median(crun);
            Files.writeString(dir.resolve("crun_ms"), String.format("%.2f", crunMs));
            row("create+set+start+wait+destroy `true`, API, median of " + cycles, ms(oursMs),
                    "crun run, taking turns: " + ms(crunMs), String.format("%.2fx crun (goal <= 1)", oursMs / crunMs));
        }

        double serial = startAll("bench-ser-", starts, 1);
        destroyAll("bench-ser-", starts);
        double parallel = startAll("bench-par-", starts, clients);
        destroyAll("bench-par-", starts);
        row(starts + " `sleep 1000` created+started, " + clients + " clients", secs(parallel), "1 client: " + secs(serial),
                String.format("%.2fx serial (goal <= 0.5)", parallel / serial));

        footprint("idle after the start benchmarks (0 containers)");
        startAll("bench-run-", running, clients);
        scale(sizes, running);
        destroyAll("bench-run-", running);
    }

    /** Create, list, get, reload, footprint and destroy with each size of stopped containers beside the running ones. */
    static void scale(int[] sizes, int running) throws Exception {
        String[] ops = {"create (stopped)", "list", "get state+memory_usage of all", "reload until serving", "destroy (stopped)"};
        double[][] perContainer = new double[ops.length][sizes.length];
        double[][] total = new double[ops.length][sizes.length];
        for (int s = 0; s < sizes.length; s++) {
            int n = sizes[s], all = n + running;
            List<String> names = new ArrayList<>();
            try (PortoClient c = PortoClient.connect(socket)) {
                long t = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    c.create("bench-st-" + i);
                    names.add("bench-st-" + i);
                }
                total[0][s] = System.nanoTime() - t;
                perContainer[0][s] = total[0][s] / n;

                total[1][s] = best(5, () -> c.list());
                perContainer[1][s] = total[1][s] / all;
                List<String> everyone = c.list();
                total[2][s] = best(3, () -> c.get(everyone, List.of("state", "memory_usage")));
                perContainer[2][s] = total[2][s] / all;
            }
            total[3][s] = reload(all);
            perContainer[3][s] = total[3][s] / all;
            footprint("with " + n + " stopped + " + running + " running");
            try (PortoClient c = PortoClient.connect(socket)) {
                long t = System.nanoTime();
                for (String name : names)
                    c.destroy(name);
                total[4][s] = System.nanoTime() - t;
                perContainer[4][s] = total[4][s] / n;
            }
        }
        for (int o = 0; o < ops.length; o++) {
            StringBuilder figures = new StringBuilder();
            for (int s = 0; s < sizes.length; s++)
                figures.append(s > 0 ? " / " : "").append(String.format("%.1f us (%s total)", perContainer[o][s] / 1e3, ms(total[o][s] / 1e6)));
            String growth = sizes.length > 1 ? String.format("%.2fx per container from %d to %d (goal ~1)",
                    perContainer[o][sizes.length - 1] / perContainer[o][0], sizes[0], sizes[sizes.length - 1]) : "";
            if (o == 3)
                growth += String.format("; %s with %d (goal < 1 s at 10000)", ms(total[o][sizes.length - 1] / 1e6),
                        sizes[sizes.length - 1] + running);
            row("scale: " + ops[o] + ", per container, " + label(sizes, running), figures.toString(), "", growth);
        }
    }

    static String label(int[] sizes, int running) {
        return Arrays.stream(sizes).mapToObj(Integer::toString).reduce((a, b) -> a + " / " + b).orElse("") + " stopped + " + running + " running";
    }

    /** Daemon and master RssAnon after a full collection in the daemon (jcmd GC.run). */
    static void footprint(String when) throws Exception {
        long daemon = pid("PORTO_PIDFILE"), master = pid("PORTO_MASTER_PIDFILE");
        // A full collection, then the trim of glibc's free memory that the daemon makes every minute itself.
        boolean collected = jcmd(daemon, "GC.run") && jcmd(daemon, "System.trim_native_heap");
        row("daemon RssAnon " + when + (collected ? ", after a full GC and a native trim" : ", jcmd FAILED"), kb(daemon, "RssAnon"),
                "master RssAnon " + kb(master, "RssAnon"), "daemon RSS " + kb(daemon, "VmRSS") + " (goal RssAnon <= 24 MB idle, <= 128 MB at 10000; master < 2 MB)");
    }

    static boolean jcmd(long pid, String command) throws Exception {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid), command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
    }

    static String kb(long pid, String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status")))
            if (line.startsWith(field + ":"))
                return String.format("%.1f MB", Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0);
        return "?";
    }

    static long pid(String pidFileVariable) throws Exception {
        return Long.parseLong(Files.readString(Path.of(System.getenv(pidFileVariable))).trim());
    }

    /** Nanoseconds from SIGHUP to the master until a new daemon lists all n containers and answers for a running one. */
    static long reload(int n) throws Exception {
        long old = pid("PORTO_PIDFILE");
        long t0 = System.nanoTime();
        new ProcessBuilder("kill", "-HUP", Long.toString(pid("PORTO_MASTER_PIDFILE"))).start().waitFor();
        while (true) {
            try {
                if (pid("PORTO_PIDFILE") != old) {
                    try (PortoClient c = PortoClient.connect(socket)) {
                        if (c.list().size() == n && (n == c.list("bench-st-*").size() || c.getProperty("bench-run-0", "state").equals("running")))
                            return System.nanoTime() - t0;
                    }
                }
            } catch (RuntimeException | java.io.IOException e) {
                // not serving yet
            }
            Thread.sleep(1);
        }
    }

    /** Seconds for {@code clients} connections to create and start n `sleep 1000` containers between them. */
    static double startAll(String prefix, int n, int clients) throws Exception {
        AtomicInteger next = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        long t = System.nanoTime();
        for (int k = 0; k < clients; k++)
            threads.add(Thread.ofPlatform().start(() -> {
                try (PortoClient c = PortoClient.connect(socket)) {
                    for (int i; (i = next.getAndIncrement()) < n; ) {
                        c.create(prefix + i);
                        c.setProperty(prefix + i, "command", "sleep 1000");
                        c.start(prefix + i);
                    }
                }
            }));
        for (Thread th : threads)
            th.join();
        return (System.nanoTime() - t) / 1e9;
    }

    static void destroyAll(String prefix, int n) {
        try (PortoClient c = PortoClient.connect(socket)) {
            for (int i = 0; i < n; i++)
                c.destroy(prefix + i);
        }
    }

    /** Milliseconds of each create+set+start+wait+destroy of `true`. */
    static long[] cycle(PortoClient c, int n) {
        long[] each = new long[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            c.create("bench-cycle");
            c.setProperty("bench-cycle", "command", "true");
            c.start("bench-cycle");
            c.waitContainers(List.of("bench-cycle"), 10_000);
            c.destroy("bench-cycle");
            each[i] = System.nanoTime() - t;
        }
        return each;
    }

    static double median(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return (s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0) / 1e6;
    }

    /** Best of n runs, in nanoseconds. */
    static double best(int n, Runnable r) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            r.run();
            best = Math.min(best, System.nanoTime() - t);
        }
        return best;
    }

    static String ms(double ms) {
        return ms >= 1000 ? String.format("%.2f s", ms / 1000) : String.format("%.2f ms", ms);
    }

    static String secs(double s) {
        return String.format("%.2f s", s);
    }

    static void row(String what, String ours, String anchor, String ratio) {
        System.out.println("| " + what + " | " + ours + " | " + anchor + " | " + ratio + " |");
        System.out.flush();
    }
}

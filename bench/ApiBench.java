import java.util.ArrayList;
import java.util.List;
import porto.client.PortoClient;

/**
 * API throughput against the running portod, one connection, as the reference numbers measure it.
 * Run: java -cp '/usr/lib/porto/lib/*' bench/ApiBench.java
 */
public class ApiBench {
    public static void main(String[] args) {
        try (PortoClient c = PortoClient.connect()) {
            for (String n : c.list("bench-***"))
                c.destroy(n);
            // Warm up the daemon's JIT like a long-running daemon would be.
            cycle(c, 100);
            int n = 300;
            long t = System.nanoTime();
            cycle(c, n);
            double s = (System.nanoTime() - t) / 1e9;
            System.out.printf("create+set+start+wait+destroy of `true`: %.1f containers/s (%.2f ms each)%n", n / s, s * 1000 / n);

            t = System.nanoTime();
            for (int i = 0; i < 1000; i++)
                c.create("bench-" + i);
            System.out.printf("create 1000 stopped containers: %.3f s%n", (System.nanoTime() - t) / 1e9);

            long best = Long.MAX_VALUE;
            for (int i = 0; i < 20; i++) {
                t = System.nanoTime();
                c.list();
                best = Math.min(best, System.nanoTime() - t);
            }
            System.out.printf("list with 1000 containers: %.2f ms (best of 20)%n", best / 1e6);

            List<String> names = new ArrayList<>();
            for (int i = 0; i < 1000; i++)
                names.add("bench-" + i);
            best = Long.MAX_VALUE;
            for (int i = 0; i < 20; i++) {
                t = System.nanoTime();
                c.get(names, List.of("state", "memory_usage"));
                best = Math.min(best, System.nanoTime() - t);
            }
            System.out.printf("get state+memory_usage of 1000 containers: %.2f ms (best of 20)%n", best / 1e6);

            t = System.nanoTime();
            for (String name : names)
                c.destroy(name);
            System.out.printf("destroy 1000 stopped containers: %.3f s%n", (System.nanoTime() - t) / 1e9);

            t = System.nanoTime();
            for (int i = 0; i < 100; i++) {
                c.create("bench-s" + i);
                c.setProperty("bench-s" + i, "command", "sleep 1000");
                c.start("bench-s" + i);
            }
            System.out.printf("start 100 `sleep 1000` containers: %.3f s%n", (System.nanoTime() - t) / 1e9);
            for (int i = 0; i < 100; i++)
                c.destroy("bench-s" + i);
        }
    }

    private static void cycle(PortoClient c, int n) {
        for (int i = 0; i < n; i++) {
            String name = "bench-cycle";
            c.create(name);
            c.setProperty(name, "command", "true");
            c.start(name);
            c.waitContainers(List.of(name), 10_000);
            c.destroy(name);
        }
    }
}

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import porto.client.PortoClient;

/**
 * Where a create+set+start+wait+destroy of `true` spends its time, request by request, as the
 * client sees it (medians). Run against a private daemon (bench/scale.sh's, or any socket):
 * java -cp '<portod class path>' bench/StartProfile.java SOCKET [CYCLES [PAUSE_MS]]
 * PAUSE_MS: a pause before each cycle, as between a scheduler's starts (and as scale.sh's cycle
 * against crun has): idle CPUs and threads that went to sleep make each hop dearer.
 */
public class StartProfile {
    public static void main(String[] args) throws InterruptedException {
        Path socket = Path.of(args.length > 0 ? args[0] : "/run/portod.socket");
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        long pauseMs = args.length > 2 ? Long.parseLong(args[2]) : 0;
        String[] steps = {"create", "set command", "start", "wait", "destroy", "total"};
        long[][] t = new long[steps.length][n];
        try (PortoClient c = PortoClient.connect(socket)) {
            for (int round = 0; round < 2; round++) // the first round warms up
                for (int i = 0; i < n; i++) {
                    if (pauseMs > 0)
                        Thread.sleep(pauseMs);
                    long t0 = System.nanoTime();
                    c.create("profile");
                    long t1 = System.nanoTime();
                    c.setProperty("profile", "command", "true");
                    long t2 = System.nanoTime();
                    c.start("profile");
                    long t3 = System.nanoTime();
                    c.waitContainers(List.of("profile"), 10_000);
                    long t4 = System.nanoTime();
                    c.destroy("profile");
                    long t5 = System.nanoTime();
                    long[] each = {t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t5 - t0};
                    for (int s = 0; s < steps.length; s++)
                        t[s][i] = each[s];
                }
        }
        for (int s = 0; s < steps.length; s++) {
            long[] sorted = t[s].clone();
            Arrays.sort(sorted);
            System.out.printf("%-12s median %6.2f ms  p90 %6.2f ms%n", steps[s], sorted[n / 2] / 1e6, sorted[n * 9 / 10] / 1e6);
        }
    }
}

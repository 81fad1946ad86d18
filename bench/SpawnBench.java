import java.util.Arrays;

/**
 * What it costs the daemon's JVM to run a helper process (as NativeLauncher runs portod-native
 * launch): ProcessBuilder.start of /bin/true and its exit, median of N after N to warm up.
 * Compare launch mechanisms in one run:
 * for m in POSIX_SPAWN FORK; do java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
 *     -Djdk.lang.Process.launchMechanism=$m bench/SpawnBench.java 200; done
 */
public class SpawnBench {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        long[] t = new long[n];
        for (int round = 0; round < 2; round++)
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                Process p = new ProcessBuilder("/bin/true").start();
                p.getOutputStream().close();
                p.waitFor();
                t[i] = System.nanoTime() - t0;
            }
        Arrays.sort(t);
        System.out.printf("%s: median %.2f ms, p90 %.2f ms%n",
                System.getProperty("jdk.lang.Process.launchMechanism", "default (POSIX_SPAWN)"), t[n / 2] / 1e6, t[n * 9 / 10] / 1e6);
    }
}

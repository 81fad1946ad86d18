import java.nio.file.*;
import porto.client.PortoClient;
/**
 * Reloads of a private portod (bench/footprint.sh) with N stopped containers: for each, the time from
 * SIGHUP to the master until the new daemon lists all N, and the CPU its threads used by then.
 * Arguments: N RELOADS. Environment: PORTO_SOCKET, PORTO_PIDFILE, PORTO_MASTER_PIDFILE.
 */
public class ReloadCpu {
    static long pid(String v) throws Exception { return Long.parseLong(Files.readString(Path.of(System.getenv(v))).trim()); }
    public static void main(String[] a) throws Exception {
        Path socket = Path.of(System.getenv("PORTO_SOCKET"));
        int n = Integer.parseInt(a[0]), times = Integer.parseInt(a[1]);
        try (PortoClient c = PortoClient.connect(socket)) {
            int have = c.list().size();
            for (int i = have; i < n; i++) c.create("bench-st-" + i);
        }
        for (int k = 0; k < times; k++) {
            long old = pid("PORTO_PIDFILE");
            long t0 = System.nanoTime();
            new ProcessBuilder("kill", "-HUP", Long.toString(pid("PORTO_MASTER_PIDFILE"))).start().waitFor();
            while (true) {
                try {
                    if (pid("PORTO_PIDFILE") != old) {
                        try (PortoClient c = PortoClient.connect(socket)) {
                            if (c.list().size() == n) break;
                        }
                    }
                } catch (RuntimeException | java.io.IOException e) { }
                Thread.sleep(1);
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            String[] st = Files.readString(Path.of("/proc/" + pid("PORTO_PIDFILE") + "/stat")).replaceAll(".*\\) ", "").split(" ");
            long cpu = Long.parseLong(st[11]) + Long.parseLong(st[12]);
            StringBuilder per = new StringBuilder();
            try (var ts = Files.list(Path.of("/proc/" + pid("PORTO_PIDFILE") + "/task"))) {
                for (Path t : ts.toList()) {
                    String raw = Files.readString(t.resolve("stat"));
                    String comm = raw.substring(raw.indexOf('(') + 1, raw.lastIndexOf(')'));
                    String[] f = raw.substring(raw.lastIndexOf(')') + 2).split(" ");
                    long c = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
                    if (c >= 20) per.append(comm).append('=').append(c).append(' ');
                }
            }
            System.out.println("  threads: " + per);
            System.out.printf("reload %d: %.3f s wall, %d ms CPU of the new daemon at serving%n", k, wall, cpu * 10);
            Thread.sleep(1000);
        }
    }
}

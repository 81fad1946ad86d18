import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import porto.client.PortoClient;

/**
 * How long the installed portod takes to serve again after a reload, with N running containers.
 * Run: java -cp '/usr/lib/porto/lib/*' bench/ReloadBench.java 100 1000
 */
public class ReloadBench {
    public static void main(String[] args) throws Exception {
        for (String arg : args.length == 0 ? new String[] {"100", "1000"} : args) {
            int n = Integer.parseInt(arg);
            try (PortoClient c = PortoClient.connect()) {
                for (int i = 0; i < n; i++) {
                    c.create("reload-" + i);
                    c.setProperty("reload-" + i, "command", "sleep 1000");
                    c.start("reload-" + i);
                }
            }
            long best = Long.MAX_VALUE;
            for (int round = 0; round < 3; round++)
                best = Math.min(best, reload(n));
            System.out.printf("reload with %d running containers: serving again after %.0f ms (best of 3)%n", n, best / 1e6);
            try (PortoClient c = PortoClient.connect()) {
                for (int i = 0; i < n; i++)
                    c.destroy("reload-" + i);
            }
        }
    }

    /** Nanoseconds from SIGHUP to the master until a new daemon lists all n containers. */
    private static long reload(int n) throws Exception {
        long master = Long.parseLong(Files.readString(Path.of("/run/portoloop.pid")).trim());
        long old = Long.parseLong(Files.readString(Path.of("/run/portod.pid")).trim());
        long t0 = System.nanoTime();
        new ProcessBuilder("kill", "-HUP", Long.toString(master)).start().waitFor();
        while (true) {
            try {
                long now = Long.parseLong(Files.readString(Path.of("/run/portod.pid")).trim());
                if (now != old) {
                    try (PortoClient c = PortoClient.connect()) {
                        List<String> names = c.list("reload-*");
                        if (names.size() == n && c.getProperty("reload-0", "state").equals("running"))
                            return System.nanoTime() - t0;
                    }
                }
            } catch (RuntimeException | java.io.IOException e) {
                // not serving yet
            }
            Thread.sleep(2);
        }
    }
}

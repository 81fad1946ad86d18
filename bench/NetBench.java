import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import porto.client.PortoClient;

/**
 * Start of 100 containers (`sleep 1000`) one after another with net=inherited, net=L3 (an
 * address each from 198.51.100.0/24) and net=NAT (from the daemon's range), then their destroy.
 * Prints the median and the 90th percentile of one start, and the whole 100.
 * Run with bench/net-bench.sh: it starts a private portod in a namespace of its own, so the
 * host's network is never touched. Usage: java -cp '<portod class path>' bench/NetBench.java SOCKET
 */
public class NetBench {
    static final int CONTAINERS = 100;

    public static void main(String[] args) throws Exception {
        Path socket = Path.of(args[0]);
        try (PortoClient c = PortoClient.connect(socket)) {
            for (String mode : List.of("inherited", "L3", "NAT", "inherited"))
                run(c, mode);
        }
    }

    static void run(PortoClient c, String mode) {
        List<Long> starts = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < CONTAINERS; i++) {
            String name = "netbench-" + mode + "-" + i;
            names.add(name);
            c.create(name);
            c.setProperty(name, "command", "sleep 1000");
            if (!mode.equals("inherited"))
                c.setProperty(name, "net", mode.equals("L3") ? "L3 eth0" : "NAT");
            if (mode.equals("L3"))
                c.setProperty(name, "ip", "eth0 198.51.100." + (10 + i));
        }
        long all0 = System.nanoTime();
        for (String name : names) {
            long t0 = System.nanoTime();
            c.start(name);
            starts.add(System.nanoTime() - t0);
        }
        long all = System.nanoTime() - all0;
        long d0 = System.nanoTime();
        for (String name : names)
            c.destroy(name);
        long destroy = System.nanoTime() - d0;
        Collections.sort(starts);
        System.out.printf("net=%-9s start: median %.1f ms, p90 %.1f ms, 100 in %.2f s; destroy 100 in %.2f s%n", mode,
                starts.get(CONTAINERS / 2) / 1e6, starts.get(CONTAINERS * 9 / 10) / 1e6, all / 1e9, destroy / 1e9);
    }
}

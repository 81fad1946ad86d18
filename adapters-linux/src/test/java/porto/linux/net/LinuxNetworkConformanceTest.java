package porto.linux.net;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import porto.conformance.NeedsRoot;
import porto.conformance.NetworkConformance;
import porto.ports.net.Network;

/** {@link LinuxNetwork} with a scratch namespace (made with ip-netns(8)) as its host: the machine's own is never touched. */
class LinuxNetworkConformanceTest extends NetworkConformance {
    @Override
    protected Fixture newFixture() throws Exception {
        NeedsRoot.check("LinuxNetwork");
        String host = "porto-conf-" + UUID.randomUUID().toString().substring(0, 8);
        Path dir = Path.of("/run/porto-conformance-netns-" + host);
        run("ip", "netns", "add", host);
        String hostPath = "/run/netns/" + host;
        return new Fixture() {
            @Override
            public Network network() {
                return new LinuxNetwork(dir, hostPath);
            }

            @Override
            public Network reopen() {
                return new LinuxNetwork(dir, hostPath);
            }

            @Override
            public void close() throws Exception {
                try {
                    LinuxNetwork n = new LinuxNetwork(dir, hostPath);
                    for (String ns : n.namespaces())
                        n.deleteNamespace(ns);
                    Files.deleteIfExists(dir);
                } finally {
                    run("ip", "netns", "del", host);
                }
            }
        };
    }

    static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0)
            throw new IllegalStateException(String.join(" ", command) + ": " + out);
    }
}

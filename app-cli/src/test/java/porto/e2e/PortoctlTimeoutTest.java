package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * portoctl's global {@code -t SECONDS} ({@code --timeout SECONDS}, {@code --timeout=SECONDS}): a daemon
 * that accepts but never answers makes the call fail with SocketTimeout instead of hanging.
 */
class PortoctlTimeoutTest {

    @Test
    void aSilentDaemonTimesOut() throws Exception {
        Path dir = Files.createTempDirectory("porto-timeout-");
        Path socket = dir.resolve("silent.socket");
        List<SocketChannel> accepted = new ArrayList<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread acceptor = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true)
                        accepted.add(server.accept()); // kept open, never answered
                } catch (Exception e) {
                    // the server was closed
                }
            });
            for (List<String> options : List.of(List.of("-t", "1"), List.of("--timeout", "1"), List.of("--timeout=1"))) {
                List<String> args = new ArrayList<>(options);
                args.add("list");
                ProcessBuilder pb = new ProcessBuilder(PortodProcess.java("porto.cli.Portoctl", args.toArray(new String[0])));
                pb.environment().put("PORTO_SOCKET", socket.toString());
                pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                Process p = pb.start();
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "portoctl " + args + " gives up");
                String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(err.startsWith("Can't list containers: SocketTimeout"), args + ": " + err);
                assertEquals(porto.rpc.Rpc.EError.SocketTimeout_VALUE & 0xff, p.exitValue(), "the exit status is SocketTimeout's code");
            }
            server.close();
            acceptor.join(10_000);
        } finally {
            for (SocketChannel c : accepted)
                c.close();
            PortodProcess.deleteTree(dir);
        }
    }
}

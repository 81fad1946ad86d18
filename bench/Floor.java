import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** The JVM's floor for a command-line client: start, open the daemon's socket, print, exit. */
public class Floor {
    public static void main(String[] args) throws Exception {
        String socket = System.getenv().getOrDefault("PORTO_SOCKET", "/run/portod.socket");
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(Path.of(socket)))) {
            System.out.println(ch.isConnected() ? "connected" : "not connected");
        }
    }
}

package porto.daemon;

import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;
import javax.inject.Inject;
import porto.domain.Caller;
import porto.domain.ContainerService;
import porto.linux.PeerCredentials;

/** Accepts clients on the listening socket the master handed over, one virtual thread each. */
public final class RpcServer {
    private final Api api;
    private final ContainerService service;
    private final AtomicLong clients;
    private final AtomicLong connected;
    private final ClientLimits limits;

    @Inject
    RpcServer(Api api, ContainerService service, DaemonStats stats, porto.daemon.config.DaemonConfig config) {
        ClientLimits.Settings settings = ClientLimits.Settings.from(System.getenv(), config);
        Log.info("client limits: max_clients " + settings.maxClients() + ", max_clients_in_container " + settings.maxPerOwner()
                + ", client_idle_timeout " + java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(settings.idleTimeoutNanos()) + " s");
        this.limits = new ClientLimits(settings);
        this.api = api;
        this.service = service;
        this.clients = stats.counter("clients");
        this.connected = stats.counter("clients_connected");
    }

    /** The listening socket inherited on standard input from portod-native master. */
    static ServerSocketChannel inheritedSocket() throws IOException {
        Channel ch = System.inheritedChannel();
        if (ch instanceof ServerSocketChannel server)
            return server;
        throw new IOException("standard input is not a listening socket (" + ch + "); portod serve runs under portod-native master");
    }

    void serve(ServerSocketChannel server) throws IOException {
        server.configureBlocking(true);
        while (true) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException e) {
                // Out of descriptors, most likely: keep serving the clients there are.
                Log.error("accept failed", e);
                sleepQuietly(100);
                continue;
            }
            Caller caller;
            try {
                var cred = PeerCredentials.of(fd(client));
                caller = new Caller(cred.pid(), cred.uid(), cred.gid(), porto.domain.ContainerName.HOST,
                        cred.startTime() < 0 ? Caller.GONE : cred.startTime());
            } catch (RuntimeException e) {
                Log.error("cannot identify a client; dropping it", e);
                client.close();
                continue;
            }
            clients.incrementAndGet();
            connected.incrementAndGet();
            Thread.ofVirtual().name("porto-client-" + caller.pid()).start(() -> {
                try {
                    new ClientSession(client, caller, api, service, limits).serve();
                } finally {
                    clients.decrementAndGet();
                }
            });
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The descriptor behind a JDK socket channel, for getsockopt. */
    private static int fd(SocketChannel channel) {
        return ((sun.nio.ch.SelChImpl) channel).getFDVal();
    }
}

package porto.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import porto.rpc.Rpc;

/**
 * A stand-in for portod on a UNIX socket in a temporary directory. It reads requests with protobuf's
 * own delimited parser (so the client's framing is checked against the library, not against itself)
 * and answers each with whatever the test's {@link Handler} returns, which may include pushed events
 * before or after the answer.
 */
final class FakePortod implements AutoCloseable {

    /** What to write back for one request, in order; an empty list means: say nothing. */
    interface Handler {
        List<Rpc.TContainerResponse> handle(Rpc.TContainerRequest request, Session session) throws Exception;
    }

    /** One accepted connection. */
    static final class Session {
        final SocketChannel channel;
        final OutputStream out;

        Session(SocketChannel channel) {
            this.channel = channel;
            this.out = Channels.newOutputStream(channel);
        }

        /** Writes a message now, outside of any answer (an async push). */
        synchronized void push(Rpc.TContainerResponse message) throws IOException {
            message.writeDelimitedTo(out);
            out.flush();
        }

        void close() throws IOException {
            channel.close();
        }
    }

    final Path dir;
    final Path socket;
    final BlockingQueue<Rpc.TContainerRequest> requests = new LinkedBlockingQueue<>();
    final AtomicInteger connections = new AtomicInteger();
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private volatile Handler handler;

    FakePortod(Handler handler) throws IOException {
        this.handler = handler;
        this.dir = Files.createTempDirectory("fake-portod");
        this.socket = dir.resolve("portod.socket");
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        acceptor = new Thread(this::acceptLoop, "fake-portod-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    void setHandler(Handler handler) {
        this.handler = handler;
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                return;
            }
            connections.incrementAndGet();
            Session session = new Session(ch);
            Thread t = new Thread(() -> serve(session), "fake-portod-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Session session) {
        try (SocketChannel ch = session.channel) {
            InputStream in = Channels.newInputStream(ch);
            while (true) {
                Rpc.TContainerRequest req = Rpc.TContainerRequest.parseDelimitedFrom(in);
                if (req == null) {
                    return;
                }
                requests.add(req);
                for (Rpc.TContainerResponse rsp : handler.handle(req, session)) {
                    session.push(rsp);
                }
            }
        } catch (Exception e) {
            // the client went away, or the test closed the session on purpose
        }
    }

    static Rpc.TContainerResponse ok() {
        return Rpc.TContainerResponse.newBuilder().setError(Rpc.EError.Success).build();
    }

    static Rpc.TContainerResponse error(Rpc.EError error, String message) {
        return Rpc.TContainerResponse.newBuilder().setError(error).setErrorMsg(message).build();
    }

    static Rpc.TContainerResponse event(String name, String state, long when) {
        return Rpc.TContainerResponse.newBuilder()
                .setAsyncWait(Rpc.TContainerWaitResponse.newBuilder().setName(name).setState(state).setWhen(when))
                .build();
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket);
        Files.deleteIfExists(dir);
    }
}

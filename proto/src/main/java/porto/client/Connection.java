package porto.client;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import porto.protocol.Framing;
import porto.rpc.Rpc.EError;

/**
 * The UNIX socket to portod and its framing: every message, either way, is a varint32 byte count
 * followed by the message. The socket blocks until the first read with a deadline; from then on it is
 * non-blocking and waits on a selector. A failure closes it, and {@link #open()} makes a new one. Not
 * thread-safe: {@link PortoClient} uses it under its own lock.
 */
final class Connection {

    /** A deadline that never comes. */
    static final long NO_DEADLINE = Long.MIN_VALUE;

    private static final int MAX_MESSAGE = 256 << 20;

    private static final int SOCKET_ERROR = EError.SocketError_VALUE;
    private static final int SOCKET_UNAVAILABLE = EError.SocketUnavailable_VALUE;
    private static final int SOCKET_TIMEOUT = EError.SocketTimeout_VALUE;

    private final Path socket;

    private SocketChannel channel;
    private Selector selector;
    private SelectionKey key;
    private ByteBuffer in = emptyBuffer(8192);

    Connection(Path socket) {
        this.socket = socket;
    }

    boolean isOpen() {
        return channel != null;
    }

    /** Connects, with an empty receive buffer; throws {@code SocketUnavailable} if nobody answers. */
    void open() {
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException | UnsupportedOperationException e) {
            closeQuietly(ch);
            throw new PortoClientException(SOCKET_UNAVAILABLE, "connect: " + e.getMessage(), e);
        }
        channel = ch;
        in = emptyBuffer(in.capacity());
    }

    /** Closes the socket; {@link #open()} starts afresh. */
    void disconnect() {
        closeQuietly(selector);
        closeQuietly(channel);
        selector = null;
        key = null;
        channel = null;
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // nothing useful to do
            }
        }
    }

    /** Writes a whole frame; once on the selector, throws {@code SocketTimeout} if the deadline passes first. */
    void send(byte[] frame, long deadline) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(frame);
        if (selector == null) {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            return;
        }
        while (buf.hasRemaining()) {
            if (channel.write(buf) == 0) {
                key.interestOps(SelectionKey.OP_WRITE);
                try {
                    if (!select(deadline)) {
                        disconnect();
                        throw new PortoClientException(SOCKET_TIMEOUT, "send: timed out");
                    }
                } finally {
                    if (key != null) {
                        key.interestOps(SelectionKey.OP_READ);
                    }
                }
            }
        }
    }

    /**
     * Reads one framed answer. On timeout returns null if {@code soft}, else drops the connection (the
     * late answer would be mistaken for the next one) and throws {@code SocketTimeout}.
     */
    byte[] receive(long deadline, boolean soft) {
        try {
            while (true) {
                int start = in.position();
                int limit = in.limit();
                Framing.Header header;
                try {
                    header = Framing.header(in, start, limit);
                } catch (Framing.MalformedFrameException e) {
                    throw broken("recv: malformed length", null);
                }
                if (header != null) {
                    long length = header.length();
                    if (length > MAX_MESSAGE) {
                        throw broken("recv: message of " + length + " bytes is too large", null);
                    }
                    int total = header.size() + (int) length;
                    if (limit - start >= total) {
                        byte[] message = new byte[(int) length];
                        in.position(start + header.size());
                        in.get(message);
                        return message;
                    }
                    if (total > in.capacity()) {
                        ByteBuffer bigger = ByteBuffer.allocate(Math.max(total, in.capacity() * 2));
                        bigger.put(in);
                        bigger.flip();
                        in = bigger;
                    }
                }
                if (!fill(deadline)) {
                    if (soft) {
                        return null;
                    }
                    disconnect();
                    throw new PortoClientException(SOCKET_TIMEOUT, "recv: timed out");
                }
            }
        } catch (IOException e) {
            throw broken("recv: " + e.getMessage(), e);
        }
    }

    /** Closes the socket and makes the error that says why. */
    PortoClientException broken(String message, Throwable cause) {
        disconnect();
        return new PortoClientException(SOCKET_ERROR, message, cause);
    }

    /** Reads more bytes into {@link #in}; false if the deadline passed first. */
    private boolean fill(long deadline) throws IOException {
        in.compact();
        try {
            if (!in.hasRemaining()) {
                ByteBuffer bigger = ByteBuffer.allocate(in.capacity() * 2);
                in.flip();
                bigger.put(in);
                in = bigger;
            }
            if (deadline == NO_DEADLINE && selector == null) {
                int n = channel.read(in);
                if (n < 0) {
                    throw new IOException("connection closed by portod");
                }
                return true;
            }
            useSelector();
            while (true) {
                int n = channel.read(in);
                if (n < 0) {
                    throw new IOException("connection closed by portod");
                }
                if (n > 0) {
                    return true;
                }
                if (!select(deadline)) {
                    return false;
                }
            }
        } finally {
            in.flip();
        }
    }

    /** Switches the connection to non-blocking mode, for reads and writes with a deadline. */
    private void useSelector() throws IOException {
        if (selector == null) {
            Selector s = Selector.open();
            channel.configureBlocking(false);
            key = channel.register(s, SelectionKey.OP_READ);
            selector = s;
        }
    }

    /** Waits for the registered operation; false if the deadline passed first. */
    private boolean select(long deadline) throws IOException {
        while (true) {
            long waitMs = 0;
            if (deadline != NO_DEADLINE) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    int ready = selector.selectNow();
                    selector.selectedKeys().clear();
                    return ready > 0;
                }
                waitMs = Math.max(1, left / 1_000_000L);
            }
            int ready = selector.select(waitMs);
            selector.selectedKeys().clear();
            if (ready > 0) {
                return true;
            }
        }
    }

    private static ByteBuffer emptyBuffer(int capacity) {
        ByteBuffer b = ByteBuffer.allocate(capacity);
        b.flip();
        return b;
    }
}

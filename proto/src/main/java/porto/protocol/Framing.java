package porto.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Porto's framing, both ways: a message is sent as its byte count in a varint32, then the message.
 * The one implementation of it, for the client (which reads from a buffer) and the daemon (which reads
 * from a stream).
 */
public final class Framing {
    /** A varint32 takes at most five bytes. */
    static final int MAX_HEADER = 5;

    private Framing() {}

    /** A frame's length prefix: how many bytes it takes, and the message length it gives. */
    public record Header(int size, long length) {}

    /** Not a frame: the length prefix is not a varint32, or the message is over the reader's limit. */
    public static final class MalformedFrameException extends IOException {
        private static final long serialVersionUID = 1L;

        public MalformedFrameException(String message) {
            super(message);
        }
    }

    /**
     * Parses the length prefix in {@code buf[from, to)}.
     *
     * @return the header, or null when those bytes end before it does
     */
    public static Header header(ByteBuffer buf, int from, int to) throws MalformedFrameException {
        long length = 0;
        for (int i = from; i < to; i++) {
            int shift = 7 * (i - from);
            if (shift >= 7 * MAX_HEADER)
                throw new MalformedFrameException("frame length is not a varint32");
            byte b = buf.get(i);
            length |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0)
                return new Header(i - from + 1, length);
        }
        if (to - from >= MAX_HEADER)
            throw new MalformedFrameException("frame length is not a varint32");
        return null;
    }

    /** {@code message[off, off + n)} as a frame. */
    public static byte[] frame(byte[] message, int off, int n) {
        byte[] prefix = new byte[MAX_HEADER];
        int size = 0;
        int v = n;
        while ((v & ~0x7f) != 0) {
            prefix[size++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        prefix[size++] = (byte) v;
        byte[] out = new byte[size + n];
        System.arraycopy(prefix, 0, out, 0, size);
        System.arraycopy(message, off, out, size, n);
        return out;
    }

    /** Writes {@code message} as one frame and flushes. */
    public static void write(OutputStream out, byte[] message) throws IOException {
        out.write(frame(message, 0, message.length));
        out.flush();
    }

    /**
     * Reads one frame's message from a stream.
     *
     * @return the message (shorter than announced if the stream ends inside it), or null when the stream
     *         ends cleanly before a frame begins
     */
    public static byte[] read(InputStream in, int maxLength) throws IOException {
        ByteBuffer prefix = ByteBuffer.allocate(MAX_HEADER);
        Header header = null;
        while (header == null) {
            int b = in.read();
            if (b < 0) {
                if (prefix.position() == 0)
                    return null;
                throw new EOFException("stream ended inside a frame length");
            }
            prefix.put((byte) b);
            header = header(prefix, 0, prefix.position());
        }
        if (header.length() > maxLength)
            throw new MalformedFrameException("frame of " + header.length() + " bytes is over the limit of " + maxLength);
        return in.readNBytes((int) header.length());
    }
}

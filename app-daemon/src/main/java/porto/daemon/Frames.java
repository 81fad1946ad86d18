package porto.daemon;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Porto's framing: a varint32 byte count, then that many bytes of one protobuf message. */
final class Frames {
    /** Larger requests are refused and their connection closed. */
    static final int MAX_FRAME = 32 << 20;

    private Frames() {}

    /** Reads one frame; null on a clean end of stream before its first byte. */
    static byte[] read(InputStream in) throws IOException {
        int length = 0;
        for (int shift = 0; ; shift += 7) {
            int b = in.read();
            if (b < 0) {
                if (shift == 0)
                    return null;
                throw new EOFException("stream ended inside a frame length");
            }
            if (shift >= 35)
                throw new IOException("frame length is not a varint32");
            length |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0)
                break;
        }
        if (length < 0 || length > MAX_FRAME)
            throw new IOException("frame of " + Integer.toUnsignedString(length) + " bytes is over the limit of " + MAX_FRAME);
        return in.readNBytes(length);
    }

    static void write(OutputStream out, byte[] message) throws IOException {
        int n = message.length;
        byte[] header = new byte[5];
        int i = 0;
        while ((n & ~0x7f) != 0) {
            header[i++] = (byte) ((n & 0x7f) | 0x80);
            n >>>= 7;
        }
        header[i++] = (byte) n;
        out.write(header, 0, i);
        out.write(message);
        out.flush();
    }
}

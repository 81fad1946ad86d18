package porto.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class FramingTest {
    @Test
    void lengthsRoundTripThroughStreamAndBuffer() throws Exception {
        for (int n : new int[] {0, 1, 127, 128, 300, 16_383, 16_384, 2_097_152}) {
            byte[] message = new byte[n];
            for (int i = 0; i < n; i++)
                message[i] = (byte) i;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Framing.write(out, message);
            byte[] frame = out.toByteArray();
            assertArrayEquals(frame, Framing.frame(message, 0, n));
            assertArrayEquals(message, Framing.read(new ByteArrayInputStream(frame), n));
            Framing.Header header = Framing.header(ByteBuffer.wrap(frame), 0, frame.length);
            assertEquals(n, header.length());
            assertEquals(frame.length - n, header.size());
        }
    }

    @Test
    void theLengthIsAVarint32() throws Exception {
        assertArrayEquals(new byte[] {(byte) 0xac, 0x02}, java.util.Arrays.copyOf(Framing.frame(new byte[300], 0, 300), 2));
        assertNull(Framing.header(ByteBuffer.wrap(new byte[] {(byte) 0x80, (byte) 0x80}), 0, 2), "more bytes needed");
        byte[] sixBytes = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01};
        assertThrows(Framing.MalformedFrameException.class, () -> Framing.header(ByteBuffer.wrap(sixBytes), 0, 6));
        assertThrows(Framing.MalformedFrameException.class, () -> Framing.header(ByteBuffer.wrap(sixBytes), 0, 5));
        assertThrows(Framing.MalformedFrameException.class, () -> Framing.read(new ByteArrayInputStream(sixBytes), 1 << 30));
    }

    @Test
    void aReaderRefusesWhatItCannotTake() throws Exception {
        assertNull(Framing.read(new ByteArrayInputStream(new byte[0]), 10), "a clean end before a frame");
        assertThrows(EOFException.class, () -> Framing.read(new ByteArrayInputStream(new byte[] {(byte) 0x80}), 10));
        byte[] big = Framing.frame(new byte[11], 0, 11);
        Framing.MalformedFrameException e = assertThrows(Framing.MalformedFrameException.class,
                () -> Framing.read(new ByteArrayInputStream(big), 10));
        assertEquals("frame of 11 bytes is over the limit of 10", e.getMessage());
    }
}

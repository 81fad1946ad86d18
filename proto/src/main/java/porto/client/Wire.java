package porto.client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import porto.protocol.Framing;

/**
 * The protobuf wire format, by hand, for the few messages the client's common calls exchange.
 *
 * <p>Why not the generated {@code porto.rpc.Rpc} classes: the first touch of any of them validates
 * the runtime version (which starts java.util.logging) and builds descriptors for the whole file,
 * about 20 ms that a command-line client pays on every start. Field numbers here are those of
 * rpc.proto; the tests check the bytes against the generated classes.
 */
final class Wire {

    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int LENGTH = 2;
    private static final int START_GROUP = 3;
    private static final int END_GROUP = 4;
    private static final int FIXED32 = 5;

    private Wire() {
    }

    // ------------------------------------------------------------------ writing

    /** A message being written, field by field, in the order the calls come. */
    static final class Writer {
        private byte[] buf = new byte[64];
        private int len;

        Writer string(int field, String value) {
            return bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Writer strings(int field, List<String> values) {
            for (String v : values) {
                string(field, v);
            }
            return this;
        }

        /** A uint32/uint64 (or a non-negative int32/enum) field. */
        Writer uint(int field, long value) {
            tag(field, VARINT);
            varint(value);
            return this;
        }

        /** An int32 field: negative values take ten bytes, sign-extended, as protobuf writes them. */
        Writer int32(int field, int value) {
            tag(field, VARINT);
            varint(value);
            return this;
        }

        Writer bool(int field, boolean value) {
            return uint(field, value ? 1 : 0);
        }

        Writer message(int field, Writer message) {
            tag(field, LENGTH);
            varint(message.len);
            append(message.buf, 0, message.len);
            return this;
        }

        Writer bytes(int field, byte[] value) {
            tag(field, LENGTH);
            varint(value.length);
            append(value, 0, value.length);
            return this;
        }

        /** The message itself. */
        byte[] toByteArray() {
            return Arrays.copyOf(buf, len);
        }

        /** The message preceded by its length, ready for the socket. */
        byte[] toFrame() {
            return Framing.frame(buf, 0, len);
        }

        private void tag(int field, int type) {
            varint(((long) field << 3) | type);
        }

        private void varint(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[len++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[len++] = (byte) v;
        }

        private void append(byte[] b, int off, int n) {
            ensure(n);
            System.arraycopy(b, off, buf, len, n);
            len += n;
        }

        private void ensure(int n) {
            if (len + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
            }
        }
    }

    // ------------------------------------------------------------------ reading

    /** A malformed message. */
    static final class MalformedException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }

    /**
     * The fields of one message, decoded one level deep: varints as numbers, length-delimited fields
     * as slices of the buffer (strings or nested messages, decoded when asked for).
     */
    static final class Fields {
        private final byte[] buf;
        private int count;
        private int[] numbers = new int[8];
        private long[] values = new long[8];
        private int[] offsets = new int[8];
        private int[] lengths = new int[8];

        private Fields(byte[] buf) {
            this.buf = buf;
        }

        static Fields parse(byte[] buf) throws MalformedException {
            return parse(buf, 0, buf.length);
        }

        static Fields parse(byte[] buf, int off, int n) throws MalformedException {
            Fields f = new Fields(buf);
            int pos = off;
            int end = off + n;
            while (pos < end) {
                long[] out = new long[1];
                pos = readVarint(buf, pos, end, out);
                long tag = out[0];
                int field = (int) (tag >>> 3);
                int type = (int) (tag & 7);
                if (field <= 0) {
                    throw new MalformedException("bad field number");
                }
                switch (type) {
                    case VARINT -> {
                        pos = readVarint(buf, pos, end, out);
                        f.add(field, out[0], -1, 0);
                    }
                    case LENGTH -> {
                        pos = readVarint(buf, pos, end, out);
                        long size = out[0];
                        if (size < 0 || size > end - pos) {
                            throw new MalformedException("truncated field " + field);
                        }
                        f.add(field, 0, pos, (int) size);
                        pos += (int) size;
                    }
                    case FIXED64 -> pos = skip(pos, 8, end);
                    case FIXED32 -> pos = skip(pos, 4, end);
                    case START_GROUP, END_GROUP -> throw new MalformedException("groups are not used by Porto");
                    default -> throw new MalformedException("bad wire type " + type);
                }
            }
            return f;
        }

        private static int skip(int pos, int n, int end) throws MalformedException {
            if (end - pos < n) {
                throw new MalformedException("truncated message");
            }
            return pos + n;
        }

        private void add(int field, long value, int off, int n) {
            if (count == numbers.length) {
                int size = count * 2;
                numbers = Arrays.copyOf(numbers, size);
                values = Arrays.copyOf(values, size);
                offsets = Arrays.copyOf(offsets, size);
                lengths = Arrays.copyOf(lengths, size);
            }
            numbers[count] = field;
            values[count] = value;
            offsets[count] = off;
            lengths[count] = n;
            count++;
        }

        /** Index of the last occurrence (protobuf: the last value of a scalar wins), or -1. */
        private int last(int field) {
            for (int i = count - 1; i >= 0; i--) {
                if (numbers[i] == field) {
                    return i;
                }
            }
            return -1;
        }

        boolean has(int field) {
            return last(field) >= 0;
        }

        long number(int field, long absent) {
            int i = last(field);
            return i < 0 || offsets[i] >= 0 ? absent : values[i];
        }

        boolean bool(int field) {
            return number(field, 0) != 0;
        }

        String string(int field) {
            int i = last(field);
            return i < 0 || offsets[i] < 0 ? "" : new String(buf, offsets[i], lengths[i], StandardCharsets.UTF_8);
        }

        List<String> strings(int field) {
            List<String> list = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                if (numbers[i] == field && offsets[i] >= 0) {
                    list.add(new String(buf, offsets[i], lengths[i], StandardCharsets.UTF_8));
                }
            }
            return list;
        }

        /** A singular message field; an absent one reads as an empty message. */
        Fields message(int field) throws MalformedException {
            int i = last(field);
            if (i < 0 || offsets[i] < 0) {
                return new Fields(buf);
            }
            return parse(buf, offsets[i], lengths[i]);
        }

        List<Fields> messages(int field) throws MalformedException {
            List<Fields> list = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                if (numbers[i] == field && offsets[i] >= 0) {
                    list.add(parse(buf, offsets[i], lengths[i]));
                }
            }
            return list;
        }
    }

    private static int readVarint(byte[] buf, int pos, int end, long[] out) throws MalformedException {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw new MalformedException("truncated varint");
            }
            byte b = buf[pos++];
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                out[0] = result;
                return pos;
            }
        }
        throw new MalformedException("varint too long");
    }
}

package porto.linux.net;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small rtnetlink codec: requests are built as a header plus attributes, replies are cut into
 * messages and attributes. Only what {@link LinuxNetwork} sends and reads; all host byte order
 * (little endian here) except what the kernel keeps in network order (addresses, given as bytes).
 */
public final class Netlink {
    private Netlink() {}

    // message types
    public static final int NLMSG_ERROR = 2, NLMSG_DONE = 3;
    public static final int RTM_NEWLINK = 16, RTM_DELLINK = 17, RTM_GETLINK = 18, RTM_SETLINK = 19;
    public static final int RTM_NEWADDR = 20, RTM_DELADDR = 21, RTM_GETADDR = 22;
    public static final int RTM_NEWROUTE = 24, RTM_DELROUTE = 25, RTM_GETROUTE = 26;
    public static final int RTM_NEWNEIGH = 28, RTM_DELNEIGH = 29, RTM_GETNEIGH = 30;
    public static final int RTM_NEWADDRLABEL = 72, RTM_DELADDRLABEL = 73, RTM_GETADDRLABEL = 74;
    /** struct ifaddrlblmsg (family, reserved, prefixlen, flags, index, seq) and its attributes. */
    public static final int IFADDRLBLMSG = 12, IFAL_ADDRESS = 1, IFAL_LABEL = 2;
    // flags
    public static final int NLM_F_REQUEST = 1, NLM_F_MULTI = 2, NLM_F_ACK = 4, NLM_F_DUMP = 0x300;
    public static final int NLM_F_REPLACE = 0x100, NLM_F_EXCL = 0x200, NLM_F_CREATE = 0x400;
    /** In an error reply: the original request is capped, and extended-ack attributes follow. */
    public static final int NLM_F_CAPPED = 0x100, NLM_F_ACK_TLVS = 0x200;
    public static final int NLMSGERR_ATTR_MSG = 1;

    public static final int HEADER = 16;

    /** One message: its header fields and its payload (after the 16-byte header). */
    public record Message(int type, int flags, int seq, int pid, byte[] payload) {
        public ByteBuffer body() {
            return ByteBuffer.wrap(payload).order(ByteOrder.nativeOrder());
        }

        /** For NLMSG_ERROR: 0 for an acknowledgement, else the positive errno. */
        public int errno() {
            return -body().getInt(0);
        }

        /** For NLMSG_ERROR with extended ack: the kernel's message, or "". */
        public String errorText() {
            if ((flags & NLM_F_ACK_TLVS) == 0)
                return "";
            int requestLength = (flags & NLM_F_CAPPED) != 0 ? HEADER : body().getInt(4);
            int start = 4 + align(requestLength);
            if (start > payload.length)
                return "";
            byte[] text = Netlink.attributes(payload, start).get(NLMSGERR_ATTR_MSG);
            return text == null ? "" : string(text);
        }

        /** The attributes after a fixed header of {@code fixed} bytes. */
        public Map<Integer, byte[]> attributes(int fixed) {
            return Netlink.attributes(payload, fixed);
        }
    }

    public static int align(int n) {
        return (n + 3) & ~3;
    }

    /** Cuts a buffer the kernel filled into its messages. */
    public static List<Message> parse(byte[] data, int length) {
        ByteBuffer b = ByteBuffer.wrap(data, 0, length).order(ByteOrder.nativeOrder());
        List<Message> out = new ArrayList<>();
        int at = 0;
        while (at + HEADER <= length) {
            int len = b.getInt(at);
            if (len < HEADER || at + len > length)
                throw new IllegalArgumentException("netlink message of " + len + " bytes at " + at + " in " + length);
            byte[] payload = new byte[len - HEADER];
            System.arraycopy(data, at + HEADER, payload, 0, payload.length);
            out.add(new Message(b.getShort(at + 4) & 0xffff, b.getShort(at + 6) & 0xffff, b.getInt(at + 8), b.getInt(at + 12), payload));
            at += align(len);
        }
        return out;
    }

    /** Attributes from {@code start}, by type (the nested flag cleared); a repeated type keeps the last. */
    public static Map<Integer, byte[]> attributes(byte[] data, int start) {
        Map<Integer, byte[]> out = new LinkedHashMap<>();
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.nativeOrder());
        int at = start;
        while (at + 4 <= data.length) {
            int len = b.getShort(at) & 0xffff;
            int type = b.getShort(at + 2) & 0x3fff;
            if (len < 4 || at + len > data.length)
                break;
            byte[] value = new byte[len - 4];
            System.arraycopy(data, at + 4, value, 0, value.length);
            out.put(type, value);
            at += align(len);
        }
        return out;
    }

    public static String string(byte[] value) {
        int n = 0;
        while (n < value.length && value[n] != 0)
            n++;
        return new String(value, 0, n, StandardCharsets.UTF_8);
    }

    public static int u32(byte[] value) {
        return ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getInt();
    }

    public static long u64(byte[] value, int at) {
        return ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getLong(at);
    }

    /** RTM_NEWADDRLABEL for an IPv6 prefix (16 bytes, network order) of {@code length} bits, created, not replaced. */
    public static Request addrLabel(byte[] prefix, int length, int label) {
        return new Request(RTM_NEWADDRLABEL, NLM_F_ACK | NLM_F_EXCL | NLM_F_CREATE)
                .u8(10).u8(0).u8(length).u8(0).u32(0).u32(0) // AF_INET6, any interface
                .attrU32(IFAL_LABEL, label).attr(IFAL_ADDRESS, prefix);
    }

    /** The dump of a namespace's address labels. */
    public static Request addrLabelDump() {
        return new Request(RTM_GETADDRLABEL, NLM_F_DUMP).u8(10).u8(0).u8(0).u8(0).u32(0).u32(0);
    }

    /** One label of a dump: the prefix bytes, its length and the label; null for another message. */
    public record AddrLabelEntry(byte[] prefix, int length, int label) {}

    public static AddrLabelEntry addrLabel(Message m) {
        if (m.type() != RTM_NEWADDRLABEL || m.payload().length < IFADDRLBLMSG)
            return null;
        Map<Integer, byte[]> a = m.attributes(IFADDRLBLMSG);
        if (a.get(IFAL_ADDRESS) == null || a.get(IFAL_LABEL) == null)
            return null;
        return new AddrLabelEntry(a.get(IFAL_ADDRESS), m.payload()[2] & 0xff, u32(a.get(IFAL_LABEL)));
    }

    /** A request being built: header, fixed part, attributes (nests opened and closed in order). */
    public static final class Request {
        private ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
        private final List<Integer> nests = new ArrayList<>();

        public Request(int type, int flags) {
            b.putInt(0).putShort((short) type).putShort((short) (flags | NLM_F_REQUEST)).putInt(0).putInt(0);
        }

        private void room(int n) {
            if (b.remaining() < n + 4) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + n + 64)).order(ByteOrder.nativeOrder());
                b.flip();
                bigger.put(b);
                b = bigger;
            }
        }

        public Request u8(int v) {
            room(1);
            b.put((byte) v);
            return this;
        }

        public Request u16(int v) {
            room(2);
            b.putShort((short) v);
            return this;
        }

        public Request u32(int v) {
            room(4);
            b.putInt(v);
            return this;
        }

        public Request bytes(byte[] v) {
            room(v.length);
            b.put(v);
            return this;
        }

        private void pad() {
            while (b.position() % 4 != 0)
                u8(0);
        }

        public Request attr(int type, byte[] value) {
            pad();
            u16(4 + value.length).u16(type).bytes(value);
            pad();
            return this;
        }

        public Request attrU32(int type, int value) {
            return attr(type, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array());
        }

        public Request attrString(int type, String value) {
            byte[] s = value.getBytes(StandardCharsets.UTF_8);
            byte[] z = new byte[s.length + 1];
            System.arraycopy(s, 0, z, 0, s.length);
            return attr(type, z);
        }

        /** Opens a nested attribute; everything until {@link #end} is inside it. */
        public Request begin(int type) {
            pad();
            nests.add(b.position());
            return u16(0).u16(type);
        }

        public Request end() {
            pad();
            int start = nests.remove(nests.size() - 1);
            b.putShort(start, (short) (b.position() - start));
            return this;
        }

        /** The finished bytes, numbered {@code seq}. */
        public byte[] build(int seq) {
            pad();
            if (!nests.isEmpty())
                throw new IllegalStateException("unclosed nested attribute");
            b.putInt(0, b.position());
            b.putInt(8, seq);
            byte[] out = new byte[b.position()];
            b.get(0, out);
            return out;
        }
    }
}

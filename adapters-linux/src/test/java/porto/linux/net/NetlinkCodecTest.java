package porto.linux.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The codec on replies recorded from this kernel (strace -e read= of ip(8) in a scratch
 * namespace; one line of hex per recvmsg): a multi-part link dump, error replies, and requests
 * built and read back.
 */
class NetlinkCodecTest {
    private static List<byte[]> recorded(String name) throws IOException {
        try (InputStream in = NetlinkCodecTest.class.getResourceAsStream("/netlink/" + name + ".hex")) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines().filter(l -> !l.isBlank())
                    .map(l -> HexFormat.of().parseHex(l.strip())).toList();
        }
    }

    private static List<Netlink.Message> parse(byte[] data) {
        return Netlink.parse(data, data.length);
    }

    @Test
    void aLinkDumpComesInPartsAndEndsWithDone() throws IOException {
        List<byte[]> buffers = recorded("link-dump");
        List<Netlink.Message> part = parse(buffers.get(1));
        assertEquals(1, part.size());
        Netlink.Message lo = part.get(0);
        assertEquals(Netlink.RTM_NEWLINK, lo.type());
        assertTrue((lo.flags() & Netlink.NLM_F_MULTI) != 0, "a part of a dump is marked multi");
        assertEquals(1, lo.body().getInt(4), "lo is link 1");
        Map<Integer, byte[]> a = lo.attributes(16);
        assertEquals("lo", Netlink.string(a.get(3)));
        assertEquals(65536, Netlink.u32(a.get(4)));
        byte[] stats = a.get(23);
        assertEquals(0L, Netlink.u64(stats, 0), "no packet went over lo yet");

        List<Netlink.Message> done = parse(buffers.get(2));
        assertEquals(Netlink.NLMSG_DONE, done.get(0).type());
        assertEquals(lo.seq(), done.get(0).seq());
    }

    @Test
    void errorRepliesCarryTheErrnoAndTheRequest() throws IOException {
        Netlink.Message exists = parse(recorded("error-eexist").get(1)).get(0);
        assertEquals(Netlink.NLMSG_ERROR, exists.type());
        assertEquals(17, exists.errno());
        assertEquals("", exists.errorText(), "ip(8) asked for no extended ack here");
        assertEquals(Netlink.RTM_NEWLINK, exists.body().getShort(8), "the failed request follows the errno");

        Netlink.Message noDevice = parse(recorded("error-enodev").get(0)).get(0);
        assertEquals(19, noDevice.errno());
    }

    @Test
    void anAcknowledgementIsAnErrorOfZero() throws IOException {
        // the first reply of ip(8) in error-eexist: its probe answered ENODEV; build an ack the same way
        byte[] ack = ByteBuffer.allocate(36).order(ByteOrder.nativeOrder()).putInt(36).putShort((short) 2).putShort((short) 0x100)
                .putInt(7).putInt(0).putInt(0).putInt(16).putShort((short) 16).putShort((short) 5).putInt(7).putInt(0).array();
        Netlink.Message m = parse(ack).get(0);
        assertEquals(0, m.errno());
        assertEquals(7, m.seq());
    }

    @Test
    void anExtendedAckGivesTheKernelsWords() {
        byte[] text = "Unknown device type\0".getBytes(StandardCharsets.US_ASCII);
        int tlv = 4 + text.length;
        int length = 16 + 4 + 16 + Netlink.align(tlv);
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
        b.putInt(length).putShort((short) 2).putShort((short) (Netlink.NLM_F_CAPPED | Netlink.NLM_F_ACK_TLVS)).putInt(3).putInt(0);
        b.putInt(-95).putInt(40).putShort((short) 16).putShort((short) 5).putInt(3).putInt(0);
        b.putShort((short) tlv).putShort((short) Netlink.NLMSGERR_ATTR_MSG).put(text);
        Netlink.Message m = parse(b.array()).get(0);
        assertEquals(95, m.errno());
        assertEquals("Unknown device type", m.errorText());
    }

    @Test
    void aBuiltRequestReadsBackWithItsNests() {
        byte[] bytes = new Netlink.Request(Netlink.RTM_NEWLINK, Netlink.NLM_F_ACK | Netlink.NLM_F_CREATE).bytes(new byte[16])
                .attrString(3, "veth0").begin(18).attrString(1, "veth").begin(2).begin(1).bytes(new byte[16])
                .attrString(3, "peer0").end().end().end().build(42);
        assertEquals(0, bytes.length % 4);
        Netlink.Message m = parse(bytes).get(0);
        assertEquals(Netlink.RTM_NEWLINK, m.type());
        assertEquals(Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK | Netlink.NLM_F_CREATE, m.flags());
        assertEquals(42, m.seq());
        Map<Integer, byte[]> a = m.attributes(16);
        assertEquals("veth0", Netlink.string(a.get(3)));
        Map<Integer, byte[]> info = Netlink.attributes(a.get(18), 0);
        assertEquals("veth", Netlink.string(info.get(1)));
        byte[] peer = Netlink.attributes(info.get(2), 0).get(1);
        assertEquals("peer0", Netlink.string(Netlink.attributes(peer, 16).get(3)));
    }

    @Test
    void aTruncatedMessageIsRefused() throws IOException {
        byte[] whole = recorded("link-dump").get(1);
        byte[] cut = java.util.Arrays.copyOf(whole, 100);
        assertThrows(IllegalArgumentException.class, () -> Netlink.parse(cut, cut.length));
        assertArrayEquals(whole, recorded("link-dump").get(1));
    }

    @Test
    void anAddressLabelRequestIsTheOneIpSends() {
        // strace -e write=3 of "ip addrlabel add prefix 2001:db8::/32 label 7" (its sequence number kept)
        byte[] ip = HexFormat.of().parseHex("38000000" + "48000506" + "bde00b6b" + "00000000" // header: RTM_NEWADDRLABEL, ACK|EXCL|CREATE
                + "0a002000" + "00000000" + "00000000" // ifaddrlblmsg: AF_INET6, /32, any interface
                + "08000200" + "07000000" + "14000100" + "20010db8000000000000000000000000"); // IFAL_LABEL, IFAL_ADDRESS
        byte[] prefix = HexFormat.of().parseHex("20010db8000000000000000000000000");
        assertArrayEquals(ip, Netlink.addrLabel(prefix, 32, 7).build(0x6b0be0bd));
    }

    @Test
    void anAddressLabelDumpListsTheKernelsDefaultsAndOurs() throws IOException {
        List<Netlink.Message> dump = parse(recorded("addrlabel-dump").get(0));
        assertEquals(12, dump.size(), "eleven labels and done");
        assertEquals(Netlink.NLMSG_DONE, dump.get(11).type());
        assertEquals(null, Netlink.addrLabel(dump.get(11)));
        Netlink.AddrLabelEntry loopback = Netlink.addrLabel(dump.get(0));
        assertEquals(128, loopback.length());
        assertEquals(0, loopback.label());
        assertArrayEquals(HexFormat.of().parseHex("00000000000000000000000000000001"), loopback.prefix());
        Netlink.AddrLabelEntry ours = Netlink.addrLabel(dump.get(3));
        assertEquals(32, ours.length());
        assertEquals(7, ours.label());
        assertArrayEquals(HexFormat.of().parseHex("20010db8000000000000000000000000"), ours.prefix());
    }
}

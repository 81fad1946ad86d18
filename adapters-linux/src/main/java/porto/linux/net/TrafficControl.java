package porto.linux.net;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import porto.ports.KernelException;
import porto.ports.net.Network.ClassStats;

/**
 * HTB over rtnetlink: a root qdisc 1: whose default class 1:1 carries every packet of the device
 * at {@code rate}, borrowing up to {@code ceil}. Rates go as 64-bit attributes with the link layer
 * set, so the kernel needs no rate tables.
 */
final class TrafficControl {
    private TrafficControl() {}

    static final int RTM_NEWQDISC = 36, RTM_DELQDISC = 37, RTM_GETQDISC = 38, RTM_NEWTCLASS = 40, RTM_GETTCLASS = 42;
    private static final int TC_H_ROOT = 0xFFFFFFFF, ROOT_HANDLE = 0x10000, CLASS = 0x10001;
    private static final int TCA_KIND = 1, TCA_OPTIONS = 2, TCA_STATS2 = 7;
    private static final int TCA_HTB_PARMS = 1, TCA_HTB_INIT = 2, TCA_HTB_RATE64 = 6, TCA_HTB_CEIL64 = 7;
    private static final int TCA_STATS_BASIC = 1, TCA_STATS_QUEUE = 3;
    private static final int TC_LINKLAYER_ETHERNET = 1;
    /** Burst of the class, in bytes: 1/50 s at the rate, at least 16 KiB. */
    private static final long MIN_BURST = 16 * 1024;

    private static byte[] tcmsg(int ifindex, int handle, int parent) {
        return ByteBuffer.allocate(20).order(ByteOrder.nativeOrder()).put((byte) 0).put((byte) 0).putShort((short) 0)
                .putInt(ifindex).putInt(handle).putInt(parent).putInt(0).array();
    }

    static void shape(NetlinkSocket s, int ifindex, String device, long rate, long ceil) throws KernelException {
        byte[] glob = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder()).putInt(3).putInt(10).putInt(1).putInt(0).putInt(0).array();
        try { // htb takes no change of its root; one made before (ours, 1:) stays and its class is replaced
            s.change(new Netlink.Request(RTM_NEWQDISC, Netlink.NLM_F_ACK | Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL)
                    .bytes(tcmsg(ifindex, ROOT_HANDLE, TC_H_ROOT)).attrString(TCA_KIND, "htb")
                    .begin(TCA_OPTIONS).attr(TCA_HTB_INIT, glob).end(), "add htb qdisc on " + device);
        } catch (KernelException e) {
            if (e.errno() != 17)
                throw e;
        }
        long burst = Math.max(MIN_BURST, rate / 50), cburst = Math.max(MIN_BURST, ceil / 50);
        ByteBuffer opt = ByteBuffer.allocate(44).order(ByteOrder.nativeOrder());
        ratespec(opt, rate);
        ratespec(opt, ceil);
        opt.putInt(ticks(burst, rate)).putInt(ticks(cburst, ceil)).putInt(0).putInt(0).putInt(0);
        s.change(new Netlink.Request(RTM_NEWTCLASS, Netlink.NLM_F_ACK | Netlink.NLM_F_CREATE | Netlink.NLM_F_REPLACE)
                .bytes(tcmsg(ifindex, CLASS, ROOT_HANDLE)).attrString(TCA_KIND, "htb")
                .begin(TCA_OPTIONS).attr(TCA_HTB_PARMS, opt.array()).attr(TCA_HTB_RATE64, u64(rate)).attr(TCA_HTB_CEIL64, u64(ceil)).end(),
                "add htb class 1:1 on " + device);
    }

    private static void ratespec(ByteBuffer b, long rate) {
        b.put((byte) 0).put((byte) TC_LINKLAYER_ETHERNET).putShort((short) 0).putShort((short) 0).putShort((short) 0)
                .putInt((int) Math.min(rate, 0xFFFFFFFFL));
    }

    /** The time to send {@code bytes} at {@code rate}, in the kernel's psched ticks of 64 ns. */
    private static int ticks(long bytes, long rate) {
        return (int) Math.min(Integer.MAX_VALUE, bytes * 1_000_000_000L / rate / 64);
    }

    private static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(v).array();
    }

    static void unshape(NetlinkSocket s, int ifindex, String device) throws KernelException {
        try {
            s.change(new Netlink.Request(RTM_DELQDISC, Netlink.NLM_F_ACK).bytes(tcmsg(ifindex, ROOT_HANDLE, TC_H_ROOT)),
                    "delete htb qdisc of " + device);
        } catch (KernelException e) {
            if (e.errno() != 2 && e.errno() != 22) // none there
                throw e;
        }
    }

    /** The counters of class 1:1 on the device, or null when it has none. */
    static ClassStats stats(NetlinkSocket s, int ifindex, String device) throws KernelException {
        for (Netlink.Message m : s.dump(new Netlink.Request(RTM_GETTCLASS, Netlink.NLM_F_DUMP).bytes(tcmsg(ifindex, 0, 0)),
                "list tc classes of " + device)) {
            ByteBuffer b = m.body();
            if (b.getInt(4) != ifindex || b.getInt(8) != CLASS)
                continue;
            Map<Integer, byte[]> a = m.attributes(20);
            byte[] stats2 = a.get(TCA_STATS2);
            if (stats2 == null)
                return new ClassStats(0, 0, 0, 0);
            Map<Integer, byte[]> st = Netlink.attributes(stats2, 0);
            byte[] basic = st.get(TCA_STATS_BASIC), queue = st.get(TCA_STATS_QUEUE);
            ByteBuffer bb = basic == null ? null : ByteBuffer.wrap(basic).order(ByteOrder.nativeOrder());
            ByteBuffer qb = queue == null ? null : ByteBuffer.wrap(queue).order(ByteOrder.nativeOrder());
            return new ClassStats(bb == null ? 0 : bb.getLong(0), bb == null ? 0 : bb.getInt(8) & 0xFFFFFFFFL,
                    qb == null ? 0 : qb.getInt(8) & 0xFFFFFFFFL, qb == null ? 0 : qb.getInt(16) & 0xFFFFFFFFL);
        }
        return null;
    }
}

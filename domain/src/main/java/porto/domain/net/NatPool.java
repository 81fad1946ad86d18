package porto.domain.net;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import porto.domain.ErrorCode;
import porto.domain.PortoException;

/**
 * The NAT range of the config: slot i is the i-th address after nat_first_ipv4 (and after
 * nat_first_ipv6), i below nat_count. A container holds one slot from its start until its stop;
 * a slot is never held twice. After a restart the holders are told again by {@link #take}.
 */
public final class NatPool {
    private final InetAddress first4, first6;
    private final int count;
    private final Map<Integer, Long> holders = new HashMap<>();

    public NatPool(NetworkConfig config) throws PortoException {
        this.first4 = config.natFirstIpv4().isEmpty() ? null : IpSpec.literal(config.natFirstIpv4());
        this.first6 = config.natFirstIpv6().isEmpty() ? null : IpSpec.literal(config.natFirstIpv6());
        this.count = config.natCount();
    }

    /** Gives container {@code id} a free slot: its addresses on {@code device}. */
    public synchronized List<IpSpec.Entry> allocate(long id, String device) throws PortoException {
        if (first4 == null && first6 == null || count <= 0)
            throw new PortoException(ErrorCode.ResourceNotAvailable, "net=NAT: no NAT range is configured (nat_first_ipv4, nat_count)");
        for (int slot = 0; slot < count; slot++) {
            if (holders.containsKey(slot))
                continue;
            holders.put(slot, id);
            return addresses(slot, device);
        }
        throw new PortoException(ErrorCode.ResourceNotAvailable, "net=NAT: all " + count + " addresses of the NAT range are in use");
    }

    /** Marks the slot of these addresses as held by {@code id} (a restored container); false if it is not in the range or held by another. */
    public synchronized boolean take(long id, List<IpSpec.Entry> ips) {
        for (IpSpec.Entry e : ips) {
            int slot = slotOf(e.ip());
            if (slot < 0)
                continue;
            Long holder = holders.get(slot);
            if (holder != null && holder != id)
                return false;
            holders.put(slot, id);
            return true;
        }
        return false;
    }

    /** Frees the slot of {@code id}; true if it held one. */
    public synchronized boolean free(long id) {
        return holders.values().removeIf(h -> h == id);
    }

    public synchronized Map<Integer, Long> held() {
        return Map.copyOf(holders);
    }

    private int slotOf(InetAddress ip) {
        for (InetAddress first : new InetAddress[] {first4, first6}) {
            if (first == null || first.getAddress().length != ip.getAddress().length)
                continue;
            BigInteger d = new BigInteger(1, ip.getAddress()).subtract(new BigInteger(1, first.getAddress()));
            if (d.signum() >= 0 && d.compareTo(BigInteger.valueOf(count)) < 0)
                return d.intValue();
        }
        return -1;
    }

    private List<IpSpec.Entry> addresses(int slot, String device) {
        List<IpSpec.Entry> out = new ArrayList<>();
        for (InetAddress first : new InetAddress[] {first4, first6})
            if (first != null)
                out.add(new IpSpec.Entry(device, plus(first, slot), first.getAddress().length * 8));
        return out;
    }

    private static InetAddress plus(InetAddress base, int n) {
        byte[] raw = new BigInteger(1, base.getAddress()).add(BigInteger.valueOf(n)).toByteArray();
        byte[] out = new byte[base.getAddress().length];
        int copy = Math.min(raw.length, out.length);
        System.arraycopy(raw, raw.length - copy, out, out.length - copy, copy);
        try {
            return InetAddress.getByAddress(out);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}

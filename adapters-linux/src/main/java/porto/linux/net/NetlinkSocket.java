package porto.linux.net;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import porto.ports.KernelException;

/**
 * An rtnetlink socket in one network namespace: a socket stays in the namespace it was created
 * in, so one for another namespace is made on a short-lived platform thread that enters it first.
 * Each request waits for its acknowledgement, or for the last part of a dump.
 */
final class NetlinkSocket implements AutoCloseable {
    private static final int BUFFER = 64 * 1024;
    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer = arena.allocate(BUFFER);
    private int seq;

    private NetlinkSocket(int fd) {
        this.fd = fd;
    }

    /** A socket in the namespace of {@code nsPath}, or in the caller's own when it is null. */
    static NetlinkSocket open(String nsPath) throws KernelException {
        if (nsPath == null)
            return new NetlinkSocket(create());
        return new NetlinkSocket(Namespaces.inside(nsPath, NetlinkSocket::create));
    }

    private static int create() throws KernelException {
        int fd = NetNative.socket(NetNative.AF_NETLINK, NetNative.SOCK_RAW | NetNative.SOCK_CLOEXEC, NetNative.NETLINK_ROUTE);
        if (fd < 0)
            throw new KernelException(-fd, "socket(AF_NETLINK)");
        // Errors come with the kernel's own words and without our request echoed back.
        NetNative.setsockopt(fd, NetNative.SOL_NETLINK, NetNative.NETLINK_EXT_ACK, 1);
        NetNative.setsockopt(fd, NetNative.SOL_NETLINK, NetNative.NETLINK_CAP_ACK, 1);
        int rc = NetNative.bindNetlink(fd);
        if (rc < 0) {
            NetNative.close(fd);
            throw new KernelException(-rc, "bind(AF_NETLINK)");
        }
        return fd;
    }

    /** Sends a request that changes something and waits for its acknowledgement. */
    void change(Netlink.Request request, String what) throws KernelException {
        exchange(request.build(++seq), what);
    }

    /** Sends a dump request and returns every message of the reply. */
    List<Netlink.Message> dump(Netlink.Request request, String what) throws KernelException {
        return exchange(request.build(++seq), what);
    }

    private List<Netlink.Message> exchange(byte[] request, String what) throws KernelException {
        int mySeq = seq;
        MemorySegment out = arena.allocate(request.length);
        out.copyFrom(MemorySegment.ofArray(request));
        long sent = NetNative.send(fd, out);
        if (sent < 0)
            throw new KernelException((int) -sent, what + ": send");
        List<Netlink.Message> replies = new ArrayList<>();
        byte[] data = new byte[BUFFER];
        while (true) {
            long n = NetNative.recv(fd, buffer);
            if (n < 0)
                throw new KernelException((int) -n, what + ": recv");
            MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, data, 0, (int) n);
            for (Netlink.Message m : Netlink.parse(data, (int) n)) {
                if (m.seq() != mySeq)
                    continue; // a late answer to an earlier request
                if (m.type() == Netlink.NLMSG_ERROR) {
                    int errno = m.errno();
                    if (errno == 0)
                        return replies;
                    String text = m.errorText();
                    throw new KernelException(errno, what + ": " + (text.isEmpty() ? Errno.name(errno) : text + " (" + Errno.name(errno) + ")"));
                }
                if (m.type() == Netlink.NLMSG_DONE)
                    return replies;
                replies.add(m);
                if ((m.flags() & Netlink.NLM_F_MULTI) == 0)
                    return replies;
            }
        }
    }

    @Override
    public void close() {
        NetNative.close(fd);
        arena.close();
    }

    /** A few errno names for messages. */
    static final class Errno {
        private Errno() {}

        static String name(int errno) {
            return switch (errno) {
                case 1 -> "EPERM";
                case 2 -> "ENOENT";
                case 16 -> "EBUSY";
                case 17 -> "EEXIST";
                case 19 -> "ENODEV";
                case 22 -> "EINVAL";
                case 95 -> "EOPNOTSUPP";
                case 99 -> "EADDRNOTAVAIL";
                default -> "errno " + errno;
            };
        }
    }
}

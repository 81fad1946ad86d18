package porto.linux.net;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/** The libc calls netlink and namespaces need, through the JDK's FFM; each returns -errno on failure. */
final class NetNative {
    static final int AF_NETLINK = 16, SOCK_RAW = 3, SOCK_CLOEXEC = 0x80000, NETLINK_ROUTE = 0;
    static final int SOL_NETLINK = 270, NETLINK_CAP_ACK = 10, NETLINK_EXT_ACK = 11;
    static final int SOL_SOCKET = 1, SO_RCVBUF = 8;
    static final int CLONE_NEWNET = 0x40000000;
    static final long MS_BIND = 4096;
    static final int MNT_DETACH = 2;
    static final int O_RDONLY = 0, O_CLOEXEC = 0x80000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG;
    private static final java.lang.foreign.AddressLayout P = ValueLayout.ADDRESS;

    private NetNative() {}

    private static MethodHandle function(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(() -> new UnsatisfiedLinkError(name)), d,
                Linker.Option.captureCallState("errno"));
    }

    private static final MethodHandle SOCKET = function("socket", FunctionDescriptor.of(I, I, I, I));
    private static final MethodHandle BIND = function("bind", FunctionDescriptor.of(I, I, P, I));
    private static final MethodHandle SETSOCKOPT = function("setsockopt", FunctionDescriptor.of(I, I, I, I, P, I));
    private static final MethodHandle SEND = function("send", FunctionDescriptor.of(L, I, P, L, I));
    private static final MethodHandle RECV = function("recv", FunctionDescriptor.of(L, I, P, L, I));
    private static final MethodHandle CLOSE = function("close", FunctionDescriptor.of(I, I));
    private static final MethodHandle OPEN = function("open", FunctionDescriptor.of(I, P, I, I));
    private static final MethodHandle SETNS = function("setns", FunctionDescriptor.of(I, I, I));
    private static final MethodHandle UNSHARE = function("unshare", FunctionDescriptor.of(I, I));
    private static final MethodHandle MOUNT = function("mount", FunctionDescriptor.of(I, P, P, P, L, P));
    private static final MethodHandle UMOUNT2 = function("umount2", FunctionDescriptor.of(I, P, I));
    // ioctl(2) is variadic: its third argument is a pointer for some requests, a number for others.
    private static final MethodHandle IOCTL_POINTER = variadic("ioctl", FunctionDescriptor.of(I, I, L, P));
    private static final MethodHandle IOCTL_NUMBER = variadic("ioctl", FunctionDescriptor.of(I, I, L, L));
    static final int O_RDWR = 2;
    static final long TUNSETIFF = 0x400454caL, TUNSETPERSIST = 0x400454cbL, TUNSETOWNER = 0x400454ccL, TUNSETGROUP = 0x400454ceL;
    static final short IFF_TAP = 0x0002, IFF_NO_PI = 0x1000, IFF_TUN_EXCL = (short) 0x8000;

    private static MethodHandle variadic(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(() -> new UnsatisfiedLinkError(name)), d,
                Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(2));
    }

    /** TUNSETIFF with a struct ifreq (40 bytes: the name, then the flags as a short). */
    static int tunSetIff(int fd, String name, short flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(STATE);
            MemorySegment ifr = a.allocate(40);
            byte[] bytes = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            MemorySegment.copy(bytes, 0, ifr, ValueLayout.JAVA_BYTE, 0, Math.min(bytes.length, 15));
            ifr.set(ValueLayout.JAVA_SHORT, 16, flags);
            return rc((int) IOCTL_POINTER.invokeExact(s, fd, TUNSETIFF, ifr), s);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** An ioctl whose argument is a number (TUNSETOWNER, TUNSETGROUP, TUNSETPERSIST). */
    static int ioctl(int fd, long request, long value) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(STATE);
            return rc((int) IOCTL_NUMBER.invokeExact(s, fd, request, value), s);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static int rc(int rc, MemorySegment state) {
        return rc >= 0 ? rc : -errno(state);
    }

    static int socket(int domain, int type, int protocol) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(STATE);
            return rc((int) SOCKET.invokeExact(s, domain, type, protocol), s);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** bind(2) to a sockaddr_nl with port id 0 (the kernel picks one) and no groups. */
    static int bindNetlink(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(STATE);
            MemorySegment addr = a.allocate(12);
            addr.set(ValueLayout.JAVA_SHORT, 0, (short) AF_NETLINK);
            return rc((int) BIND.invokeExact(s, fd, addr, 12), s);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int setsockopt(int fd, int level, int name, int value) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(STATE);
            return rc((int) SETSOCKOPT.invokeExact(s, fd, level, name, a.allocateFrom(I, value), 4), s);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static long send(int fd, MemorySegment data) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(STATE);
            long rc = (long) SEND.invokeExact(s, fd, data, data.byteSize(), 0);
            return rc >= 0 ? rc : -errno(s);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static long recv(int fd, MemorySegment into) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(STATE);
            long rc = (long) RECV.invokeExact(s, fd, into, into.byteSize(), 0);
            return rc >= 0 ? rc : -errno(s);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static void close(int fd) {
        try (Arena a = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(a.allocate(STATE), fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int open(String path, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(STATE);
            return rc((int) OPEN.invokeExact(s, a.allocateFrom(path), flags | O_CLOEXEC, 0), s);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int setns(int fd, int type) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(STATE);
            return rc((int) SETNS.invokeExact(s, fd, type), s);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int unshare(int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(STATE);
            return rc((int) UNSHARE.invokeExact(s, flags), s);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int bindMount(String source, String target) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(STATE);
            return rc((int) MOUNT.invokeExact(s, a.allocateFrom(source), a.allocateFrom(target), MemorySegment.NULL, MS_BIND,
                    MemorySegment.NULL), s);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int umountDetach(String target) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(STATE);
            return rc((int) UMOUNT2.invokeExact(s, a.allocateFrom(target), MNT_DETACH), s);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}

package porto.linux.layer;

import static porto.ports.Errno.*;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The *at(2) calls that write a layer relative to directory descriptors, and the xattr calls the
 * JDK lacks, through the foreign function interface. Each returns its result or -errno.
 */
final class Syscalls {
    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int O_NOCTTY = 0400;
    static final int O_NONBLOCK = 04000;
    static final int O_DIRECTORY = 0200000;
    static final int O_NOFOLLOW = 0400000;
    static final int O_CLOEXEC = 02000000;
    static final int O_PATH = 010000000;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_REMOVEDIR = 0x200;
    static final long RESOLVE_NO_XDEV = 0x01;
    static final long RESOLVE_NO_MAGICLINKS = 0x02;
    static final long RESOLVE_NO_SYMLINKS = 0x04;
    static final long RESOLVE_BENEATH = 0x08;
    static final int S_IFCHR = 0020000;
    static final int S_IFBLK = 0060000;
    static final int S_IFIFO = 0010000;
    private static final long SYS_OPENAT2 = 437;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Map<String, MethodHandle> HANDLES = new ConcurrentHashMap<>();
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG;
    private static final java.lang.foreign.AddressLayout A = ValueLayout.ADDRESS;

    private Syscalls() {}

    private static MethodHandle handle(String name, FunctionDescriptor d, int firstVariadic) {
        return HANDLES.computeIfAbsent(name + d, k -> {
            MemorySegment address = LINKER.defaultLookup().find(name).orElseThrow(() -> new UnsatisfiedLinkError(name));
            List<Linker.Option> options = new ArrayList<>();
            options.add(Linker.Option.captureCallState("errno"));
            if (firstVariadic >= 0)
                options.add(Linker.Option.firstVariadicArg(firstVariadic));
            return LINKER.downcallHandle(address, d, options.toArray(Linker.Option[]::new));
        });
    }

    /** Calls {@code name}; arguments of type String become C strings. */
    private static long call(String name, FunctionDescriptor d, int firstVariadic, Object... args) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(STATE);
            Object[] all = new Object[args.length + 1];
            all[0] = state;
            for (int i = 0; i < args.length; i++)
                all[i + 1] = args[i] instanceof String s ? arena.allocateFrom(s) : args[i];
            Object rc = handle(name, d, firstVariadic).invokeWithArguments(all);
            long r = rc instanceof Integer n ? n : (Long) rc;
            return r >= 0 ? r : -(int) ERRNO.get(state, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException(name, t);
        }
    }

    static int openat(int dir, String name, int flags, int mode) {
        return (int) call("openat", FunctionDescriptor.of(I, I, A, I, I), 3, dir, name, flags | O_CLOEXEC, mode);
    }

    /** openat2(2) with RESOLVE_* flags. */
    static int openat2(int dir, String path, int flags, long resolve) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment how = arena.allocate(24); // struct open_how { u64 flags, mode, resolve; }
            how.set(L, 0, flags | O_CLOEXEC);
            how.set(L, 16, resolve);
            return (int) call("syscall", FunctionDescriptor.of(L, L, I, A, A, L), 1, SYS_OPENAT2, dir, path, how, 24L);
        }
    }

    static int close(int fd) {
        return (int) call("close", FunctionDescriptor.of(I, I), -1, fd);
    }

    static int mkdirat(int dir, String name, int mode) {
        return (int) call("mkdirat", FunctionDescriptor.of(I, I, A, I), -1, dir, name, mode);
    }

    static int mknodat(int dir, String name, int mode, long dev) {
        return (int) call("mknodat", FunctionDescriptor.of(I, I, A, I, L), -1, dir, name, mode, dev);
    }

    static int symlinkat(String target, int dir, String name) {
        return (int) call("symlinkat", FunctionDescriptor.of(I, A, I, A), -1, target, dir, name);
    }

    static int linkat(int fromDir, String from, int toDir, String to) {
        return (int) call("linkat", FunctionDescriptor.of(I, I, A, I, A, I), -1, fromDir, from, toDir, to, 0);
    }

    static int unlinkat(int dir, String name, int flags) {
        return (int) call("unlinkat", FunctionDescriptor.of(I, I, A, I), -1, dir, name, flags);
    }

    static int fchownat(int dir, String name, int uid, int gid) {
        return (int) call("fchownat", FunctionDescriptor.of(I, I, A, I, I, I), -1, dir, name, uid, gid, AT_SYMLINK_NOFOLLOW);
    }

    /** chmod of an entry that is not a symbolic link (fchmodat cannot change a link's own mode). */
    static int fchmodat(int dir, String name, int mode) {
        return (int) call("fchmodat", FunctionDescriptor.of(I, I, A, I, I), -1, dir, name, mode, 0);
    }

    /** Sets access and modification time (seconds, nanoseconds) without following a link. */
    static int utimensat(int dir, String name, long seconds, long nanos) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment times = arena.allocate(32);
            times.set(L, 0, seconds);
            times.set(L, 8, nanos);
            times.set(L, 16, seconds);
            times.set(L, 24, nanos);
            return (int) call("utimensat", FunctionDescriptor.of(I, I, A, A, I), -1, dir, name, times, AT_SYMLINK_NOFOLLOW);
        }
    }

    /** lsetxattr(2) on a path (the caller names an entry through a directory descriptor: /proc/self/fd/N/name). */
    static int lsetxattr(String path, String name, byte[] value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(Math.max(1, value.length));
            v.copyFrom(MemorySegment.ofArray(value));
            return (int) call("lsetxattr", FunctionDescriptor.of(I, A, A, A, L, I), -1, path, name, v, (long) value.length, 0);
        }
    }

    /** The extended attributes of a path, its last component not followed: name to value. */
    static Map<String, byte[]> lxattrs(String path) {
        Map<String, byte[]> out = new java.util.TreeMap<>();
        try (Arena arena = Arena.ofConfined()) {
            long size = call("llistxattr", FunctionDescriptor.of(L, A, A, L), -1, path, MemorySegment.NULL, 0L);
            if (size <= 0)
                return out;
            MemorySegment names = arena.allocate(size);
            size = call("llistxattr", FunctionDescriptor.of(L, A, A, L), -1, path, names, size);
            if (size <= 0)
                return out;
            byte[] all = names.asSlice(0, size).toArray(ValueLayout.JAVA_BYTE);
            int start = 0;
            for (int i = 0; i < all.length; i++) {
                if (all[i] != 0)
                    continue;
                String name = new String(all, start, i - start, java.nio.charset.StandardCharsets.UTF_8);
                start = i + 1;
                long n = call("lgetxattr", FunctionDescriptor.of(L, A, A, A, L), -1, path, name, MemorySegment.NULL, 0L);
                if (n < 0)
                    continue;
                MemorySegment value = arena.allocate(Math.max(1, n));
                n = call("lgetxattr", FunctionDescriptor.of(L, A, A, A, L), -1, path, name, value, n);
                if (n >= 0)
                    out.put(name, value.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE));
            }
        }
        return out;
    }

    /** makedev(3). */
    static long makedev(int major, int minor) {
        return ((long) (major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8) | ((long) (minor & 0xffffff00L) << 12) | (minor & 0xffL);
    }
}

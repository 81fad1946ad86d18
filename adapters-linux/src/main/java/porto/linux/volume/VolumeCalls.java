package porto.linux.volume;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The libc calls volumes need (mount, umount2, statvfs, the project-id ioctls, quotactl), through
 * the JDK's foreign function interface. Each returns 0 (or a value) or -errno.
 */
public final class VolumeCalls {
    static final long MS_RDONLY = 1;
    static final long MS_REMOUNT = 32;
    static final long MS_BIND = 4096;
    static final long MS_REC = 16384;
    public static final int MNT_DETACH = 2;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private VolumeCalls() {}

    private static MethodHandle function(String name, FunctionDescriptor descriptor, Linker.Option... more) {
        MemorySegment address = LINKER.defaultLookup().find(name).orElseThrow(() -> new UnsatisfiedLinkError(name));
        Linker.Option[] options = java.util.Arrays.copyOf(more, more.length + 1);
        options[more.length] = Linker.Option.captureCallState("errno");
        return LINKER.downcallHandle(address, descriptor, options);
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static final class Mount {
        static final MethodHandle H = function("mount", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
    }

    private static final class Umount2 {
        static final MethodHandle H = function("umount2", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                ValueLayout.JAVA_INT));
    }

    private static final class Statvfs {
        static final MethodHandle H = function("statvfs", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                ValueLayout.ADDRESS));
    }

    private static final class Open {
        static final MethodHandle H = function("open", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    private static final class Close {
        static final MethodHandle H = function("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    private static final class Ioctl {
        static final MethodHandle H = function("ioctl", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                ValueLayout.JAVA_LONG, ValueLayout.ADDRESS), Linker.Option.firstVariadicArg(2));
    }

    private static final class Quotactl {
        static final MethodHandle H = function("quotactl", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    }

    /** mount(2); null source/type/data are passed as NULL. */
    public static int mount(String source, String target, String type, long flags, String data) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) Mount.H.invokeExact(state, text(arena, source), arena.allocateFrom(target), text(arena, type),
                    flags, text(arena, data));
            return rc == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public static int umount2(String target, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) Umount2.H.invokeExact(state, arena.allocateFrom(target), flags);
            return rc == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** statvfs(2): {bytes total, bytes free (for unprivileged), inodes total, inodes free}, or null with errno in [0]. */
    static long[] statvfs(String path, int[] errno) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment buf = arena.allocate(112); // struct statvfs on 64-bit Linux
            int rc = (int) Statvfs.H.invokeExact(state, arena.allocateFrom(path), buf);
            if (rc != 0) {
                errno[0] = errno(state);
                return null;
            }
            long frsize = buf.get(ValueLayout.JAVA_LONG, 8);
            long blocks = buf.get(ValueLayout.JAVA_LONG, 16);
            long bavail = buf.get(ValueLayout.JAVA_LONG, 32);
            long files = buf.get(ValueLayout.JAVA_LONG, 40);
            long favail = buf.get(ValueLayout.JAVA_LONG, 56);
            return new long[] {blocks * frsize, bavail * frsize, files, favail};
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static final long FS_IOC_FSGETXATTR = 0x801c581fL;
    private static final long FS_IOC_FSSETXATTR = 0x401c5820L;
    static final int FS_XFLAG_PROJINHERIT = 0x200;
    private static final int O_RDONLY_DIRECTORY_NOFOLLOW = 0x10000 | 0x20000 | 0x80000; // O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC

    /** Sets the project id (and for directories the inherit flag) of a file or directory; 0 or -errno. */
    static int setProject(String path, int projectId, boolean directory) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int flags = directory ? O_RDONLY_DIRECTORY_NOFOLLOW : (0x20000 | 0x80000);
            int fd = (int) Open.H.invokeExact(state, arena.allocateFrom(path), flags, 0);
            if (fd < 0)
                return -errno(state);
            try {
                MemorySegment attr = arena.allocate(28); // struct fsxattr
                int rc = (int) Ioctl.H.invokeExact(state, fd, FS_IOC_FSGETXATTR, attr);
                if (rc != 0)
                    return -errno(state);
                int xflags = attr.get(ValueLayout.JAVA_INT, 0);
                xflags = directory && projectId != 0 ? xflags | FS_XFLAG_PROJINHERIT : xflags & ~FS_XFLAG_PROJINHERIT;
                attr.set(ValueLayout.JAVA_INT, 0, xflags);
                attr.set(ValueLayout.JAVA_INT, 12, projectId);
                rc = (int) Ioctl.H.invokeExact(state, fd, FS_IOC_FSSETXATTR, attr);
                return rc == 0 ? 0 : -errno(state);
            } finally {
                int ignored = (int) Close.H.invokeExact(state, fd);
            }
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static final int PRJQUOTA = 2;
    private static final int Q_GETQUOTA = 0x800007;
    private static final int Q_SETQUOTA = 0x800008;
    private static final int QIF_LIMITS = 1 | 4;

    private static int qcmd(int cmd) {
        return (cmd << 8) | PRJQUOTA;
    }

    /** Sets the hard limits of a project on the filesystem of block device {@code special}; 0 for none. */
    static int setProjectLimits(String special, int projectId, long bytes, long inodes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment dq = arena.allocate(72); // struct if_dqblk
            long blocks = (bytes + 1023) / 1024;
            dq.set(ValueLayout.JAVA_LONG, 0, blocks);
            dq.set(ValueLayout.JAVA_LONG, 8, blocks);
            dq.set(ValueLayout.JAVA_LONG, 24, inodes);
            dq.set(ValueLayout.JAVA_LONG, 32, inodes);
            dq.set(ValueLayout.JAVA_INT, 64, QIF_LIMITS);
            int rc = (int) Quotactl.H.invokeExact(state, qcmd(Q_SETQUOTA), arena.allocateFrom(special), projectId, dq);
            return rc == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {bytes used, inodes used} of a project, or null with errno in [0]. */
    static long[] projectUsage(String special, int projectId, int[] errno) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment dq = arena.allocate(72);
            int rc = (int) Quotactl.H.invokeExact(state, qcmd(Q_GETQUOTA), arena.allocateFrom(special), projectId, dq);
            if (rc != 0) {
                errno[0] = errno(state);
                return null;
            }
            return new long[] {dq.get(ValueLayout.JAVA_LONG, 16), dq.get(ValueLayout.JAVA_LONG, 40)};
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static MemorySegment text(Arena arena, String s) {
        return s == null ? MemorySegment.NULL : arena.allocateFrom(s);
    }
}

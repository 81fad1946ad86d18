package porto.linux;

import java.util.List;
import jnr.ffi.LibraryLoader;
import jnr.posix.FileStat;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import porto.ports.ContainerFiles.FileFacts;
import porto.ports.KernelException;

/**
 * Looks at paths inside a container's root the way the kernel would inside it: openat2(2) with
 * RESOLVE_IN_ROOT resolves every symbolic link (and "..") as if the root were "/", so a link the
 * container made can never point the daemon at a host file.
 */
final class RootedFiles {
    private static final POSIX POSIX = POSIXFactory.getNativePOSIX();
    private static final long SYS_OPENAT2 = 437;
    private static final int O_RDONLY = 0;
    private static final int O_NOCTTY = 0400;
    private static final int O_DIRECTORY = 0200000;
    private static final int O_CLOEXEC = 02000000;
    private static final int O_PATH = 010000000;
    private static final long RESOLVE_NO_MAGICLINKS = 0x02;
    private static final long RESOLVE_IN_ROOT = 0x10;
    private static final int EACCES = 13;
    private static final int EINVAL = 22;

    // Public: jnr-ffi implements it from a class loader of its own.
    public interface LibC {
        long syscall(long number, int dirfd, String path, long[] how, long size);
    }

    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");

    private RootedFiles() {}

    /** An O_PATH descriptor of {@code path} inside {@code root}; the caller closes it. */
    private static int openPath(String root, String path) throws KernelException {
        int dir = POSIX.open(root, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
        if (dir < 0)
            throw new KernelException(POSIX.errno(), "cannot open root " + root);
        try {
            long[] how = {O_PATH | O_CLOEXEC, 0, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
            int fd = (int) LIBC.syscall(SYS_OPENAT2, dir, path, how, 24);
            if (fd < 0)
                throw new KernelException(POSIX.errno(), "cannot open " + path + " in " + root);
            return fd;
        } finally {
            POSIX.close(dir);
        }
    }

    private static FileStat stat(int fd, String path) throws KernelException {
        FileStat st = POSIX.allocateStat();
        if (POSIX.fstat(fd, st) < 0)
            throw new KernelException(POSIX.errno(), "cannot stat " + path);
        return st;
    }

    static FileFacts facts(String root, String path) {
        int fd;
        try {
            fd = openPath(root, path);
        } catch (KernelException e) {
            return null;
        }
        try {
            FileStat st = stat(fd, path);
            FileFacts.Kind kind = st.isDirectory() ? FileFacts.Kind.DIRECTORY : st.isFile() ? FileFacts.Kind.REGULAR
                    : st.isCharDev() ? FileFacts.Kind.CHAR_DEVICE : st.isBlockDev() ? FileFacts.Kind.BLOCK_DEVICE
                    : FileFacts.Kind.OTHER;
            long dev = st.rdev();
            int major = (int) (((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL));
            int minor = (int) ((dev & 0xff) | ((dev >>> 12) & ~0xffL));
            return new FileFacts(kind, st.uid(), st.gid(), st.mode() & 07777, major, minor);
        } catch (KernelException e) {
            return null;
        } finally {
            POSIX.close(fd);
        }
    }

    static long size(String root, String path) {
        FileFacts f = facts(root, path);
        if (f == null || f.kind() != FileFacts.Kind.REGULAR)
            return -1;
        int fd;
        try {
            fd = openPath(root, path);
        } catch (KernelException e) {
            return -1;
        }
        try {
            return stat(fd, path).st_size();
        } catch (KernelException e) {
            return -1;
        } finally {
            POSIX.close(fd);
        }
    }

    /** Reads a regular file only; the permission check is made on the very file that is read. */
    static byte[] read(String root, String path, long offset, int length, int uid, List<Integer> groups) throws KernelException {
        int pathFd = openPath(root, path);
        int fd;
        try {
            FileStat st = stat(pathFd, path);
            if (!st.isFile())
                throw new KernelException(EINVAL, path + " in " + root + " is not a regular file");
            FileFacts f = new FileFacts(FileFacts.Kind.REGULAR, st.uid(), st.gid(), st.mode() & 0777, 0, 0);
            if (!f.permits(uid, groups, 4))
                throw new KernelException(EACCES, "user " + uid + " may not read " + path);
            // Reopening through the descriptor opens this inode, whatever the path now names.
            fd = POSIX.open("/proc/self/fd/" + pathFd, O_RDONLY | O_NOCTTY | O_CLOEXEC, 0);
            if (fd < 0)
                throw new KernelException(POSIX.errno(), "cannot open " + path + " in " + root);
        } finally {
            POSIX.close(pathFd);
        }
        try {
            long size = stat(fd, path).st_size();
            int n = (int) Math.max(0, Math.min(length, size - offset));
            byte[] data = new byte[n];
            byte[] chunk = new byte[Math.min(n, 1 << 16)];
            int done = 0;
            while (done < n) {
                long got = POSIX.pread(fd, chunk, (long) Math.min(chunk.length, n - done), offset + done);
                if (got < 0)
                    throw new KernelException(POSIX.errno(), "cannot read " + path);
                if (got == 0)
                    break;
                System.arraycopy(chunk, 0, data, done, (int) got);
                done += (int) got;
            }
            return done == n ? data : java.util.Arrays.copyOf(data, done);
        } finally {
            POSIX.close(fd);
        }
    }
}

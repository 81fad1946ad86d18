package porto.linux;

import static porto.ports.Errno.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import porto.ports.ContainerFiles;
import porto.ports.LaunchSpec;
import porto.ports.ContainerFiles.FileFacts;
import porto.ports.KernelException;

/**
 * Looks at paths inside a container's root the way the kernel would inside it: openat2(2) with
 * RESOLVE_IN_ROOT resolves every symbolic link (and "..") as if the root were "/", so a link the
 * container made can never point the daemon at a host file. What is then read or examined is the
 * opened file itself, through /proc/self/fd, whatever its path names meanwhile.
 */
final class RootedFiles {
    private static final int O_DIRECTORY = 0200000;
    private static final int O_PATH = 010000000;
    private static final long RESOLVE_NO_MAGICLINKS = 0x02;
    private static final long RESOLVE_IN_ROOT = 0x10;

    private RootedFiles() {}

    /** An O_PATH descriptor of {@code path} inside {@code root}; the caller closes it. */
    private static int openPath(String root, String path) throws KernelException {
        int dir = Native.open(root, O_PATH | O_DIRECTORY);
        if (dir < 0)
            throw new KernelException(-dir, "cannot open root " + root);
        try {
            int fd = Native.openat2(dir, path, O_PATH, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
            if (fd < 0)
                throw new KernelException(-fd, "cannot open " + path + " in " + root);
            return fd;
        } finally {
            Native.close(dir);
        }
    }

    private static Path viaDescriptor(int fd) {
        return Path.of("/proc/self/fd/" + fd);
    }

    private static FileFacts facts(int fd) throws IOException {
        Map<String, Object> a = Files.readAttributes(viaDescriptor(fd), "unix:mode,uid,gid,rdev");
        int mode = (Integer) a.get("mode");
        FileFacts.Kind kind = switch (mode & 0170000) {
            case 0040000 -> FileFacts.Kind.DIRECTORY;
            case 0100000 -> FileFacts.Kind.REGULAR;
            case 0020000 -> FileFacts.Kind.CHAR_DEVICE;
            case 0060000 -> FileFacts.Kind.BLOCK_DEVICE;
            default -> FileFacts.Kind.OTHER;
        };
        long dev = (Long) a.get("rdev");
        int major = (int) (((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL));
        int minor = (int) ((dev & 0xff) | ((dev >>> 12) & ~0xffL));
        return new FileFacts(kind, (Integer) a.get("uid"), (Integer) a.get("gid"), mode & 07777, major, minor);
    }

    static FileFacts facts(String root, String path) {
        try {
            int fd = openPath(root, path);
            try {
                return facts(fd);
            } finally {
                Native.close(fd);
            }
        } catch (KernelException | IOException e) {
            return null;
        }
    }

    private static final int O_NOCTTY = 0400;
    private static final int O_NONBLOCK = 04000;
    private static final long SYS_FACCESSAT2 = 439;
    private static final int AT_EACCESS = 0x200;
    private static final int AT_EMPTY_PATH = 0x1000;
    private static final int R_OK = 4;
    private static final int W_OK = 2;
    private static final int X_OK = 1;

    /**
     * Opens {@code path} inside {@code root} with the rights of {@code as}: the root itself and every
     * directory on the way are looked up as that user, so a file is reached only if the user could
     * reach it. -errno when not.
     */
    private static int openAs(String root, String path, int flags, LaunchSpec.Cred as) throws KernelException {
        return AsUser.call(as, () -> {
            int dir = Native.open(root, O_PATH | O_DIRECTORY);
            if (dir < 0)
                return dir;
            int fd = Native.openat2(dir, path, flags, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
            Native.close(dir);
            return fd;
        });
    }

    private static String where(String root, String path) {
        return root.equals("/") ? path : path + " in " + root;
    }

    /** A regular file opened for reading as {@code as}; -1 when there is none. */
    private static int openRegularAs(String root, String path, LaunchSpec.Cred as) throws KernelException {
        // Non-blocking: a FIFO must not hang the daemon; nothing but a regular file is read.
        int fd = openAs(root, path, O_NOCTTY | O_NONBLOCK, as);
        if (fd == -ENOENT || fd == -ENOTDIR)
            return -1;
        if (fd < 0)
            throw new KernelException(-fd, (as == null ? "" : "user " + as.uid() + " ") + "cannot open " + where(root, path));
        try {
            if (facts(fd).kind() == FileFacts.Kind.REGULAR)
                return fd;
        } catch (IOException e) {
            // not readable as a file
        }
        Native.close(fd);
        return -1;
    }

    static long size(String root, String path, LaunchSpec.Cred as) throws KernelException {
        int fd = openRegularAs(root, path, as);
        if (fd < 0)
            return -1;
        try {
            return Files.size(viaDescriptor(fd));
        } catch (IOException e) {
            return -1;
        } finally {
            Native.close(fd);
        }
    }

    static byte[] read(String root, String path, long offset, int length, LaunchSpec.Cred as) throws KernelException {
        int fd = openRegularAs(root, path, as);
        if (fd < 0)
            throw new KernelException(ENOENT, where(root, path) + " is not a regular file");
        try (Arena arena = Arena.ofConfined()) {
            long available = Math.max(0, Files.size(viaDescriptor(fd)) - offset);
            MemorySegment data = arena.allocate(Math.max(1, Math.min(length, available)));
            long got = 0;
            while (got < Math.min(length, available)) {
                long n = Native.pread(fd, data.asSlice(got, Math.min(length, available) - got), offset + got);
                if (n < 0)
                    throw new KernelException((int) -n, "cannot read " + where(root, path));
                if (n == 0)
                    break;
                got += n;
            }
            return data.asSlice(0, got).toArray(ValueLayout.JAVA_BYTE);
        } catch (IOException e) {
            throw new KernelException(CgroupFiles.errno(e), "cannot read " + where(root, path) + ": " + e.getMessage(), e);
        } finally {
            Native.close(fd);
        }
    }

    /** See {@link porto.ports.ContainerFiles#checkAccess}. */
    static void checkAccess(String root, String path, ContainerFiles.Access want, LaunchSpec.Cred as) throws KernelException {
        boolean write = want == ContainerFiles.Access.WRITE;
        String parent = path.lastIndexOf('/') > 0 ? path.substring(0, path.lastIndexOf('/')) : "/";
        int rc = AsUser.call(as, () -> {
            int dir = Native.open(root, O_PATH | O_DIRECTORY);
            if (dir < 0)
                return dir;
            try {
                int fd = Native.openat2(dir, path, O_PATH, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
                if (fd >= 0)
                    return accessible(fd, write ? W_OK : R_OK);
                if (fd != -ENOENT || !write)
                    return fd;
                // A file to be created: its directory must let the user in and write there.
                int d = Native.openat2(dir, parent, O_PATH | O_DIRECTORY, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
                return d < 0 ? d : accessible(d, W_OK | X_OK);
            } finally {
                Native.close(dir);
            }
        });
        if (rc < 0)
            throw new KernelException(-rc, (as == null ? "" : "user " + as.uid() + " ") + "may not "
                    + (write ? "write " : "read ") + where(root, path));
    }

    /** faccessat2(fd, "", mode, AT_EACCESS | AT_EMPTY_PATH) with the calling thread's rights; closes fd. */
    private static int accessible(int fd, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) Native.syscall(SYS_FACCESSAT2, fd, arena.allocateFrom("").address(), mode, AT_EACCESS | AT_EMPTY_PATH);
        } finally {
            Native.close(fd);
        }
    }
}

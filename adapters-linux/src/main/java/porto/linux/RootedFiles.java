package porto.linux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
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
    private static final int EACCES = 13;
    private static final int EINVAL = 22;

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

    static long size(String root, String path) {
        try {
            int fd = openPath(root, path);
            try {
                return Files.isRegularFile(viaDescriptor(fd)) ? Files.size(viaDescriptor(fd)) : -1;
            } finally {
                Native.close(fd);
            }
        } catch (KernelException | IOException e) {
            return -1;
        }
    }

    /** Reads a regular file only; the permission check is made on the very file that is read. */
    static byte[] read(String root, String path, long offset, int length, int uid, List<Integer> groups) throws KernelException {
        int fd = openPath(root, path);
        try {
            FileFacts f = facts(fd);
            if (f.kind() != FileFacts.Kind.REGULAR)
                throw new KernelException(EINVAL, path + " in " + root + " is not a regular file");
            if (!f.permits(uid, groups, 4))
                throw new KernelException(EACCES, "user " + uid + " may not read " + path);
            // Reopening through the descriptor opens this inode, whatever the path now names.
            try (FileChannel ch = FileChannel.open(viaDescriptor(fd), StandardOpenOption.READ)) {
                long available = Math.max(0, ch.size() - offset);
                ByteBuffer data = ByteBuffer.allocate((int) Math.min(length, available));
                while (data.hasRemaining() && ch.read(data, offset + data.position()) > 0)
                    ;
                return data.position() == data.capacity() ? data.array() : java.util.Arrays.copyOf(data.array(), data.position());
            }
        } catch (IOException e) {
            throw new KernelException(CgroupFiles.errno(e), "cannot read " + path + " in " + root + ": " + e.getMessage(), e);
        } finally {
            Native.close(fd);
        }
    }
}

package porto.linux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import porto.ports.ContainerFiles;
import porto.ports.KernelException;

/**
 * Working directories and stored output. A container's task owns its working directory and may
 * put links there, so no operation here follows a link at the last component (the directories
 * above are the daemon's).
 */
public final class LinuxFiles implements ContainerFiles {
    private static final int O_NOFOLLOW = 0400000;
    private static final int O_NONBLOCK = 04000;
    /** Collapsing works in whole filesystem blocks; 4 KiB is the block of every common one. */
    private static final long BLOCK = 4096;

    @Override
    public void createDirectory(String path, int uid, int gid) throws KernelException {
        Path dir = Path.of(path);
        try {
            if (Files.isSymbolicLink(dir))
                throw new KernelException(40, path + " is a symbolic link");
            Files.createDirectories(dir);
            Files.getFileAttributeView(dir, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setPermissions(PosixFilePermissions.fromString("rwxrwxr-x"));
            chown(dir, uid, gid);
        } catch (IOException e) {
            throw new KernelException(CgroupFiles.errno(e), "cannot create " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void removeDirectory(String path) {
        Path dir = Path.of(path);
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS))
            return;
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // A child's directory may still be in use; it is removed with the child.
        }
    }

    @Override
    public java.util.List<String> subdirectories(String dir) {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (var entries = Files.newDirectoryStream(Path.of(dir))) {
            for (Path p : entries)
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    out.add(p.getFileName().toString());
        } catch (IOException e) {
            // No directory: nothing inside.
        }
        return out;
    }

    @Override
    public void createFile(String path, int uid, int gid) throws KernelException {
        Path file = Path.of(path);
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-rw----")));
            chown(file, uid, gid);
        } catch (IOException e) {
            throw new KernelException(CgroupFiles.errno(e), "cannot create " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long size(String path) {
        try {
            BasicFileAttributes a = Files.readAttributes(Path.of(path), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isRegularFile() ? a.size() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public byte[] read(String path, long offset, int length) throws KernelException {
        try (FileChannel f = FileChannel.open(Path.of(path), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long available = Math.max(0, f.size() - offset);
            ByteBuffer data = ByteBuffer.allocate((int) Math.min(length, available));
            while (data.hasRemaining() && f.read(data, offset + data.position()) > 0)
                ;
            return data.position() == data.capacity() ? data.array() : java.util.Arrays.copyOf(data.array(), data.position());
        } catch (IOException e) {
            throw new KernelException(CgroupFiles.errno(e), "cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Cuts whole blocks off the head with fallocate(FALLOC_FL_COLLAPSE_RANGE), so a writer that
     * appends keeps appending and nothing is copied. Filesystems without it (tmpfs, older ones)
     * get the tail copied to the front instead.
     */
    @Override
    public long dropHead(String path, long bytes) throws KernelException {
        long aligned = bytes / BLOCK * BLOCK;
        if (aligned <= 0)
            return 0;
        int fd = Native.open(path, Native.O_RDWR | O_NOFOLLOW | O_NONBLOCK);
        if (fd < 0)
            throw new KernelException(-fd, "cannot open " + path);
        try {
            if (!Files.isRegularFile(Path.of("/proc/self/fd/" + fd)))
                throw new KernelException(22, path + " is not a regular file");
            if (Native.fallocate(fd, Native.FALLOC_FL_COLLAPSE_RANGE, 0, aligned) == 0)
                return aligned;
        } finally {
            Native.close(fd);
        }
        return copyTailToFront(path, bytes);
    }

    private static long copyTailToFront(String path, long bytes) throws KernelException {
        try (FileChannel f = FileChannel.open(Path.of(path), StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            long size = f.size();
            long drop = Math.min(bytes, size);
            ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
            long read = drop;
            long write = 0;
            while (read < size) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), size - read));
                int n = f.read(buffer, read);
                if (n <= 0)
                    break;
                buffer.flip();
                while (buffer.hasRemaining())
                    write += f.write(buffer, write);
                read += n;
            }
            f.truncate(write);
            return drop;
        } catch (IOException e) {
            throw new KernelException(CgroupFiles.errno(e), "cannot rotate " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void writeFile(String path, byte[] data, int uid, int gid) throws KernelException {
        Path file = Path.of(path);
        try {
            Files.deleteIfExists(file);
            // CREATE_NEW: a link put there meanwhile makes this fail rather than write through it.
            try (FileChannel f = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")))) {
                ByteBuffer b = ByteBuffer.wrap(data);
                while (b.hasRemaining())
                    f.write(b);
            }
            chown(file, uid, gid);
        } catch (IOException e) {
            throw new KernelException(CgroupFiles.errno(e), "cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public FileFacts facts(String root, String path) {
        return RootedFiles.facts(root, path);
    }

    @Override
    public long size(String root, String path) {
        return RootedFiles.size(root, path);
    }

    @Override
    public byte[] read(String root, String path, long offset, int length, int uid, List<Integer> groups) throws KernelException {
        return RootedFiles.read(root, path, offset, length, uid, groups);
    }

    private static void chown(Path p, int uid, int gid) throws IOException {
        Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }
}

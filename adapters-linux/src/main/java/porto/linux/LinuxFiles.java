package porto.linux;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import porto.ports.ContainerFiles;
import porto.ports.KernelException;

/** Working directories and stored output, with plain file I/O (links are never followed). */
public final class LinuxFiles implements ContainerFiles {
    /** Collapsing works in whole filesystem blocks; 4 KiB is the block of every common one. */
    private static final long BLOCK = 4096;

    @Override
    public void createDirectory(String path, int uid, int gid) throws KernelException {
        Path dir = Path.of(path);
        try {
            if (Files.isSymbolicLink(dir))
                throw new KernelException(40, path + " is a symbolic link");
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxr-x"));
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
            return Files.size(Path.of(path));
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public byte[] read(String path, long offset, int length) throws KernelException {
        try (RandomAccessFile f = new RandomAccessFile(path, "r")) {
            long available = Math.max(0, f.length() - offset);
            byte[] data = new byte[(int) Math.min(length, available)];
            f.seek(offset);
            f.readFully(data);
            return data;
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
        int fd = Native.open(path, Native.O_RDWR);
        if (fd < 0)
            throw new KernelException(-fd, "cannot open " + path);
        try {
            if (Native.fallocate(fd, Native.FALLOC_FL_COLLAPSE_RANGE, 0, aligned) == 0)
                return aligned;
        } finally {
            Native.close(fd);
        }
        return copyTailToFront(path, bytes);
    }

    private static long copyTailToFront(String path, long bytes) throws KernelException {
        try (RandomAccessFile f = new RandomAccessFile(path, "rw")) {
            long size = f.length();
            long drop = Math.min(bytes, size);
            byte[] buffer = new byte[1 << 16];
            long read = drop;
            long write = 0;
            while (read < size) {
                f.seek(read);
                int n = f.read(buffer, 0, (int) Math.min(buffer.length, size - read));
                if (n <= 0)
                    break;
                f.seek(write);
                f.write(buffer, 0, n);
                read += n;
                write += n;
            }
            f.setLength(write);
            return drop;
        } catch (IOException e) {
            throw new KernelException(CgroupFiles.errno(e), "cannot rotate " + path + ": " + e.getMessage(), e);
        }
    }

    private static void chown(Path p, int uid, int gid) throws IOException {
        Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }
}

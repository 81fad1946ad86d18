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

    @Override
    public void dropHead(String path, long bytes) throws KernelException {
        throw new KernelException(95, "output rotation is not implemented yet");
    }

    private static void chown(Path p, int uid, int gid) throws IOException {
        Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }
}

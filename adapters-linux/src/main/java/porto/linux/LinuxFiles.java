package porto.linux;

import static porto.ports.Errno.*;

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
import java.util.Set;
import porto.ports.ContainerFiles;
import porto.ports.KernelException;
import porto.ports.LaunchSpec;

/**
 * Working directories and stored output. A container's task owns its working directory and may
 * put links there, so no operation here follows a link at the last component (the directories
 * above are the daemon's).
 */
public final class LinuxFiles implements ContainerFiles {
    private static final int O_PATH = 010000000;
    private static final int O_DIRECTORY = 0200000;
    private static final long RESOLVE_NO_SYMLINKS = 0x04;
    private static final long RESOLVE_BENEATH = 0x08;

    /**
     * Directories below it belong to containers, whose tasks may plant symbolic links there (a
     * parent's working directory holds its children's). Nothing below it is ever reached through a
     * link: directories are walked with openat2(RESOLVE_NO_SYMLINKS), and files are checked by the
     * path of what was actually opened.
     */
    private final Path placeRoot;

    public LinuxFiles(String placeRoot) {
        this.placeRoot = Path.of(placeRoot).normalize();
    }

    private boolean isBelowPlace(Path p) {
        return p.startsWith(placeRoot) && !p.equals(placeRoot);
    }

    /**
     * An O_PATH descriptor of the directory {@code dir}, reached from the place root without
     * following any link, making missing directories on the way when {@code create}; or -errno.
     */
    private int openDirectory(Path dir, boolean create) {
        int fd = Native.open(placeRoot.toString(), O_PATH | O_DIRECTORY);
        if (fd < 0)
            return fd;
        for (Path name : placeRoot.relativize(dir)) {
            int next = Native.openat2(fd, name.toString(), O_PATH | O_DIRECTORY, RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH);
            if (next == -ENOENT && create) {
                int made = Native.mkdirat(fd, name.toString(), 0775);
                if (made < 0 && made != -EEXIST) {
                    Native.close(fd);
                    return made;
                }
                next = Native.openat2(fd, name.toString(), O_PATH | O_DIRECTORY, RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH);
            }
            Native.close(fd);
            if (next < 0)
                return next;
            fd = next;
        }
        return fd;
    }

    /** The object behind a descriptor, through /proc: operations on it cannot be redirected. */
    private static Path viaFd(int fd) {
        return Path.of("/proc/self/fd/" + fd);
    }

    /** Something to do with a file's path once its directory was reached safely. */
    private interface FileWork {
        void apply(Path file) throws IOException, KernelException;
    }

    /**
     * Runs {@code work} on {@code path}; below the place root the path goes through a descriptor
     * of its directory, reached without links, so only the last name is looked up and none of
     * the file operations used follows a link there.
     */
    private void inSafeDirectory(String path, FileWork work) throws IOException, KernelException {
        Path p = Path.of(path).normalize();
        if (!isBelowPlace(p)) {
            work.apply(p);
            return;
        }
        int dir = openDirectory(p.getParent(), false);
        if (dir < 0)
            throw new KernelException(-dir, "cannot open the directory of " + path);
        try {
            work.apply(viaFd(dir).resolve(p.getFileName().toString()));
        } finally {
            Native.close(dir);
        }
    }

    /** Opens an existing regular file below the place root (or anywhere else) without following links. */
    private int openRegular(String path, int flags) throws KernelException {
        Path p = Path.of(path).normalize();
        int fd = Native.open(path, flags | O_NOFOLLOW | O_NONBLOCK);
        if (fd < 0)
            throw new KernelException(-fd, "cannot open " + path);
        try {
            // The opened object's own path: any link on the way would show up as a different one.
            if (isBelowPlace(p) && !Files.readSymbolicLink(viaFd(fd)).equals(p))
                throw new KernelException(ELOOP, path + " is reached through a symbolic link");
            if (!Files.isRegularFile(viaFd(fd)))
                throw new KernelException(22, path + " is not a regular file");
            return fd;
        } catch (IOException e) {
            Native.close(fd);
            throw new KernelException(CgroupFiles.errno(e), "cannot open " + path + ": " + e.getMessage(), e);
        } catch (KernelException e) {
            Native.close(fd);
            throw e;
        }
    }
    private static final int O_NOFOLLOW = 0400000;
    private static final int O_NONBLOCK = 04000;
    /** Collapsing works in whole filesystem blocks; 4 KiB is the block of every common one. */
    private static final long BLOCK = 4096;

    @Override
    public void createDirectory(String path, int uid, int gid) throws KernelException {
        Path dir = Path.of(path).normalize();
        if (!isBelowPlace(dir)) {
            try {
                if (Files.isSymbolicLink(dir))
                    throw new KernelException(ELOOP, path + " is a symbolic link");
                Files.createDirectories(dir);
                setOwnerAndMode(dir, uid, gid);
            } catch (IOException e) {
                throw new KernelException(CgroupFiles.errno(e), "cannot create " + path + ": " + e.getMessage(), e);
            }
            return;
        }
        int fd = openDirectory(dir, true);
        if (fd < 0)
            throw new KernelException(-fd, "cannot create " + path + (fd == -ELOOP ? ": a symbolic link is on the way" : ""));
        try {
            setOwnerAndMode(viaFd(fd), uid, gid);
        } catch (IOException e) {
            throw new KernelException(CgroupFiles.errno(e), "cannot create " + path + ": " + e.getMessage(), e);
        } finally {
            Native.close(fd);
        }
    }

    private static void setOwnerAndMode(Path dir, int uid, int gid) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxr-x"));
        Files.setAttribute(dir, "unix:uid", uid);
        Files.setAttribute(dir, "unix:gid", gid);
    }

    @Override
    public void removeDirectory(String path) {
        Path dir = Path.of(path).normalize();
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS))
            return;
        if (isBelowPlace(dir)) {
            // Remove only the directory reached without links, and only by its own path.
            int fd = openDirectory(dir, false);
            if (fd < 0)
                return;
            try {
                if (!Files.readSymbolicLink(viaFd(fd)).equals(dir))
                    return;
            } catch (IOException e) {
                return;
            } finally {
                Native.close(fd);
            }
        }
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
        try {
            inSafeDirectory(path, file -> {
                Files.deleteIfExists(file);
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-rw----")));
                chown(file, uid, gid);
            });
        } catch (IOException e) {
            throw new KernelException(CgroupFiles.errno(e), "cannot create " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long size(String path) {
        try {
            int fd = openRegular(path, 0 /* O_RDONLY */);
            try {
                return Files.size(viaFd(fd));
            } finally {
                Native.close(fd);
            }
        } catch (KernelException | IOException e) {
            return -1;
        }
    }

    @Override
    public byte[] read(String path, long offset, int length) throws KernelException {
        int fd = openRegular(path, 0 /* O_RDONLY */);
        try (FileChannel f = FileChannel.open(viaFd(fd), StandardOpenOption.READ)) {
            long available = Math.max(0, f.size() - offset);
            ByteBuffer data = ByteBuffer.allocate((int) Math.min(length, available));
            while (data.hasRemaining() && f.read(data, offset + data.position()) > 0)
                ;
            return data.position() == data.capacity() ? data.array() : java.util.Arrays.copyOf(data.array(), data.position());
        } catch (IOException e) {
            throw new KernelException(CgroupFiles.errno(e), "cannot read " + path + ": " + e.getMessage(), e);
        } finally {
            Native.close(fd);
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
        int fd = openRegular(path, Native.O_RDWR);
        try {
            if (Native.fallocate(fd, Native.FALLOC_FL_COLLAPSE_RANGE, 0, aligned) == 0)
                return aligned;
            return copyTailToFront(viaFd(fd), path, bytes);
        } finally {
            Native.close(fd);
        }
    }

    private static long copyTailToFront(Path opened, String path, long bytes) throws KernelException {
        try (FileChannel f = FileChannel.open(opened, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
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
        try {
            inSafeDirectory(path, file -> {
                Files.deleteIfExists(file);
                // CREATE_NEW: a link put there meanwhile makes this fail rather than write through it.
                try (FileChannel f = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")))) {
                    ByteBuffer b = ByteBuffer.wrap(data);
                    while (b.hasRemaining())
                        f.write(b);
                }
                chown(file, uid, gid);
            });
        } catch (IOException e) {
            throw new KernelException(CgroupFiles.errno(e), "cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public FileFacts facts(String root, String path) {
        return RootedFiles.facts(root, path);
    }

    @Override
    public long size(String root, String path, LaunchSpec.Cred as) throws KernelException {
        return RootedFiles.size(root, path, as);
    }

    @Override
    public byte[] read(String root, String path, long offset, int length, LaunchSpec.Cred as) throws KernelException {
        return RootedFiles.read(root, path, offset, length, as);
    }

    @Override
    public void checkAccess(String root, String path, Access want, LaunchSpec.Cred as) throws KernelException {
        RootedFiles.checkAccess(root, path, want, as);
    }

    @Override
    public void setSymlink(String root, String path, String target, LaunchSpec.Cred as, int uid, int gid) throws KernelException {
        RootedSymlinks.set(root, path, target, as, uid, gid);
    }

    private static void chown(Path p, int uid, int gid) throws IOException {
        Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }
}

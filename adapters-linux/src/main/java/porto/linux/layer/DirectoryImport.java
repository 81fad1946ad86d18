package porto.linux.layer;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import porto.ports.KernelException;
import porto.ports.layer.LayerFiles.ArchiveException;

/**
 * Copies a directory tree into a {@link TreeWriter}, entry by entry as an archive would bring
 * them: links as links, hard links as hard links. The source is walked relative to descriptors
 * opened with O_NOFOLLOW, so a tree that changes meanwhile cannot lead the copy elsewhere.
 */
final class DirectoryImport {
    private final TreeWriter writer;
    private final Map<String, String> linked = new HashMap<>();

    private DirectoryImport(TreeWriter writer) {
        this.writer = writer;
    }

    /** Copies the tree of the open directory {@code rootFd}. */
    static void copy(int rootFd, TreeWriter writer) throws IOException, KernelException {
        DirectoryImport copy = new DirectoryImport(writer);
        copy.entry(rootFd, ".", "");
        copy.children(rootFd, "");
        writer.complete();
    }

    private static Path at(int dir, String name) {
        return Path.of("/proc/self/fd/" + dir + "/" + name);
    }

    private void children(int dir, String prefix) throws IOException, KernelException {
        String[] names = new java.io.File("/proc/self/fd/" + dir).list();
        if (names == null)
            throw new ArchiveException("cannot list " + (prefix.isEmpty() ? "the directory" : prefix));
        Arrays.sort(names);
        for (String child : names) {
            String name = prefix + child;
            if (!Files.isDirectory(at(dir, child), LinkOption.NOFOLLOW_LINKS)) {
                entry(dir, child, name);
                continue;
            }
            int fd = Syscalls.openat(dir, child, Syscalls.O_RDONLY | Syscalls.O_DIRECTORY | Syscalls.O_NOFOLLOW, 0);
            if (fd < 0)
                throw new KernelException(-fd, name + " changed while it was copied");
            try {
                entry(fd, ".", name);
                children(fd, name + "/");
            } finally {
                Syscalls.close(fd);
            }
        }
    }

    private void entry(int dir, String child, String name) throws IOException, KernelException {
        Path path = at(dir, child);
        Map<String, Object> a = Files.readAttributes(path, "unix:mode,uid,gid,ino,dev,nlink,rdev,size,lastModifiedTime",
                LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        int type = mode & 0170000;
        FileTime time = (FileTime) a.get("lastModifiedTime");
        Map<String, byte[]> xattrs = new TreeMap<>();
        Syscalls.lxattrs(path.toString()).forEach((k, v) -> {
            if (TarImport.kept(k))
                xattrs.put(k, v);
        });
        TreeWriter.Meta meta = new TreeWriter.Meta((Integer) a.get("uid"), (Integer) a.get("gid"), mode & 07777,
                time.toInstant().getEpochSecond(), time.toInstant().getNano(), xattrs);
        if (type != 0040000 && (Integer) a.get("nlink") > 1) {
            String first = linked.putIfAbsent(a.get("dev") + ":" + a.get("ino"), name);
            if (first != null) {
                writer.hardLink(name, first);
                return;
            }
        }
        long dev = (Long) a.get("rdev");
        int major = (int) (((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL));
        int minor = (int) ((dev & 0xff) | ((dev >>> 12) & ~0xffL));
        switch (type) {
            case 0040000 -> writer.directory(name, meta);
            case 0120000 -> writer.symlink(name, Files.readSymbolicLink(path).toString(), meta);
            case 0020000 -> writer.special(name, meta, Syscalls.S_IFCHR, major, minor);
            case 0060000 -> writer.special(name, meta, Syscalls.S_IFBLK, major, minor);
            case 0010000 -> writer.special(name, meta, Syscalls.S_IFIFO, 0, 0);
            case 0100000 -> file(dir, child, name, meta, (Long) a.get("size"));
            default -> { } // sockets are not kept
        }
    }

    private void file(int dir, String child, String name, TreeWriter.Meta meta, long size) throws IOException, KernelException {
        int fd = Syscalls.openat(dir, child, Syscalls.O_RDONLY | Syscalls.O_NOFOLLOW | Syscalls.O_NONBLOCK | Syscalls.O_NOCTTY, 0);
        if (fd < 0)
            throw new KernelException(-fd, name + " changed while it was copied");
        try {
            if (!Files.isRegularFile(Path.of("/proc/self/fd/" + fd)))
                throw new ArchiveException(name + " changed while it was copied");
            try (InputStream in = new FileInputStream("/proc/self/fd/" + fd)) {
                writer.file(name, meta, in, size);
            }
        } finally {
            Syscalls.close(fd);
        }
    }
}

package porto.linux.layer;

import static porto.ports.Errno.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import porto.ports.KernelException;
import porto.ports.layer.LayerFiles.ArchiveException;

/**
 * Writes entries of an archive into a directory, and nowhere else. Every entry's parent directory
 * is opened from the root's descriptor one component at a time with O_NOFOLLOW, so neither a
 * symbolic link the archive made nor ".." can lead out; entries are then made relative to that
 * descriptor (mkdirat, openat with O_EXCL|O_NOFOLLOW, symlinkat, linkat, mknodat). A hard link's
 * target is looked up the same way, so it can only be a file already in the tree.
 */
final class TreeWriter implements AutoCloseable {
    private static final int BLOCK = 4096;
    private static final byte[] ZEROS = new byte[BLOCK];

    /** Owner, mode (permission bits), modification time and extended attributes of an entry. */
    record Meta(int uid, int gid, int mode, long mtime, long mtimeNanos, Map<String, byte[]> xattrs) {}

    private final int rootFd;
    private final boolean devicesAllowed;
    private final boolean aufsWhiteouts;
    /** Directories whose mode and time are set last: making entries in them changes their time. */
    private final List<Map.Entry<String, Meta>> directories = new ArrayList<>();
    private String cachedParent;
    private int cachedParentFd = -1;
    private final byte[] buffer = new byte[1 << 16];

    /** A writer into the directory {@code root}, which the daemon made and nobody else writes. */
    TreeWriter(String root, boolean devicesAllowed, boolean aufsWhiteouts) throws KernelException {
        this.rootFd = Syscalls.openat(-100, root, Syscalls.O_PATH | Syscalls.O_DIRECTORY | Syscalls.O_NOFOLLOW, 0);
        if (rootFd < 0)
            throw new KernelException(-rootFd, "cannot open " + root);
        this.devicesAllowed = devicesAllowed;
        this.aufsWhiteouts = aufsWhiteouts;
    }

    /**
     * The entry name as a relative path of plain components: leading "/" and "./" are dropped (as
     * tar does), "" is the root itself; a ".." component refuses the archive.
     */
    static String clean(String raw) throws ArchiveException {
        StringBuilder out = new StringBuilder();
        for (String part : raw.split("/")) {
            if (part.isEmpty() || part.equals("."))
                continue;
            if (part.equals(".."))
                throw new ArchiveException("archive entry " + raw + " leads out of the layer with ..");
            if (part.indexOf('\0') >= 0)
                throw new ArchiveException("archive entry name has a NUL byte");
            if (out.length() > 0)
                out.append('/');
            out.append(part);
        }
        return out.toString();
    }

    private static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    private static String baseOf(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** Opens the directory {@code path} below the root, making missing ones (0755, root) when asked. */
    private int openDirectory(String path, boolean create) throws KernelException {
        int fd = Syscalls.openat(rootFd, ".", Syscalls.O_PATH | Syscalls.O_DIRECTORY, 0);
        if (path.isEmpty())
            return fd;
        for (String part : path.split("/")) {
            int next = Syscalls.openat(fd, part, Syscalls.O_PATH | Syscalls.O_DIRECTORY | Syscalls.O_NOFOLLOW, 0);
            if (next == -ENOENT && create) {
                int rc = Syscalls.mkdirat(fd, part, 0755);
                if (rc < 0 && rc != -EEXIST) {
                    Syscalls.close(fd);
                    throw new KernelException(-rc, "cannot make directory " + path);
                }
                next = Syscalls.openat(fd, part, Syscalls.O_PATH | Syscalls.O_DIRECTORY | Syscalls.O_NOFOLLOW, 0);
            }
            Syscalls.close(fd);
            if (next < 0)
                throw new ArchiveException("archive entry below " + path + ": " + part
                        + " is not a directory of the layer (a symbolic link, a file or missing)");
            fd = next;
        }
        return fd;
    }

    /** The parent directory of an entry, kept open while entries come in the same one. */
    private int parent(String path) throws KernelException {
        String parent = parentOf(path);
        if (parent.equals(cachedParent))
            return cachedParentFd;
        int fd = openDirectory(parent, true);
        if (cachedParentFd >= 0)
            Syscalls.close(cachedParentFd);
        cachedParent = parent;
        cachedParentFd = fd;
        return fd;
    }

    /** Removes what is at {@code name} in {@code dir} so a later entry replaces it; a directory is kept when {@code keepDirectory}. */
    private void clear(int dir, String name, boolean keepDirectory) throws KernelException {
        int probe = Syscalls.openat(dir, name, Syscalls.O_PATH | Syscalls.O_DIRECTORY | Syscalls.O_NOFOLLOW, 0);
        if (probe >= 0) {
            Syscalls.close(probe);
            if (keepDirectory)
                return;
            cachedParent = null; // it may be the directory removed, or below it
            TreeRemoval.remove(dir, name);
            return;
        }
        int rc = Syscalls.unlinkat(dir, name, 0);
        if (rc < 0 && rc != -ENOENT)
            throw new KernelException(-rc, "cannot replace " + name);
    }

    /** Handles an aufs ".wh." entry; true when {@code path} was one. */
    private boolean aufs(String path) throws KernelException {
        String base = baseOf(path);
        if (!aufsWhiteouts || !base.startsWith(".wh."))
            return false;
        int dir = parent(path);
        if (base.equals(".wh..wh..opq")) {
            check(Syscalls.lsetxattr(entryPath(dir, "."), "trusted.overlay.opaque", new byte[] {'y'}), "mark opaque", path);
        } else if (!base.startsWith(".wh..wh.")) {
            String hidden = base.substring(4);
            clear(dir, hidden, false);
            check(Syscalls.mknodat(dir, hidden, Syscalls.S_IFCHR, 0), "make whiteout", path);
        }
        return true;
    }

    private static String entryPath(int dir, String name) {
        return "/proc/self/fd/" + dir + "/" + name;
    }

    private static void check(long rc, String what, String path) throws KernelException {
        if (rc < 0)
            throw new KernelException((int) -rc, "cannot " + what + " " + path);
    }

    void directory(String raw, Meta meta) throws KernelException {
        String path = clean(raw);
        if (!path.isEmpty() && !aufs(path)) {
            int dir = parent(path);
            String name = baseOf(path);
            clear(dir, name, true);
            int rc = Syscalls.mkdirat(dir, name, 0700);
            if (rc < 0 && rc != -EEXIST)
                check(rc, "make directory", path);
        }
        directories.add(Map.entry(path, meta));
    }

    /** A regular file of {@code size} bytes read from {@code data}; blocks of zeros become holes. */
    void file(String raw, Meta meta, InputStream data, long size) throws KernelException, IOException {
        String path = clean(raw);
        if (path.isEmpty())
            throw new ArchiveException("archive has a file without a name");
        if (aufs(path))
            return;
        int dir = parent(path);
        String name = baseOf(path);
        clear(dir, name, false);
        int fd = Syscalls.openat(dir, name, Syscalls.O_WRONLY | Syscalls.O_CREAT | Syscalls.O_EXCL | Syscalls.O_NOFOLLOW, 0600);
        check(fd, "create", path);
        try (RandomAccessFile file = new RandomAccessFile("/proc/self/fd/" + fd, "rw")) {
            FileChannel channel = file.getChannel();
            long position = 0;
            while (position < size) {
                int n = data.readNBytes(buffer, 0, (int) Math.min(buffer.length, size - position));
                if (n <= 0)
                    throw new ArchiveException("archive ends inside " + path);
                writeSparse(channel, position, n);
                position += n;
            }
            file.setLength(size);
        } finally {
            Syscalls.close(fd);
        }
        finish(dir, name, path, meta, false);
    }

    /** Writes the buffer's first {@code n} bytes at {@code position}, skipping whole blocks of zeros. */
    private void writeSparse(FileChannel channel, long position, int n) throws IOException {
        int start = 0;
        while (start < n) {
            int end = Math.min(n, start + BLOCK);
            if (end - start == BLOCK && Arrays.equals(buffer, start, end, ZEROS, 0, BLOCK)) {
                start = end;
                continue;
            }
            // Gather the run of blocks that hold data and write it at once.
            int runEnd = end;
            while (runEnd < n && !(runEnd + BLOCK <= n && Arrays.equals(buffer, runEnd, runEnd + BLOCK, ZEROS, 0, BLOCK)))
                runEnd = Math.min(n, runEnd + BLOCK);
            ByteBuffer chunk = ByteBuffer.wrap(buffer, start, runEnd - start);
            long at = position + start;
            while (chunk.hasRemaining())
                at += channel.write(chunk, at);
            start = runEnd;
        }
    }

    void symlink(String raw, String target, Meta meta) throws KernelException {
        String path = clean(raw);
        if (path.isEmpty() || aufs(path))
            return;
        int dir = parent(path);
        String name = baseOf(path);
        clear(dir, name, false);
        check(Syscalls.symlinkat(target, dir, name), "make symbolic link", path);
        finish(dir, name, path, meta, true);
    }

    /** A hard link to {@code target}, an entry already unpacked (a leading "/" means the layer's root). */
    void hardLink(String raw, String target) throws KernelException {
        String path = clean(raw);
        String from = clean(target);
        if (path.isEmpty() || from.isEmpty())
            throw new ArchiveException("archive has a hard link without a name");
        int fromDir;
        try {
            fromDir = openDirectory(parentOf(from), false);
        } catch (ArchiveException e) {
            throw new ArchiveException("archive entry " + raw + " is a hard link to " + target + ", which is not in the layer");
        }
        try {
            int dir = parent(path);
            String name = baseOf(path);
            clear(dir, name, false);
            int rc = Syscalls.linkat(fromDir, baseOf(from), dir, name);
            if (rc == -ENOENT)
                throw new ArchiveException("archive entry " + raw + " is a hard link to " + target + ", which is not in the layer");
            check(rc, "make hard link", path);
        } finally {
            Syscalls.close(fromDir);
        }
    }

    /** A character or block device, or a FIFO ({@code type} S_IFCHR, S_IFBLK or S_IFIFO). */
    void special(String raw, Meta meta, int type, int major, int minor) throws KernelException {
        String path = clean(raw);
        if (path.isEmpty() || aufs(path))
            return;
        boolean whiteout = type == Syscalls.S_IFCHR && major == 0 && minor == 0;
        if (type != Syscalls.S_IFIFO && !whiteout && !devicesAllowed)
            throw new ArchiveException("archive entry " + raw + " is a device node (" + major + ":" + minor
                    + "): only root may import device nodes");
        int dir = parent(path);
        String name = baseOf(path);
        clear(dir, name, false);
        check(Syscalls.mknodat(dir, name, type | 0600, Syscalls.makedev(major, minor)), "make node", path);
        finish(dir, name, path, meta, false);
    }

    /** Owner, then mode (a chown clears set-id bits), extended attributes and time. */
    private void finish(int dir, String name, String path, Meta meta, boolean link) throws KernelException {
        check(Syscalls.fchownat(dir, name, meta.uid(), meta.gid()), "change owner of", path);
        if (!link)
            check(Syscalls.fchmodat(dir, name, meta.mode() & 07777), "change mode of", path);
        for (Map.Entry<String, byte[]> x : meta.xattrs().entrySet())
            check(Syscalls.lsetxattr(entryPath(dir, name), x.getKey(), x.getValue()), "set " + x.getKey() + " on", path);
        check(Syscalls.utimensat(dir, name, meta.mtime(), meta.mtimeNanos()), "set time of", path);
    }

    /** Sets the directories' own metadata, deepest first, once everything is in them. */
    void complete() throws KernelException {
        for (int i = directories.size() - 1; i >= 0; i--) {
            String path = directories.get(i).getKey();
            int dir = openDirectory(parentOf(path), false);
            try {
                finish(dir, path.isEmpty() ? "." : baseOf(path), path.isEmpty() ? "/" : path, directories.get(i).getValue(), false);
            } finally {
                Syscalls.close(dir);
            }
        }
        directories.clear();
    }

    @Override
    public void close() {
        if (cachedParentFd >= 0)
            Syscalls.close(cachedParentFd);
        cachedParentFd = -1;
        Syscalls.close(rootFd);
    }
}

package porto.linux.layer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;
import porto.ports.layer.LayerFiles.Compression;

/**
 * Packs a directory tree into a PAX tar archive with Commons Compress: numeric owners, modes with
 * set-id bits, nanosecond times, symbolic and hard links, device nodes and FIFOs, and the extended
 * attributes a layer keeps. An attribute is written in libarchive's base64 form, and also in GNU
 * tar's form when its value is text (Commons Compress writes PAX values as UTF-8 text only).
 */
final class TarExport {
    private static final int ZSTD_LEVEL = 3;

    private final TarArchiveOutputStream tar;
    /** First name of each (device, inode) with more than one link. */
    private final Map<String, String> linked = new HashMap<>();

    private TarExport(TarArchiveOutputStream tar) {
        this.tar = tar;
    }

    static OutputStream compressed(OutputStream out, Compression compression) throws IOException {
        return switch (compression) {
            case TAR -> out;
            case GZIP -> new GZIPOutputStream(out, 1 << 16);
            case XZ -> new XZCompressorOutputStream(out);
            case ZSTD -> new ZstdCompressorOutputStream(out, ZSTD_LEVEL);
        };
    }

    /**
     * Writes the tree at {@code root} to {@code out} and finishes the archive (closing {@code out}).
     * The tree is walked relative to directory descriptors, each opened with O_NOFOLLOW from its
     * parent's, and files are read through descriptors so opened: a tree that changes meanwhile
     * (the upper layer of a volume in use) cannot lead the daemon to a file outside it.
     */
    static void pack(Path root, OutputStream out, Compression compression) throws IOException {
        int rootFd = Syscalls.openat(-100, root.toString(), Syscalls.O_RDONLY | Syscalls.O_DIRECTORY | Syscalls.O_NOFOLLOW, 0);
        if (rootFd < 0)
            throw new IOException("cannot open " + root + ": errno " + -rootFd);
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(compressed(out, compression), StandardCharsets.UTF_8.name())) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
            TarExport export = new TarExport(tar);
            export.entry(rootFd, ".", "./");
            export.children(rootFd, "");
            tar.finish();
        } finally {
            Syscalls.close(rootFd);
        }
    }

    private static Path at(int dir, String name) {
        return Path.of("/proc/self/fd/" + dir + "/" + name);
    }

    private void children(int dir, String prefix) throws IOException {
        String[] listed = new java.io.File("/proc/self/fd/" + dir).list();
        if (listed == null)
            throw new IOException("cannot list " + (prefix.isEmpty() ? "the layer" : prefix));
        java.util.Arrays.sort(listed);
        for (String child : listed) {
            String name = prefix + child;
            if (!Files.isDirectory(at(dir, child), LinkOption.NOFOLLOW_LINKS)) {
                entry(dir, child, name);
                continue;
            }
            int fd = Syscalls.openat(dir, child, Syscalls.O_RDONLY | Syscalls.O_DIRECTORY | Syscalls.O_NOFOLLOW, 0);
            if (fd < 0)
                throw new IOException(name + " changed while it was packed: errno " + -fd);
            try {
                entry(fd, ".", name + "/");
                children(fd, name + "/");
            } finally {
                Syscalls.close(fd);
            }
        }
    }

    /** The entry {@code child} of the directory {@code dir}, named {@code name} in the archive. */
    private void entry(int dir, String child, String name) throws IOException {
        Path path = at(dir, child);
        Map<String, Object> a = Files.readAttributes(path, "unix:mode,uid,gid,ino,dev,nlink,rdev,size,lastModifiedTime",
                LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        int type = mode & 0170000;
        TarArchiveEntry e;
        boolean data = false;
        if (type != 0040000 && (Integer) a.get("nlink") > 1) {
            String key = a.get("dev") + ":" + a.get("ino");
            String first = linked.putIfAbsent(key, name);
            if (first != null) {
                e = new TarArchiveEntry(name, TarConstants.LF_LINK);
                e.setLinkName(first);
                common(e, a, path);
                tar.putArchiveEntry(e);
                tar.closeArchiveEntry();
                return;
            }
        }
        switch (type) {
            case 0040000 -> e = new TarArchiveEntry(name, TarConstants.LF_DIR);
            case 0120000 -> {
                e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
                e.setLinkName(Files.readSymbolicLink(path).toString());
            }
            case 0020000, 0060000 -> {
                e = new TarArchiveEntry(name, type == 0020000 ? TarConstants.LF_CHR : TarConstants.LF_BLK);
                long dev = (Long) a.get("rdev");
                e.setDevMajor((int) (((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL)));
                e.setDevMinor((int) ((dev & 0xff) | ((dev >>> 12) & ~0xffL)));
            }
            case 0010000 -> e = new TarArchiveEntry(name, TarConstants.LF_FIFO);
            case 0100000 -> {
                e = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
                e.setSize((Long) a.get("size"));
                data = true;
            }
            default -> {
                return; // a socket: nothing a layer keeps
            }
        }
        common(e, a, path);
        tar.putArchiveEntry(e);
        if (data)
            copyFile(dir, child, name, e.getSize());
        tar.closeArchiveEntry();
    }

    /** Copies a regular file's content through a descriptor opened without following a link. */
    private void copyFile(int dir, String child, String name, long size) throws IOException {
        int fd = Syscalls.openat(dir, child, Syscalls.O_RDONLY | Syscalls.O_NOFOLLOW | Syscalls.O_NONBLOCK | Syscalls.O_NOCTTY, 0);
        if (fd < 0)
            throw new IOException(name + " changed while it was packed: errno " + -fd);
        try {
            // Checked before it is opened again for reading: opening a FIFO swapped in would block.
            if (!Files.isRegularFile(Path.of("/proc/self/fd/" + fd)))
                throw new IOException(name + " changed while it was packed");
            copy(fd, name, size);
        } finally {
            Syscalls.close(fd);
        }
    }

    private void copy(int fd, String name, long size) throws IOException {
        try (InputStream in = new java.io.FileInputStream("/proc/self/fd/" + fd)) {
            long copied = in.transferTo(tar);
            if (copied != size)
                throw new IOException(name + " changed size while it was packed");
        }
    }

    private static void common(TarArchiveEntry e, Map<String, Object> a, Path path) throws IOException {
        e.setMode((Integer) a.get("mode"));
        e.setUserId((Integer) a.get("uid"));
        e.setGroupId((Integer) a.get("gid"));
        e.setUserName("");
        e.setGroupName("");
        e.setLastModifiedTime((FileTime) a.get("lastModifiedTime"));
        for (Map.Entry<String, byte[]> x : Syscalls.lxattrs(path.toString()).entrySet()) {
            if (!TarImport.kept(x.getKey()))
                continue;
            e.addPaxHeader("LIBARCHIVE.xattr." + URLEncoder.encode(x.getKey(), StandardCharsets.UTF_8),
                    Base64.getEncoder().encodeToString(x.getValue()));
            String text = text(x.getValue());
            if (text != null)
                e.addPaxHeader("SCHILY.xattr." + x.getKey(), text);
        }
    }

    /** The value as text when it is valid UTF-8 without NUL; null otherwise. */
    private static String text(byte[] value) {
        for (byte b : value)
            if (b == 0)
                return null;
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}

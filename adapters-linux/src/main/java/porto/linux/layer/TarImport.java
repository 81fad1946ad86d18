package porto.linux.layer;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import porto.ports.KernelException;
import porto.ports.layer.LayerFiles.ArchiveException;
import porto.ports.layer.LayerFiles.Compression;

/**
 * Reads a tar archive (plain, gzip, xz or zstd) with Apache Commons Compress and hands each entry
 * to a {@link TreeWriter}. Extended attributes come from PAX records: libarchive's base64
 * "LIBARCHIVE.xattr." form, else GNU tar's "SCHILY.xattr." (see {@link PaxTap} for binary values).
 */
final class TarImport {
    private TarImport() {}

    /** The extended attributes a layer keeps, as upstream's tar options: capabilities, overlay and user ones. */
    static boolean kept(String xattr) {
        return xattr.equals("security.capability") || xattr.startsWith("trusted.overlay.") || xattr.startsWith("user.");
    }

    /** The compression of a stream, from its first bytes; the stream must support mark. */
    static Compression detect(InputStream in) throws IOException, ArchiveException {
        in.mark(512);
        byte[] head = in.readNBytes(262);
        in.reset();
        if (starts(head, 0xFD, '7', 'z', 'X', 'Z', 0))
            return Compression.XZ;
        if (starts(head, 0x1F, 0x8B, 0x08))
            return Compression.GZIP;
        if (starts(head, 0x28, 0xB5, 0x2F, 0xFD))
            return Compression.ZSTD;
        if (head.length >= 262 && new String(head, 257, 5, StandardCharsets.US_ASCII).equals("ustar"))
            return Compression.TAR;
        throw new ArchiveException("cannot tell the archive's compression from its first bytes (not tar, gzip, xz or zstd)");
    }

    private static boolean starts(byte[] data, int... magic) {
        if (data.length < magic.length)
            return false;
        for (int i = 0; i < magic.length; i++)
            if ((data[i] & 0xff) != magic[i])
                return false;
        return true;
    }

    static InputStream decompressed(InputStream raw, Compression compression) throws IOException, ArchiveException {
        InputStream in = new BufferedInputStream(raw, 1 << 16);
        Compression c = compression != null ? compression : detect(in);
        return switch (c) {
            case TAR -> in;
            case GZIP -> new Pipelined(new GZIPInputStream(in, 1 << 16));
            case XZ -> new Pipelined(new XZCompressorInputStream(in, true));
            case ZSTD -> new Pipelined(new ZstdCompressorInputStream(in));
        };
    }

    /** Unpacks the archive in {@code raw} into the writer's directory. */
    static void unpack(InputStream raw, Compression compression, TreeWriter into) throws IOException, KernelException {
        InputStream decompressed = decompressed(raw, compression);
        PaxTap tap = new PaxTap(decompressed);
        TarArchiveInputStream tar = new TarArchiveInputStream(tap);
        TarArchiveEntry e;
        try (decompressed) {
            while ((e = tar.getNextEntry()) != null) {
                TreeWriter.Meta meta = meta(e, tap.xattrsOfLastEntry());
                if (e.isDirectory())
                    into.directory(e.getName(), meta);
                else if (e.isSymbolicLink())
                    into.symlink(e.getName(), e.getLinkName(), meta);
                else if (e.isLink())
                    into.hardLink(e.getName(), e.getLinkName());
                else if (e.isCharacterDevice())
                    into.special(e.getName(), meta, Syscalls.S_IFCHR, e.getDevMajor(), e.getDevMinor());
                else if (e.isBlockDevice())
                    into.special(e.getName(), meta, Syscalls.S_IFBLK, e.getDevMajor(), e.getDevMinor());
                else if (e.isFIFO())
                    into.special(e.getName(), meta, Syscalls.S_IFIFO, 0, 0);
                else if (e.isFile())
                    into.file(e.getName(), meta, tar, e.isSparse() ? e.getRealSize() : e.getSize());
                // anything else (GNU volume labels, multi-volume parts) holds no file
            }
        } catch (IllegalArgumentException bad) {
            // Commons Compress reports malformed headers so.
            throw new ArchiveException("malformed archive: " + bad.getMessage());
        }
        into.complete();
    }

    private static TreeWriter.Meta meta(TarArchiveEntry e, Map<String, byte[]> raw) throws ArchiveException {
        Map<String, byte[]> xattrs = new TreeMap<>();
        for (Map.Entry<String, String> h : e.getExtraPaxHeaders().entrySet()) {
            String key = h.getKey();
            if (key.startsWith("SCHILY.xattr.")) {
                String name = key.substring("SCHILY.xattr.".length());
                byte[] value = raw.containsKey(name) ? raw.get(name) : h.getValue().getBytes(StandardCharsets.UTF_8);
                if (kept(name))
                    xattrs.putIfAbsent(name, value);
            } else if (key.startsWith("LIBARCHIVE.xattr.")) {
                String name = URLDecoder.decode(key.substring("LIBARCHIVE.xattr.".length()), StandardCharsets.UTF_8);
                if (kept(name))
                    xattrs.put(name, Base64.getDecoder().decode(h.getValue()));
            }
        }
        FileTime time = e.getLastModifiedTime();
        long seconds = time.toInstant().getEpochSecond();
        long nanos = time.toInstant().getNano();
        return new TreeWriter.Meta((int) e.getLongUserId(), (int) e.getLongGroupId(), e.getMode() & 07777, seconds, nanos, xattrs);
    }
}

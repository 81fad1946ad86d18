package porto.conformance.layer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Hand-made tar archives for tests, with any entry names and links, also hostile ones: entries
 * are written exactly as given (absolute paths and ".." included), owned by root.
 */
public final class Tars implements AutoCloseable {
    /** What a test writes into an archive. */
    public interface Body {
        void write(Tars tar) throws Exception;
    }

    private final TarArchiveOutputStream out;

    private Tars(OutputStream stream) {
        out = new TarArchiveOutputStream(stream, StandardCharsets.UTF_8.name());
        out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    }

    /** A plain tar archive at {@code path}. */
    public static Tars open(Path path) throws IOException {
        return new Tars(Files.newOutputStream(path));
    }

    /** Writes one archive with {@code body}. */
    public static void write(Path path, Body body) throws Exception {
        try (Tars tar = open(path)) {
            body.write(tar);
        }
    }

    private TarArchiveEntry entry(String name, byte type, int mode) {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        e.setMode(mode);
        e.setUserId(0);
        e.setGroupId(0);
        e.setUserName("");
        e.setGroupName("");
        e.setModTime(1_700_000_000_000L);
        return e;
    }

    public Tars dir(String name) throws IOException {
        out.putArchiveEntry(entry(name, TarConstants.LF_DIR, 040755));
        out.closeArchiveEntry();
        return this;
    }

    public Tars file(String name, String content) throws IOException {
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL, 0100644);
        e.setSize(data.length);
        out.putArchiveEntry(e);
        out.write(data);
        out.closeArchiveEntry();
        return this;
    }

    public Tars symlink(String name, String target) throws IOException {
        TarArchiveEntry e = entry(name, TarConstants.LF_SYMLINK, 0120777);
        e.setLinkName(target);
        out.putArchiveEntry(e);
        out.closeArchiveEntry();
        return this;
    }

    public Tars hardLink(String name, String target) throws IOException {
        TarArchiveEntry e = entry(name, TarConstants.LF_LINK, 0100644);
        e.setLinkName(target);
        out.putArchiveEntry(e);
        out.closeArchiveEntry();
        return this;
    }

    /** A character device. */
    public Tars device(String name, int major, int minor) throws IOException {
        TarArchiveEntry e = entry(name, TarConstants.LF_CHR, 020600);
        e.setDevMajor(major);
        e.setDevMinor(minor);
        out.putArchiveEntry(e);
        out.closeArchiveEntry();
        return this;
    }

    @Override
    public void close() throws IOException {
        out.finish();
        out.close();
    }
}

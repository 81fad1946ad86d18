package porto.ports.layer;

import java.util.List;
import porto.ports.KernelException;
import porto.ports.LaunchSpec;

/**
 * What layers and storages need of the file system: their directories under a place, the small
 * files of their metadata, and archives. Every path is absolute. Archives are read and written
 * with the rights of the client who named them; what an archive holds never reaches outside the
 * directory it is unpacked into.
 */
public interface LayerFiles {

    /** How an archive is compressed. */
    enum Compression {
        TAR, GZIP, XZ, ZSTD;

        /** Upstream's names of a compression ("tgz", "tar.gz", ...); null when unknown. */
        public static Compression named(String name) {
            return switch (name) {
                case "tar" -> TAR;
                case "tgz", "tar.gz", "gz", "gzip" -> GZIP;
                case "txz", "tar.xz", "xz" -> XZ;
                case "tzst", "tar.zst", "zst", "zstd" -> ZSTD;
                default -> null;
            };
        }

        /** The compression a file name suggests (".tgz", ".tar.zst", ...); TAR for any other. */
        public static Compression ofFileName(String name) {
            if (name.endsWith(".gz") || name.endsWith(".tgz"))
                return GZIP;
            if (name.endsWith(".xz") || name.endsWith(".txz"))
                return XZ;
            if (name.endsWith(".zst") || name.endsWith(".tzst"))
                return ZSTD;
            return TAR;
        }
    }

    /**
     * How to unpack: the compression (null: detect from the content), whether device nodes other
     * than overlay whiteouts may be made, and whether aufs ".wh." entries become overlay whiteouts.
     */
    record ImportOptions(Compression compression, boolean devicesAllowed, boolean aufsWhiteouts) {}

    /** An archive is not acceptable: an entry would leave its directory, or is not allowed. */
    final class ArchiveException extends KernelException {
        public ArchiveException(String message) {
            super(22, message);
        }
    }

    /** Owner and modification time (seconds) of a file. */
    record Stat(int uid, int gid, long mtime) {}

    /**
     * Makes the directory {@code path} (and its missing parents, mode 0755) unless it exists, and
     * gives it owner root, group {@code gid} and {@code mode}; fails when it is not a directory.
     */
    void prepareDirectory(String path, int mode, int gid) throws KernelException;

    /** Whether anything is at {@code path} (a link is not followed). */
    boolean exists(String path);

    /** Whether a directory (not a link to one) is at {@code path}. */
    boolean isDirectory(String path);

    /** Names of the directories directly in {@code dir}, sorted; empty when there is none. */
    List<String> subdirectories(String dir);

    /** Creates the empty directory {@code path} (mode 0755, owner root); EEXIST when something is there. */
    void createDirectory(String path) throws KernelException;

    /**
     * Unpacks the archive (or copies the directory tree) at {@code source}, opened with the rights
     * of {@code as}, into the existing directory {@code target}. Only the daemon's own rights
     * ({@code as} null) may copy a directory: its files are read with them (EPERM otherwise).
     */
    void importArchive(String source, String target, ImportOptions options, LaunchSpec.Cred as) throws KernelException;

    /**
     * Packs the tree at {@code dir} into a new archive file {@code archive}, created with the rights
     * of {@code as} (so owned by them); EEXIST when it exists. A failed export leaves no file.
     */
    void exportArchive(String dir, String archive, Compression compression, LaunchSpec.Cred as) throws KernelException;

    /** Renames within one file system. */
    void rename(String from, String to) throws KernelException;

    /** Removes {@code path} and everything below it, never following links; a missing one is fine. */
    void removeTree(String path) throws KernelException;

    /** Writes a small file (replacing its content), mode 0644, owned by uid:gid. */
    void writeFile(String path, byte[] data, int uid, int gid) throws KernelException;

    /** Reads at most {@code max} bytes of a small regular file; null when there is none. */
    byte[] readFile(String path, int max);

    /** Owner and modification time; null when nothing is there. */
    Stat stat(String path);

    /** Sets the modification time of {@code path} to now. */
    void touch(String path) throws KernelException;
}

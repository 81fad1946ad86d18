package porto.ports;

import java.util.List;

/**
 * Files that belong to a container: its default working directory and stored output, and what the
 * domain must know of paths users name (roots, bind sources, devices). A path "in a root" is
 * resolved as if that root were "/": no symbolic link can lead out of it.
 */
public interface ContainerFiles {

    /** Creates the working directory at {@code path} (and missing parents), owned by uid:gid, mode 0775; an existing one is taken over as it is. */
    void createDirectory(String path, int uid, int gid) throws KernelException;

    /** Removes the directory at {@code path} and everything in it; a missing one is fine. */
    void removeDirectory(String path);

    /** Names of the directories directly inside {@code dir}; empty when it does not exist. */
    java.util.List<String> subdirectories(String dir);

    /** Creates an empty file owned by uid:gid, truncating an existing one. */
    void createFile(String path, int uid, int gid) throws KernelException;

    /** Size of a file in bytes, or -1 when it does not exist. */
    long size(String path);

    /** Reads at most {@code length} bytes at {@code offset}. */
    byte[] read(String path, long offset, int length) throws KernelException;

    /**
     * Drops about the first {@code bytes} of the file, keeping the rest (output rotation), and
     * returns how many were dropped: the kernel may only cut whole blocks.
     */
    long dropHead(String path, long bytes) throws KernelException;

    /** Writes a small file (replacing any), owned by uid:gid, mode 0644. */
    void writeFile(String path, byte[] data, int uid, int gid) throws KernelException;

    /** What is at {@code path} inside {@code root}, or null when nothing is (or the root is missing). */
    FileFacts facts(String root, String path);

    /**
     * Size of the regular file at {@code path} inside {@code root}, or -1 when there is none. The
     * root and every directory on the way are looked up with the rights of {@code as} (null: the
     * daemon's), never the daemon's followed by a check on the last file; EACCES when {@code as}
     * may not read it.
     */
    long size(String root, String path, LaunchSpec.Cred as) throws KernelException;

    /** Reads from the regular file at {@code path} inside {@code root}, opened as {@code as} (see size). */
    byte[] read(String root, String path, long offset, int length, LaunchSpec.Cred as) throws KernelException;

    /** What a user wants to do with a file they name. */
    enum Access {
        /** open it for reading */
        READ,
        /** open it for writing, or create it when it does not exist */
        WRITE
    }

    /**
     * Checks that {@code as} could do {@code want} with the file at {@code path} inside {@code root},
     * resolving the whole path with their rights: EACCES (or EPERM, EROFS) when not, ENOENT when a
     * directory on the way is missing (or the file, for READ).
     */
    void checkAccess(String root, String path, Access want, LaunchSpec.Cred as) throws KernelException;

    /**
     * Makes {@code path} (absolute, normal) inside {@code root} a symbolic link to {@code target}
     * (absolute, normal; written relative to the link's directory), replacing another link there
     * atomically; a null target removes the link. Missing directories on the way are made, mode
     * 0775, owned by uid:gid. Every lookup stays inside the root; with {@code as} non-null they and
     * the changes are made with that user's rights. EEXIST when something other than a link is there.
     */
    default void setSymlink(String root, String path, String target, LaunchSpec.Cred as, int uid, int gid) throws KernelException {
        throw new KernelException(95, "symbolic links in containers are not simulated");
    }

    /** A file's type, owner and permission bits; device numbers for device nodes. */
    record FileFacts(Kind kind, int uid, int gid, int mode, int major, int minor) {
        public enum Kind { DIRECTORY, REGULAR, CHAR_DEVICE, BLOCK_DEVICE, OTHER }

        /** Whether uid (with its groups) may access this with the "rwx" bits {@code want} (4, 2, 1). */
        public boolean permits(int who, List<Integer> groups, int want) {
            if (who == 0)
                return true;
            int bits = who == uid ? mode >> 6 : groups.contains(gid) ? mode >> 3 : mode;
            return (bits & want) == want;
        }
    }
}

package porto.ports;

/** Files that belong to a container: its default working directory and stored output. */
public interface ContainerFiles {

    /** Creates (or empties) the working directory at {@code path}, owned by uid:gid. */
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
}

package porto.ports.volume;

import java.util.List;
import java.util.Optional;
import porto.ports.KernelException;

/**
 * What volumes need from the kernel: directories, mounts, project quota and loop devices. Paths are
 * absolute host paths. The domain decides what to build; an adapter only does it.
 */
public interface VolumeStorage {

    /** Capacity of the filesystem that holds a path. */
    record FsInfo(String type, long totalBytes, long freeBytes, long totalInodes, long freeInodes) {}

    /** Space and inodes taken. */
    record Usage(long bytes, long inodes) {}

    /** Makes a directory (its missing parents owned by root, 0755); an existing one keeps its contents. */
    void makeDirectory(String path, int uid, int gid, int mode) throws KernelException;

    /** Sets owner and mode of an existing file or directory. */
    void setOwner(String path, int uid, int gid, int mode) throws KernelException;

    boolean exists(String path);

    /**
     * Whether a user with these groups may write into an existing path that is reached without
     * any symbolic link (a path through a link is never writable, wherever the link points).
     */
    boolean writableBy(String path, int uid, java.util.List<Integer> gids);

    /** Names in a directory; none when it is missing. */
    List<String> list(String dir);

    boolean isDirectory(String path);

    boolean isRegularFile(String path);

    /** Removes a directory tree, never crossing into a filesystem mounted below it; absent is fine. */
    void removeTree(String path) throws KernelException;

    /** Copies the contents of a directory into another one, keeping modes, owners and links. */
    void copyTree(String from, String to) throws KernelException;

    /** Binds {@code source} onto {@code target}, read-only if asked. */
    void bind(String source, String target, boolean readOnly) throws KernelException;

    /** Mounts a new tmpfs; 0 for no limit. */
    void mountTmpfs(String target, long sizeBytes, long inodes, int uid, int gid, int mode) throws KernelException;

    /** Changes the size and inode limits of a mounted tmpfs. */
    void remountTmpfs(String target, long sizeBytes, long inodes) throws KernelException;

    /** Mounts overlayfs: {@code lower} top first; without upper/work (null) it is read-only. */
    void mountOverlay(String target, List<String> lower, String upper, String work) throws KernelException;

    /** Mounts a block device (ext4, squashfs) on a target. */
    void mountDevice(String device, String type, String target, boolean readOnly) throws KernelException;

    /** Changes the read-only flag of the mount at target. */
    void remount(String target, boolean readOnly) throws KernelException;

    /** Unmounts the mount on target (lazily: busy files keep it alive, the path is freed at once). */
    void unmount(String target) throws KernelException;

    boolean isMountPoint(String path);

    /** Every mount point at or below a path, deepest first. */
    List<String> mountsUnder(String path);

    FsInfo fsInfo(String path) throws KernelException;

    /** What a directory tree holds, counted by walking it (no quota needed). */
    Usage usage(String path) throws KernelException;

    /** Null when project quota works for the filesystem of path, else why not (naming the filesystem). */
    String projectQuotaUnsupported(String path);

    /** Puts a directory tree in a project of its own and limits it; 0 for unlimited. */
    void setProjectQuota(String dir, long spaceLimit, long inodeLimit) throws KernelException;

    /** Usage charged to the directory's project. */
    Usage projectUsage(String dir) throws KernelException;

    /** Lifts the limits of the directory's project and takes it out of the project. */
    void clearProjectQuota(String dir) throws KernelException;

    /** Null when the kernel can mount a filesystem type (overlay, squashfs, ext4), else why not. */
    String filesystemUnsupported(String type);

    /** Creates or grows a sparse ext4 image of {@code bytes}. */
    void makeExt4Image(String image, long bytes) throws KernelException;

    /** Grows the image and the ext4 in it while mounted on device. */
    void growExt4Image(String image, String device, long bytes) throws KernelException;

    /** Attaches a file to a free loop device; the device's path. */
    String attachLoop(String image, boolean readOnly) throws KernelException;

    void detachLoop(String device) throws KernelException;

    /** The loop device backing a file, if attached. */
    Optional<String> loopOf(String image);
}

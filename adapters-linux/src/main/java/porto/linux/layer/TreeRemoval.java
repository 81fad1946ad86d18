package porto.linux.layer;

import static porto.ports.Errno.*;

import java.io.File;
import porto.ports.KernelException;

/**
 * Removes a tree relative to directory descriptors: each directory is opened with O_NOFOLLOW from
 * its parent's descriptor and emptied with unlinkat, so a symbolic link swapped in meanwhile is
 * removed as a link and never followed.
 */
final class TreeRemoval {
    private TreeRemoval() {}

    /** Removes {@code name} in the directory {@code dir} and everything below it; a missing one is fine. */
    static void remove(int dir, String name) throws KernelException {
        if (Syscalls.unlinkat(dir, name, 0) == 0)
            return;
        int fd = Syscalls.openat(dir, name, Syscalls.O_RDONLY | Syscalls.O_DIRECTORY | Syscalls.O_NOFOLLOW, 0);
        if (fd >= 0) {
            try {
                String[] names = new File("/proc/self/fd/" + fd).list();
                for (String child : names == null ? new String[0] : names)
                    remove(fd, child);
            } finally {
                Syscalls.close(fd);
            }
        }
        int rc = Syscalls.unlinkat(dir, name, Syscalls.AT_REMOVEDIR);
        if (rc < 0 && rc != -ENOENT)
            throw new KernelException(-rc, "cannot remove " + name);
    }

    /** Removes the tree at the absolute {@code path} (its parent directories are looked up as given). */
    static void remove(String path) throws KernelException {
        int slash = path.lastIndexOf('/');
        String parent = slash <= 0 ? "/" : path.substring(0, slash);
        int dir = Syscalls.openat(-100, parent, Syscalls.O_PATH | Syscalls.O_DIRECTORY, 0);
        if (dir == -ENOENT)
            return;
        if (dir < 0)
            throw new KernelException(-dir, "cannot open " + parent);
        try {
            remove(dir, path.substring(slash + 1));
        } finally {
            Syscalls.close(dir);
        }
    }
}

package porto.fake;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import porto.ports.ContainerFiles;
import porto.ports.ContainerFiles.FileFacts;
import porto.ports.KernelException;
import porto.ports.LaunchSpec;

/**
 * Files and directories in memory. "/" always exists; creating a directory creates missing parents
 * (owned by root) and empties an existing one. A file needs an existing parent directory.
 */
public final class FakeFiles implements ContainerFiles {
    static final int ENOENT = 2;
    static final int EEXIST = 17;
    static final int EISDIR = 21;
    static final int EACCES = 13;

    /** A directory ({@code data == null}) or a file, with its owner. */
    public record Entry(int uid, int gid, byte[] data) {
        public boolean isDirectory() {
            return data == null;
        }
    }

    private final Map<String, Entry> entries = new TreeMap<>();
    private final Map<String, FileFacts> devices = new TreeMap<>();
    private final Map<String, Integer> modes = new TreeMap<>();

    FakeFiles() {
        entries.put("/", new Entry(0, 0, null));
        entries.put("/dev", new Entry(0, 0, null));
        addDevice("/dev/null", 'c', 1, 3, 0666, 0, 0);
        addDevice("/dev/zero", 'c', 1, 5, 0666, 0, 0);
        addDevice("/dev/full", 'c', 1, 7, 0666, 0, 0);
        addDevice("/dev/random", 'c', 1, 8, 0666, 0, 0);
        addDevice("/dev/urandom", 'c', 1, 9, 0666, 0, 0);
        addDevice("/dev/tty", 'c', 5, 0, 0666, 0, 0);
        addDevice("/dev/fuse", 'c', 10, 229, 0666, 0, 0);
        addDevice("/dev/sda", 'b', 8, 0, 0660, 0, 6);
    }

    @Override
    public synchronized void createDirectory(String path, int uid, int gid) throws KernelException {
        Entry e = entries.get(path);
        if (e != null && !e.isDirectory())
            throw new KernelException(EEXIST, "File exists: " + path);
        for (String p = parentOf(path); p != null; p = parentOf(p)) {
            Entry up = entries.get(p);
            if (up != null && !up.isDirectory())
                throw new KernelException(20, "Not a directory: " + p);
            entries.putIfAbsent(p, new Entry(0, 0, null));
        }
        removeBelow(path);
        entries.put(path, new Entry(uid, gid, null));
    }

    @Override
    public synchronized void removeDirectory(String path) {
        if (path.equals("/"))
            return;
        removeBelow(path);
        entries.remove(path);
    }

    @Override
    public synchronized java.util.List<String> subdirectories(String dir) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (var e : entries.entrySet())
            if (e.getValue().isDirectory() && dir.equals(parentOf(e.getKey())))
                out.add(e.getKey().substring(e.getKey().lastIndexOf('/') + 1));
        return out;
    }

    @Override
    public synchronized void createFile(String path, int uid, int gid) throws KernelException {
        String parent = parentOf(path);
        Entry dir = parent == null ? null : entries.get(parent);
        if (dir == null || !dir.isDirectory())
            throw new KernelException(ENOENT, "No such file or directory: " + path);
        Entry e = entries.get(path);
        if (e != null && e.isDirectory())
            throw new KernelException(EISDIR, "Is a directory: " + path);
        entries.put(path, new Entry(uid, gid, new byte[0]));
    }

    @Override
    public synchronized long size(String path) {
        Entry e = entries.get(path);
        return e == null || e.isDirectory() ? -1 : e.data().length;
    }

    @Override
    public synchronized byte[] read(String path, long offset, int length) throws KernelException {
        Entry e = file(path);
        int from = (int) Math.min(Math.max(0, offset), e.data().length);
        int to = (int) Math.min((long) from + Math.max(0, length), e.data().length);
        return Arrays.copyOfRange(e.data(), from, to);
    }

    @Override
    public synchronized long dropHead(String path, long bytes) throws KernelException {
        Entry e = file(path);
        int from = (int) Math.min(Math.max(0, bytes), e.data().length);
        entries.put(path, new Entry(e.uid(), e.gid(), Arrays.copyOfRange(e.data(), from, e.data().length)));
        return from;
    }

    @Override
    public synchronized void writeFile(String path, byte[] data, int uid, int gid) throws KernelException {
        createFile(path, uid, gid);
        entries.put(path, new Entry(uid, gid, data.clone()));
    }

    /** Files are 0660 and directories 0775 here unless chmod-ed; there are no symbolic links to escape through. */
    @Override
    public synchronized FileFacts facts(String root, String path) {
        String full = inRoot(root, path);
        FileFacts device = devices.get(full);
        if (device != null)
            return device;
        Entry e = entries.get(full);
        if (e == null)
            return null;
        return new FileFacts(e.isDirectory() ? FileFacts.Kind.DIRECTORY : FileFacts.Kind.REGULAR, e.uid(), e.gid(),
                modes.getOrDefault(full, e.isDirectory() ? 0775 : 0660), 0, 0);
    }

    /** Changes the permission bits of a file or directory, as chmod(1) would. */
    public synchronized void chmod(String path, int mode) {
        modes.put(path, mode);
    }

    /**
     * What the kernel's path walk does with {@code as}'s rights: every directory from "/" to the
     * one holding {@code full} must let them search it. EACCES when one does not, ENOENT when one is missing.
     */
    private void walk(String full, LaunchSpec.Cred as) throws KernelException {
        java.util.List<String> dirs = new java.util.ArrayList<>();
        for (String p = parentOf(full); p != null; p = parentOf(p))
            dirs.add(0, p);
        for (String dir : dirs) {
            FileFacts f = facts("/", dir);
            if (f == null || f.kind() != FileFacts.Kind.DIRECTORY)
                throw new KernelException(ENOENT, "No such file or directory: " + full);
            if (as != null && !f.permits(as.uid(), as.groups(), 1))
                throw new KernelException(EACCES, "Permission denied: " + full);
        }
    }

    @Override
    public synchronized long size(String root, String path, LaunchSpec.Cred as) throws KernelException {
        String full = inRoot(root, path);
        try {
            walk(full, as);
        } catch (KernelException e) {
            if (e.errno() == ENOENT)
                return -1;
            throw e;
        }
        FileFacts f = facts("/", full);
        if (f != null && as != null && !f.permits(as.uid(), as.groups(), 4))
            throw new KernelException(EACCES, "Permission denied: " + path);
        return size(full);
    }

    @Override
    public synchronized byte[] read(String root, String path, long offset, int length, LaunchSpec.Cred as)
            throws KernelException {
        String full = inRoot(root, path);
        walk(full, as);
        FileFacts f = facts("/", full);
        if (f != null && as != null && !f.permits(as.uid(), as.groups(), 4))
            throw new KernelException(EACCES, "Permission denied: " + path);
        return read(full, offset, length);
    }

    @Override
    public synchronized void checkAccess(String root, String path, Access want, LaunchSpec.Cred as) throws KernelException {
        String full = inRoot(root, path);
        walk(full, as);
        FileFacts f = facts("/", full);
        if (f == null && want == Access.READ)
            throw new KernelException(ENOENT, "No such file or directory: " + path);
        FileFacts target = f != null ? f : facts("/", parentOf(full));
        int bits = f != null ? (want == Access.READ ? 4 : 2) : 3;
        if (as != null && !target.permits(as.uid(), as.groups(), bits))
            throw new KernelException(EACCES, "Permission denied: " + path);
    }

    /** A device node on the fake host, as mknod(1) would make it. */
    public synchronized void addDevice(String path, char type, int major, int minor, int mode, int uid, int gid) {
        devices.put(path, new FileFacts(type == 'b' ? FileFacts.Kind.BLOCK_DEVICE : FileFacts.Kind.CHAR_DEVICE,
                uid, gid, mode, major, minor));
    }

    private static String inRoot(String root, String path) {
        if (root.equals("/"))
            return path;
        return path.equals("/") ? root : root + path;
    }

    /** A task writes to a file (creating it owned by root if needed, parent or not). */
    public synchronized void append(String path, byte[] bytes) {
        Entry e = entries.get(path);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (e != null && !e.isDirectory())
            out.writeBytes(e.data());
        out.writeBytes(bytes);
        entries.put(path, new Entry(e == null ? 0 : e.uid(), e == null ? 0 : e.gid(), out.toByteArray()));
    }

    public synchronized Entry entry(String path) {
        return entries.get(path);
    }

    public synchronized boolean exists(String path) {
        return entries.containsKey(path);
    }

    private Entry file(String path) throws KernelException {
        Entry e = entries.get(path);
        if (e == null)
            throw new KernelException(ENOENT, "No such file or directory: " + path);
        if (e.isDirectory())
            throw new KernelException(EISDIR, "Is a directory: " + path);
        return e;
    }

    private void removeBelow(String path) {
        String prefix = path.endsWith("/") ? path : path + "/";
        entries.keySet().removeIf(p -> p.startsWith(prefix));
    }

    private static String parentOf(String path) {
        if (path.equals("/") || !path.startsWith("/"))
            return null;
        int slash = path.lastIndexOf('/');
        return slash == 0 ? "/" : path.substring(0, slash);
    }
}

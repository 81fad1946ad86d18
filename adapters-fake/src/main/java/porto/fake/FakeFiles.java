package porto.fake;

import static porto.ports.Errno.*;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import porto.ports.ContainerFiles;
import porto.ports.ContainerFiles.FileFacts;
import porto.ports.KernelException;
import porto.ports.LaunchSpec;

/**
 * Files, directories and symbolic links in memory, each with an owner and permission bits. "/"
 * always exists; creating a directory creates missing parents (owned by root) and takes over an
 * existing one. A file needs an existing parent directory.
 *
 * <p>As on Linux below the place root: the operations on host paths never follow a link anywhere
 * on the way (ELOOP), and paths inside a root are resolved as if the root were "/", links and ".."
 * included, so nothing resolves outside it.
 */
public final class FakeFiles implements ContainerFiles {
    private static final int MAX_LINKS = 40;

    /** A directory, a file ({@code data}) or a symbolic link ({@code link}), with owner and mode. */
    public record Entry(int uid, int gid, byte[] data, int mode, String link) {
        public Entry(int uid, int gid, byte[] data) {
            this(uid, gid, data, data == null ? 0775 : 0644, null);
        }

        public boolean isDirectory() {
            return data == null && link == null;
        }

        public boolean isLink() {
            return link != null;
        }

        boolean isFile() {
            return data != null;
        }
    }

    private final Map<String, Entry> entries = new TreeMap<>();
    private final Map<String, FileFacts> devices = new TreeMap<>();

    FakeFiles() {
        entries.put("/", new Entry(0, 0, null, 0755, null));
        entries.put("/dev", new Entry(0, 0, null, 0755, null));
        // What every host has and containers get bound in (bind_dns).
        entries.put("/etc", new Entry(0, 0, null, 0755, null));
        entries.put("/etc/hosts", new Entry(0, 0, "127.0.0.1 localhost\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0644, null));
        entries.put("/etc/resolv.conf", new Entry(0, 0, "nameserver 127.0.0.53\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0644, null));
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
        noLinkOnTheWay(path, true);
        Entry e = entries.get(path);
        if (e != null && !e.isDirectory())
            throw new KernelException(EEXIST, "File exists: " + path);
        for (String p = parentOf(path); p != null; p = parentOf(p)) {
            Entry up = entries.get(p);
            if (up != null && !up.isDirectory())
                throw new KernelException(ENOTDIR, "Not a directory: " + p);
            entries.putIfAbsent(p, new Entry(0, 0, null, 0755, null));
        }
        entries.put(path, new Entry(uid, gid, null, 0775, null));
    }

    @Override
    public synchronized void removeDirectory(String path) {
        if (path.equals("/") || linkOnTheWay(path, true))
            return;
        removeBelow(path);
        entries.remove(path);
    }

    @Override
    public synchronized List<String> subdirectories(String dir) {
        List<String> out = new ArrayList<>();
        if (linkOnTheWay(dir, true))
            return out;
        for (var e : entries.entrySet())
            if (e.getValue().isDirectory() && dir.equals(parentOf(e.getKey())))
                out.add(e.getKey().substring(e.getKey().lastIndexOf('/') + 1));
        return out;
    }

    @Override
    public synchronized void createFile(String path, int uid, int gid) throws KernelException {
        putFile(path, new Entry(uid, gid, new byte[0], 0660, null));
    }

    private void putFile(String path, Entry file) throws KernelException {
        noLinkOnTheWay(path, true);
        String parent = parentOf(path);
        Entry dir = parent == null ? null : entries.get(parent);
        if (dir == null || !dir.isDirectory())
            throw new KernelException(ENOENT, "No such file or directory: " + path);
        Entry e = entries.get(path);
        if (e != null && e.isDirectory())
            throw new KernelException(EISDIR, "Is a directory: " + path);
        entries.put(path, file);
    }

    @Override
    public synchronized long size(String path) {
        if (linkOnTheWay(path, true))
            return -1;
        Entry e = entries.get(path);
        return e == null || !e.isFile() ? -1 : e.data().length;
    }

    @Override
    public synchronized byte[] read(String path, long offset, int length) throws KernelException {
        return slice(file(path), offset, length);
    }

    private static byte[] slice(Entry e, long offset, int length) {
        int from = (int) Math.min(Math.max(0, offset), e.data().length);
        int to = (int) Math.min((long) from + Math.max(0, length), e.data().length);
        return Arrays.copyOfRange(e.data(), from, to);
    }

    @Override
    public synchronized long dropHead(String path, long bytes) throws KernelException {
        Entry e = file(path);
        int from = (int) Math.min(Math.max(0, bytes), e.data().length);
        entries.put(path, new Entry(e.uid(), e.gid(), Arrays.copyOfRange(e.data(), from, e.data().length), e.mode(), null));
        return from;
    }

    @Override
    public synchronized void writeFile(String path, byte[] data, int uid, int gid) throws KernelException {
        putFile(path, new Entry(uid, gid, data.clone(), 0644, null));
    }

    @Override
    public synchronized FileFacts facts(String root, String path) {
        String full = resolveInRoot(root, path);
        if (full == null)
            return null;
        FileFacts device = devices.get(full);
        if (device != null)
            return device;
        Entry e = entries.get(full);
        if (e == null)
            return null;
        return new FileFacts(e.isDirectory() ? FileFacts.Kind.DIRECTORY : FileFacts.Kind.REGULAR, e.uid(), e.gid(),
                e.mode(), 0, 0);
    }

    /**
     * What the kernel's path walk does with {@code as}'s rights: every directory from "/" to the
     * one holding {@code full} must let them search it. EACCES when one does not, ENOENT when one
     * is missing. A null {@code as} is the daemon, which may go anywhere.
     */
    private void walk(String full, LaunchSpec.Cred as) throws KernelException {
        List<String> dirs = new ArrayList<>();
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
        String full = resolveInRoot(root, path);
        Entry e = full == null ? null : entries.get(full);
        if (e == null || !e.isFile())
            return -1;
        walk(full, as);
        FileFacts f = facts("/", full);
        if (as != null && !f.permits(as.uid(), as.groups(), 4))
            throw new KernelException(EACCES, "Permission denied: " + path);
        return e.data().length;
    }

    @Override
    public synchronized byte[] read(String root, String path, long offset, int length, LaunchSpec.Cred as)
            throws KernelException {
        FileFacts f = facts(root, path);
        if (f == null)
            throw new KernelException(ENOENT, "No such file or directory: " + path + " in " + root);
        if (f.kind() != FileFacts.Kind.REGULAR)
            throw new KernelException(EINVAL, path + " in " + root + " is not a regular file");
        String full = resolveInRoot(root, path);
        walk(full, as);
        if (as != null && !f.permits(as.uid(), as.groups(), 4))
            throw new KernelException(EACCES, "Permission denied: " + path);
        return slice(entries.get(full), offset, length);
    }

    @Override
    public synchronized void checkAccess(String root, String path, Access want, LaunchSpec.Cred as) throws KernelException {
        String full = resolveInRoot(root, path);
        if (full == null)
            throw new KernelException(ENOENT, "No such file or directory: " + path);
        walk(full, as);
        FileFacts f = facts("/", full);
        if (f == null && want == Access.READ)
            throw new KernelException(ENOENT, "No such file or directory: " + path);
        FileFacts target = f != null ? f : facts("/", parentOf(full));
        int bits = f != null ? (want == Access.READ ? 4 : 2) : 3;
        if (as != null && !target.permits(as.uid(), as.groups(), bits))
            throw new KernelException(EACCES, "Permission denied: " + path);
    }

    /** Changes the permission bits of a file or directory, as chmod(1) would. */
    public synchronized void chmod(String path, int mode) {
        Entry e = entries.get(path);
        if (e != null)
            entries.put(path, new Entry(e.uid(), e.gid(), e.data(), mode, e.link()));
    }

    // ---- what the host does to its files, for tests ----

    /** A device node on the fake host, as mknod(1) would make it. */
    public synchronized void addDevice(String path, char type, int major, int minor, int mode, int uid, int gid) {
        devices.put(path, new FileFacts(type == 'b' ? FileFacts.Kind.BLOCK_DEVICE : FileFacts.Kind.CHAR_DEVICE,
                uid, gid, mode, major, minor));
    }

    /** mkdir(2) with this mode and owner; the parent must exist. */
    public synchronized void makeDirectory(String path, int mode, int uid, int gid) throws KernelException {
        requireParent(path);
        entries.put(path, new Entry(uid, gid, null, mode, null));
    }

    /** A file with this content, mode and owner; the parent must exist. */
    public synchronized void makeFile(String path, byte[] data, int mode, int uid, int gid) throws KernelException {
        requireParent(path);
        entries.put(path, new Entry(uid, gid, data.clone(), mode, null));
    }

    /** symlink(2): {@code path} points at {@code target}, which need not exist. */
    public synchronized void makeSymlink(String path, String target) throws KernelException {
        requireParent(path);
        if (entries.containsKey(path))
            throw new KernelException(EEXIST, "File exists: " + path);
        entries.put(path, new Entry(0, 0, null, 0777, target));
    }

    /**
     * What the launcher makes for a missing bind target: missing parents as directories (0755),
     * the last name as a directory (0755) or an empty file (0644), all owned by uid:gid; what
     * exists is left as it is.
     */
    synchronized void makeMissing(String path, boolean directory, int uid, int gid) throws KernelException {
        List<String> chain = new ArrayList<>();
        for (String p = path; p != null && !entries.containsKey(p); p = parentOf(p))
            chain.add(0, p);
        for (String p : chain) {
            Entry parent = entries.get(parentOf(p));
            if (parent == null || !parent.isDirectory())
                throw new KernelException(ENOTDIR, "Not a directory: " + parentOf(p));
            boolean file = p.equals(path) && !directory;
            entries.put(p, new Entry(uid, gid, file ? new byte[0] : null, file ? 0644 : 0755, null));
        }
    }

    /** A task writes to a file (creating it owned by root if needed, parent or not). */
    public synchronized void append(String path, byte[] bytes) {
        Entry e = entries.get(path);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (e != null && e.isFile())
            out.writeBytes(e.data());
        out.writeBytes(bytes);
        entries.put(path, new Entry(e == null ? 0 : e.uid(), e == null ? 0 : e.gid(), out.toByteArray(),
                e == null ? 0644 : e.mode(), null));
    }

    public synchronized Entry entry(String path) {
        return entries.get(path);
    }

    public synchronized boolean exists(String path) {
        return entries.containsKey(path);
    }

    /**
     * Where {@code path} leads when {@code root} is "/": every link followed, absolute ones from
     * the root, ".." never above it; null when a link loops or something on the way is missing
     * (the last name may be missing: the result then names nothing).
     */
    synchronized String resolveInRoot(String root, String path) {
        String base = root.equals("/") ? "" : stripSlash(root);
        Entry top = entries.get(base.isEmpty() ? "/" : base);
        if (top == null || !top.isDirectory())
            return null;
        Deque<String> todo = new ArrayDeque<>(names(path));
        Deque<String> done = new ArrayDeque<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String name = todo.pollFirst();
            if (name.equals(".."))
                done.pollLast();
            else if (!name.equals(".")) {
                done.addLast(name);
                Entry e = entries.get(base + "/" + String.join("/", done));
                if (e != null && e.isLink()) {
                    if (++links > MAX_LINKS)
                        return null;
                    done.pollLast();
                    if (e.link().startsWith("/"))
                        done.clear();
                    List<String> target = names(e.link());
                    for (int i = target.size() - 1; i >= 0; i--)
                        todo.addFirst(target.get(i));
                } else if (e == null && !todo.isEmpty()) {
                    return null;
                } else if (e != null && !e.isDirectory() && !todo.isEmpty()) {
                    return null;
                }
            }
        }
        String inside = "/" + String.join("/", done);
        return base.isEmpty() ? inside : inside.equals("/") ? base : base + inside;
    }

    private static List<String> names(String path) {
        List<String> out = new ArrayList<>();
        for (String n : path.split("/"))
            if (!n.isEmpty())
                out.add(n);
        return out;
    }

    private static String stripSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private boolean linkOnTheWay(String path, boolean includingLast) {
        String p = includingLast ? path : parentOf(path);
        for (; p != null; p = parentOf(p)) {
            Entry e = entries.get(p);
            if (e != null && e.isLink())
                return true;
        }
        return false;
    }

    private void noLinkOnTheWay(String path, boolean includingLast) throws KernelException {
        if (linkOnTheWay(path, includingLast))
            throw new KernelException(ELOOP, "Too many levels of symbolic links: a link is on the way to " + path);
    }

    private void requireParent(String path) throws KernelException {
        String parent = parentOf(path);
        Entry dir = parent == null ? null : entries.get(parent);
        if (dir == null || !dir.isDirectory())
            throw new KernelException(ENOENT, "No such file or directory: " + path);
    }

    private Entry file(String path) throws KernelException {
        noLinkOnTheWay(path, true);
        Entry e = entries.get(path);
        if (e == null)
            throw new KernelException(ENOENT, "No such file or directory: " + path);
        if (!e.isFile())
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

package porto.fake.volume;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import porto.ports.KernelException;
import porto.ports.volume.VolumeStorage;

/**
 * Simulated volumes: a tree of paths (directories and files with sizes), a mount table, project
 * quotas that refuse writes past their limits with EDQUOT, loop devices and ext4 images. Project
 * quota works below the prefixes given to {@link #enableProjectQuota}; the filesystem has a fixed
 * capacity that tests can set. Mounted content is not simulated: a mount hides nothing, so tests
 * look at the mount table and the quota counts.
 */
public final class FakeVolumeStorage implements VolumeStorage {
    private record Node(boolean directory, long size, int uid, int gid, int mode) {}

    /** A mount: what is on target, made from what. */
    public record Mount(String target, String type, String source, boolean readOnly) {}

    private final TreeMap<String, Node> nodes = new TreeMap<>();
    private final List<Mount> mounts = new ArrayList<>();
    private final Map<String, long[]> quotas = new HashMap<>(); // dir -> {spaceLimit, inodeLimit}
    private final Map<String, String> loops = new HashMap<>(); // device -> image
    private final Map<String, Long> imageSizes = new HashMap<>();
    private final Set<String> quotaPrefixes = new HashSet<>();
    private final Set<String> filesystems = new HashSet<>(Set.of("overlay", "squashfs", "ext4", "tmpfs"));
    private long capacity = 100L << 30;
    private long inodeCapacity = 1_000_000;
    private int nextLoop;

    public FakeVolumeStorage() {
        nodes.put("/", new Node(true, 0, 0, 0, 0755));
    }

    // ---- test controls ----

    public synchronized void enableProjectQuota(String prefix) {
        quotaPrefixes.add(prefix);
    }

    public synchronized void setCapacity(long bytes, long inodes) {
        capacity = bytes;
        inodeCapacity = inodes;
    }

    public synchronized void removeFilesystem(String type) {
        filesystems.remove(type);
    }

    /** Writes a file of {@code bytes}; EDQUOT when a project quota above it would be exceeded, ENOSPC when the disk is full. */
    public synchronized void write(String file, long bytes) throws KernelException {
        requireDirectory(parent(file));
        for (Map.Entry<String, long[]> q : quotas.entrySet()) {
            if (!inside(file, q.getKey()))
                continue;
            long[] used = count(q.getKey());
            long[] limit = q.getValue();
            if ((limit[0] != 0 && used[0] + bytes > limit[0]) || (limit[1] != 0 && used[1] + 1 > limit[1]))
                throw new KernelException(122, "write " + file + ": EDQUOT");
        }
        long[] all = count("/");
        if (all[0] + bytes > capacity)
            throw new KernelException(28, "write " + file + ": ENOSPC");
        nodes.put(file, new Node(false, bytes, 0, 0, 0644));
    }

    public synchronized List<Mount> mounts() {
        return List.copyOf(mounts);
    }

    public synchronized Set<String> loopDevices() {
        return Set.copyOf(loops.keySet());
    }

    public synchronized int modeOf(String p) {
        Node n = nodes.get(p);
        return n == null ? -1 : n.mode;
    }

    public synchronized int uidOf(String p) {
        Node n = nodes.get(p);
        return n == null ? -1 : n.uid;
    }

    // ---- the port ----

    private static String parent(String p) {
        int i = p.lastIndexOf('/');
        return i <= 0 ? "/" : p.substring(0, i);
    }

    private static boolean inside(String p, String dir) {
        return p.equals(dir) || dir.equals("/") || p.startsWith(dir + "/");
    }

    private void requireDirectory(String p) throws KernelException {
        Node n = nodes.get(p);
        if (n == null)
            throw new KernelException(2, p + ": ENOENT");
        if (!n.directory)
            throw new KernelException(20, p + ": ENOTDIR");
    }

    private long[] count(String dir) {
        long bytes = 0;
        long inodes = 0;
        for (Map.Entry<String, Node> e : nodes.tailMap(dir, true).entrySet()) {
            if (!inside(e.getKey(), dir))
                break;
            bytes += e.getValue().size;
            inodes++;
        }
        return new long[] {bytes, inodes};
    }

    @Override
    public synchronized void makeDirectory(String p, int uid, int gid, int mode) throws KernelException {
        List<String> missing = new ArrayList<>();
        for (String q = parent(p); !nodes.containsKey(q); q = parent(q))
            missing.add(0, q);
        for (String q : missing)
            nodes.put(q, new Node(true, 0, 0, 0, 0755));
        Node n = nodes.get(p);
        if (n != null && !n.directory)
            throw new KernelException(17, p + ": EEXIST");
        nodes.put(p, new Node(true, 0, uid, gid, mode));
    }

    @Override
    public synchronized void setOwner(String p, int uid, int gid, int mode) throws KernelException {
        Node n = nodes.get(p);
        if (n == null)
            throw new KernelException(2, p + ": ENOENT");
        nodes.put(p, new Node(n.directory, n.size, uid, gid, mode));
    }

    @Override
    public synchronized boolean exists(String p) {
        return nodes.containsKey(p);
    }

    @Override
    public synchronized boolean writableBy(String p, int uid, List<Integer> gids) {
        Node n = nodes.get(p);
        if (n == null)
            return false;
        if (n.uid == uid)
            return (n.mode & 0200) != 0;
        if (gids.contains(n.gid))
            return (n.mode & 0020) != 0;
        return (n.mode & 0002) != 0;
    }

    @Override
    public synchronized List<String> list(String dir) {
        List<String> out = new ArrayList<>();
        if (!isDirectory(dir))
            return out;
        for (String k : nodes.tailMap(dir, false).keySet()) {
            if (!inside(k, dir))
                break;
            if (parent(k).equals(dir))
                out.add(k.substring(k.lastIndexOf('/') + 1));
        }
        return out;
    }

    @Override
    public synchronized boolean isDirectory(String p) {
        Node n = nodes.get(p);
        return n != null && n.directory;
    }

    @Override
    public synchronized boolean isRegularFile(String p) {
        Node n = nodes.get(p);
        return n != null && !n.directory;
    }

    @Override
    public synchronized void removeTree(String dir) throws KernelException {
        if (!nodes.containsKey(dir))
            return;
        for (Mount m : mounts)
            if (inside(m.target, dir))
                throw new KernelException(16, "cannot remove " + dir + ": mount point inside: " + m.target);
        nodes.keySet().removeIf(k -> inside(k, dir));
    }

    @Override
    public synchronized void copyTree(String from, String to) throws KernelException {
        requireDirectory(from);
        requireDirectory(to);
        Map<String, Node> copies = new HashMap<>();
        for (Map.Entry<String, Node> e : nodes.tailMap(from, false).entrySet()) {
            if (!inside(e.getKey(), from))
                break;
            copies.put(to + e.getKey().substring(from.length()), e.getValue());
        }
        nodes.putAll(copies);
    }

    private void requireMountable(String target) throws KernelException {
        requireDirectory(target);
    }

    @Override
    public synchronized void bind(String source, String target, boolean readOnly) throws KernelException {
        if (!nodes.containsKey(source))
            throw new KernelException(2, "bind " + source + ": ENOENT");
        requireMountable(target);
        mounts.add(new Mount(target, "bind", source, readOnly));
    }

    @Override
    public synchronized void mountTmpfs(String target, long sizeBytes, long inodes, int uid, int gid, int mode) throws KernelException {
        requireMountable(target);
        mounts.add(new Mount(target, "tmpfs", "size=" + sizeBytes + ",nr_inodes=" + inodes, false));
        nodes.put(target, new Node(true, 0, uid, gid, mode));
    }

    @Override
    public synchronized void remountTmpfs(String target, long sizeBytes, long inodes) throws KernelException {
        Mount m = top(target);
        if (m == null || !m.type.equals("tmpfs"))
            throw new KernelException(22, "remount " + target + ": EINVAL");
        mounts.set(mounts.lastIndexOf(m), new Mount(target, "tmpfs", "size=" + sizeBytes + ",nr_inodes=" + inodes, m.readOnly));
    }

    @Override
    public synchronized void mountOverlay(String target, List<String> lower, String upper, String work) throws KernelException {
        if (!filesystems.contains("overlay"))
            throw new KernelException(19, "overlay: ENODEV");
        for (String l : lower)
            requireDirectory(l);
        if (upper != null) {
            requireDirectory(upper);
            requireDirectory(work);
        }
        requireMountable(target);
        mounts.add(new Mount(target, "overlay", "lowerdir=" + String.join(":", lower) + (upper == null ? "" : ",upperdir=" + upper), upper == null));
    }

    @Override
    public synchronized void mountDevice(String device, String type, String target, boolean readOnly) throws KernelException {
        if (!loops.containsKey(device))
            throw new KernelException(6, device + ": ENXIO");
        if (!filesystems.contains(type))
            throw new KernelException(19, type + ": ENODEV");
        requireMountable(target);
        mounts.add(new Mount(target, type, device, readOnly));
    }

    private Mount top(String target) {
        for (int i = mounts.size() - 1; i >= 0; i--)
            if (mounts.get(i).target.equals(target))
                return mounts.get(i);
        return null;
    }

    @Override
    public synchronized void remount(String target, boolean readOnly) throws KernelException {
        Mount m = top(target);
        if (m == null)
            throw new KernelException(22, "remount " + target + ": EINVAL");
        mounts.set(mounts.lastIndexOf(m), new Mount(m.target, m.type, m.source, readOnly));
    }

    @Override
    public synchronized void unmount(String target) throws KernelException {
        Mount m = top(target);
        if (m == null)
            throw new KernelException(22, "umount " + target + ": EINVAL");
        mounts.remove(mounts.lastIndexOf(m));
    }

    @Override
    public synchronized boolean isMountPoint(String p) {
        return top(p) != null;
    }

    @Override
    public synchronized List<String> mountsUnder(String p) {
        List<String> out = new ArrayList<>();
        for (Mount m : mounts)
            if (inside(m.target, p) && !out.contains(m.target))
                out.add(m.target);
        out.sort(Comparator.comparingInt(String::length).reversed());
        return out;
    }

    @Override
    public synchronized FsInfo fsInfo(String p) throws KernelException {
        if (!nodes.containsKey(p))
            throw new KernelException(2, "statvfs " + p + ": ENOENT");
        Mount holder = null;
        for (Mount m : mounts)
            if (inside(p, m.target) && (holder == null || m.target.length() >= holder.target.length()))
                holder = m;
        if (holder != null && (holder.type.equals("tmpfs") || holder.type.equals("ext4"))) {
            long size = holder.type.equals("tmpfs") ? Long.parseLong(holder.source.replaceAll("size=([0-9]+),.*", "$1"))
                    : imageSizes.getOrDefault(loops.get(holder.source), 0L);
            long[] used = count(holder.target);
            return new FsInfo(holder.type, size, Math.max(0, size - used[0]), size / 4096, Math.max(0, size / 4096 - used[1]));
        }
        long[] used = count("/");
        return new FsInfo("fakefs", capacity, Math.max(0, capacity - used[0]), inodeCapacity, Math.max(0, inodeCapacity - used[1]));
    }

    @Override
    public synchronized Usage usage(String p) throws KernelException {
        requireDirectory(p);
        long[] c = count(p);
        return new Usage(c[0], c[1]);
    }

    @Override
    public synchronized String projectQuotaUnsupported(String p) {
        for (String prefix : quotaPrefixes)
            if (inside(p, prefix))
                return null;
        return "filesystem fakefs at / has no project quota";
    }

    @Override
    public synchronized void setProjectQuota(String dir, long spaceLimit, long inodeLimit) throws KernelException {
        String why = projectQuotaUnsupported(dir);
        if (why != null)
            throw new KernelException(95, why);
        requireDirectory(dir);
        quotas.put(dir, new long[] {spaceLimit, inodeLimit});
    }

    @Override
    public synchronized Usage projectUsage(String dir) throws KernelException {
        if (!quotas.containsKey(dir))
            throw new KernelException(3, "no project for " + dir + ": ESRCH");
        long[] c = count(dir);
        return new Usage(c[0], c[1]);
    }

    @Override
    public synchronized void clearProjectQuota(String dir) {
        quotas.remove(dir);
    }

    @Override
    public synchronized String filesystemUnsupported(String type) {
        return filesystems.contains(type) ? null : "the kernel has no " + type + " filesystem";
    }

    @Override
    public synchronized void makeExt4Image(String image, long bytes) throws KernelException {
        requireDirectory(parent(image));
        nodes.put(image, new Node(false, 0, 0, 0, 0600)); // sparse: takes nothing yet
        imageSizes.put(image, bytes);
    }

    @Override
    public synchronized void growExt4Image(String image, String device, long bytes) throws KernelException {
        if (!image.equals(loops.get(device)))
            throw new KernelException(6, device + ": ENXIO");
        imageSizes.put(image, Math.max(bytes, imageSizes.getOrDefault(image, 0L)));
    }

    @Override
    public synchronized String attachLoop(String image, boolean readOnly) throws KernelException {
        if (!isRegularFile(image))
            throw new KernelException(2, image + ": ENOENT");
        String dev = "/dev/loop" + nextLoop++;
        loops.put(dev, image);
        return dev;
    }

    @Override
    public synchronized void detachLoop(String device) throws KernelException {
        if (loops.remove(device) == null)
            throw new KernelException(6, device + ": ENXIO");
    }

    @Override
    public synchronized Optional<String> loopOf(String image) {
        for (Map.Entry<String, String> e : loops.entrySet())
            if (e.getValue().equals(image))
                return Optional.of(e.getKey());
        return Optional.empty();
    }
}

package porto.linux.volume;

import static porto.ports.Errno.*;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import porto.ports.KernelException;
import porto.ports.volume.VolumeStorage;
import porto.linux.MountTable;

/**
 * Volumes on the real kernel: mount(2) and umount2(2) for binds, tmpfs, overlayfs and devices;
 * FS_IOC_FSSETXATTR and quotactl(2) for project quota; losetup(8), mkfs.ext4(8) and resize2fs(8)
 * for loop images (the tools do what their ioctls would, and e2fsprogs is the only maker of ext4).
 */
public final class LinuxVolumeStorage implements VolumeStorage {
    private static Path path(String p) {
        return Path.of(p);
    }

    private static KernelException fail(int errno, String what) {
        return new KernelException(errno, what + ": " + Errno.name(errno));
    }

    private static KernelException io(String what, IOException e) {
        int errno = e instanceof NoSuchFileException ? ENOENT
                : e instanceof java.nio.file.FileAlreadyExistsException ? 17
                : e instanceof java.nio.file.AccessDeniedException ? 13 : EIO;
        return new KernelException(errno, what + ": " + e.getMessage(), e);
    }

    @Override
    public void makeDirectory(String dir, int uid, int gid, int mode) throws KernelException {
        Path p = path(dir);
        try {
            if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                Path parent = p.getParent();
                if (parent != null && !Files.isDirectory(parent))
                    Files.createDirectories(parent);
                Files.createDirectory(p);
            }
            setOwner(dir, uid, gid, mode);
        } catch (IOException e) {
            throw io("mkdir " + dir, e);
        }
    }

    @Override
    public void setOwner(String file, int uid, int gid, int mode) throws KernelException {
        Path p = path(file);
        try {
            Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw io("chown/chmod " + file, e);
        }
    }

    @Override
    public boolean exists(String p) {
        return Files.exists(path(p), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public boolean writableBy(String p, int uid, List<Integer> gids) {
        try {
            Path path = path(p);
            if (!path.toRealPath().toString().equals(path.normalize().toString()) || !path.isAbsolute())
                return false; // reached through a link
            int owner = (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int group = (Integer) Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if (owner == uid)
                return (mode & 0200) != 0;
            if (gids.contains(group))
                return (mode & 0020) != 0;
            return (mode & 0002) != 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public List<String> list(String dir) {
        try (Stream<Path> s = Files.list(path(dir))) {
            return s.map(x -> x.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    @Override
    public boolean isDirectory(String p) {
        return Files.isDirectory(path(p), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public boolean isRegularFile(String p) {
        return Files.isRegularFile(path(p), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public void removeTree(String dir) throws KernelException {
        Path root = path(dir);
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS))
            return;
        List<String> mounted = mountsUnder(dir);
        if (!mounted.isEmpty()) // a bind of the same filesystem has the same st_dev: ask the mount table
            throw new KernelException(EBUSY, "cannot remove " + dir + ": mount point inside: " + mounted.get(0));
        try {
            Object device = Files.getAttribute(root, "unix:dev", LinkOption.NOFOLLOW_LINKS);
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                    if (!device.equals(Files.getAttribute(d, "unix:dev", LinkOption.NOFOLLOW_LINKS)))
                        throw new IOException("mount point inside: " + d);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    Files.delete(f);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    if (e != null)
                        throw e;
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("mount point inside"))
                throw new KernelException(EBUSY, "cannot remove " + dir + ": " + e.getMessage());
            throw io("remove " + dir, e);
        }
    }

    @Override
    public void copyTree(String from, String to) throws KernelException {
        // cp keeps hard links, xattrs, devices and sparse files, which a walk in Java would not
        run("copy " + from + " to " + to, "cp", "-a", "--reflink=auto", from + "/.", to + "/");
    }

    @Override
    public void bind(String source, String target, boolean readOnly) throws KernelException {
        int rc = VolumeCalls.mount(source, target, null, VolumeCalls.MS_BIND, null);
        if (rc != 0)
            throw fail(-rc, "bind " + source + " at " + target);
        if (readOnly)
            remount(target, true);
    }

    @Override
    public void mountTmpfs(String target, long sizeBytes, long inodes, int uid, int gid, int mode) throws KernelException {
        String data = "size=" + sizeBytes + (inodes > 0 ? ",nr_inodes=" + inodes : "")
                + ",uid=" + uid + ",gid=" + gid + ",mode=" + Integer.toOctalString(mode);
        int rc = VolumeCalls.mount("porto_tmpfs", target, "tmpfs", 0, data);
        if (rc != 0)
            throw fail(-rc, "mount tmpfs at " + target);
    }

    @Override
    public void remountTmpfs(String target, long sizeBytes, long inodes) throws KernelException {
        String data = "size=" + sizeBytes + (inodes > 0 ? ",nr_inodes=" + inodes : "");
        int rc = VolumeCalls.mount("porto_tmpfs", target, "tmpfs", VolumeCalls.MS_REMOUNT, data);
        if (rc != 0)
            throw fail(-rc, "resize tmpfs at " + target);
    }

    @Override
    public void mountOverlay(String target, List<String> lower, String upper, String work) throws KernelException {
        for (String l : lower)
            if (l.contains(":") || l.contains(","))
                throw new KernelException(EINVAL, "overlay layer path cannot hold ':' or ',': " + l);
        String data = "lowerdir=" + String.join(":", lower)
                + (upper == null ? "" : ",upperdir=" + upper + ",workdir=" + work);
        int rc = VolumeCalls.mount("overlay", target, "overlay", upper == null ? VolumeCalls.MS_RDONLY : 0, data);
        if (rc != 0)
            throw fail(-rc, "mount overlay at " + target);
    }

    @Override
    public void mountDevice(String device, String type, String target, boolean readOnly) throws KernelException {
        int rc = VolumeCalls.mount(device, target, type, readOnly ? VolumeCalls.MS_RDONLY : 0, "");
        if (rc != 0)
            throw fail(-rc, "mount " + type + " " + device + " at " + target);
    }

    @Override
    public void remount(String target, boolean readOnly) throws KernelException {
        long flags = VolumeCalls.MS_REMOUNT | VolumeCalls.MS_BIND | (readOnly ? VolumeCalls.MS_RDONLY : 0);
        int rc = VolumeCalls.mount(null, target, null, flags, null);
        if (rc != 0)
            throw fail(-rc, "remount " + target + (readOnly ? " read-only" : " read-write"));
    }

    @Override
    public void unmount(String target) throws KernelException {
        int rc = VolumeCalls.umount2(target, VolumeCalls.MNT_DETACH);
        if (rc != 0)
            throw fail(-rc, "umount " + target);
    }

    @Override
    public boolean isMountPoint(String p) {
        for (MountTable.Entry e : MountTable.read())
            if (e.mountPoint().equals(p))
                return true;
        return false;
    }

    @Override
    public List<String> mountsUnder(String p) {
        List<String> out = new ArrayList<>();
        for (MountTable.Entry e : MountTable.read()) {
            String mp = e.mountPoint();
            if ((mp.equals(p) || mp.startsWith(p + "/")) && !out.contains(mp))
                out.add(mp);
        }
        // deepest first; for the same point the most recent mount first (umount takes the top)
        List<String> result = new ArrayList<>(out);
        result.sort(Comparator.comparingInt(String::length).reversed());
        return result;
    }

    @Override
    public FsInfo fsInfo(String p) throws KernelException {
        int[] errno = new int[1];
        long[] s = VolumeCalls.statvfs(p, errno);
        if (s == null)
            throw fail(errno[0], "statvfs " + p);
        MountTable.Entry m = MountTable.holding(p);
        return new FsInfo(m == null ? "unknown" : m.type(), s[0], s[1], s[2], s[3]);
    }

    @Override
    public Usage usage(String dir) throws KernelException {
        long[] sum = new long[2];
        try {
            Files.walkFileTree(path(dir), new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    sum[1]++;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                    sum[0] += attrs.size();
                    sum[1]++;
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw io("walk " + dir, e);
        }
        return new Usage(sum[0], sum[1]);
    }

    // ---- project quota ----

    @Override
    public String projectQuotaUnsupported(String p) {
        MountTable.Entry m = MountTable.holding(p);
        if (m == null)
            return "no filesystem holds " + p;
        boolean on = switch (m.type()) {
            case "ext4" -> (m.superOptions() + "," + m.options()).contains("prjquota");
            case "xfs" -> (m.superOptions() + "," + m.options()).matches(".*(prjquota|pquota|pqnoenforce).*");
            default -> false;
        };
        if (on)
            return null;
        return "filesystem " + m.type() + " at " + m.mountPoint() + " has no project quota"
                + (m.type().equals("ext4") || m.type().equals("xfs") ? " (not mounted with prjquota)" : "")
                + KernelQuota.missing(m.type());
    }

    /** Projects are numbered by the inode of their directory: unique in its filesystem, nothing to allocate. */
    private static int projectOf(String dir) throws KernelException {
        try {
            long ino = (Long) Files.getAttribute(path(dir), "unix:ino", LinkOption.NOFOLLOW_LINKS);
            return (int) (ino & 0x7fffffffL);
        } catch (IOException e) {
            throw io("stat " + dir, e);
        }
    }

    private String deviceOf(String dir) throws KernelException {
        MountTable.Entry m = MountTable.holding(dir);
        if (m == null || !m.source().startsWith("/dev/"))
            throw new KernelException(EOPNOTSUPP, "no block device holds " + dir);
        return m.source();
    }

    @Override
    public void setProjectQuota(String dir, long spaceLimit, long inodeLimit) throws KernelException {
        String why = projectQuotaUnsupported(dir);
        if (why != null)
            throw new KernelException(EOPNOTSUPP, why);
        int project = projectOf(dir);
        setProjectTree(dir, project);
        int rc = VolumeCalls.setProjectLimits(deviceOf(dir), project, spaceLimit, inodeLimit);
        if (rc != 0)
            throw fail(-rc, "quotactl(Q_SETQUOTA) project " + project + " of " + dir);
    }

    /** Puts every file of a tree in the project (new files inherit it from their directory). */
    private static void setProjectTree(String dir, int project) throws KernelException {
        try {
            Files.walkFileTree(path(dir), new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                    int rc = VolumeCalls.setProject(d.toString(), project, true);
                    if (rc != 0)
                        throw new IOException("set project of " + d + ": " + Errno.name(-rc));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    if (attrs.isRegularFile() || attrs.isDirectory()) {
                        int rc = VolumeCalls.setProject(f.toString(), project, false);
                        if (rc != 0)
                            throw new IOException("set project of " + f + ": " + Errno.name(-rc));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw io("project quota on " + dir, e);
        }
    }

    @Override
    public Usage projectUsage(String dir) throws KernelException {
        int[] errno = new int[1];
        long[] u = VolumeCalls.projectUsage(deviceOf(dir), projectOf(dir), errno);
        if (u == null)
            throw fail(errno[0], "quotactl(Q_GETQUOTA) of " + dir);
        return new Usage(u[0], u[1]);
    }

    @Override
    public void clearProjectQuota(String dir) throws KernelException {
        int project = projectOf(dir);
        int rc = VolumeCalls.setProjectLimits(deviceOf(dir), project, 0, 0);
        if (rc != 0)
            throw fail(-rc, "quotactl(Q_SETQUOTA) project " + project + " of " + dir);
    }

    @Override
    public String filesystemUnsupported(String type) {
        if (knownFilesystem(type))
            return null;
        try {
            new ProcessBuilder("modprobe", "-q", type).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (IOException | InterruptedException e) {
            // checked below
        }
        return knownFilesystem(type) ? null : "the kernel has no " + type + " filesystem (/proc/filesystems)";
    }

    private static boolean knownFilesystem(String type) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/filesystems")))
                if (line.endsWith("\t" + type))
                    return true;
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    // ---- loop images ----

    @Override
    public void makeExt4Image(String image, long bytes) throws KernelException {
        try (RandomAccessFile f = new RandomAccessFile(image, "rw")) {
            f.setLength(bytes);
        } catch (IOException e) {
            throw io("create image " + image, e);
        }
        run("mkfs.ext4 " + image, "mkfs.ext4", "-F", "-q", "-E", "nodiscard", image);
    }

    @Override
    public void growExt4Image(String image, String device, long bytes) throws KernelException {
        try (RandomAccessFile f = new RandomAccessFile(image, "rw")) {
            if (f.length() < bytes)
                f.setLength(bytes);
        } catch (IOException e) {
            throw io("grow image " + image, e);
        }
        run("losetup -c " + device, "losetup", "-c", device);
        boolean mounted = MountTable.read().stream().anyMatch(m -> m.source().equals(device));
        if (!mounted) // offline resize wants a freshly checked filesystem
            run("e2fsck " + device, "e2fsck", "-f", "-p", device);
        try {
            run("resize2fs " + device, "resize2fs", device);
        } catch (KernelException e) {
            if (mounted && e.getMessage().contains("Permission denied"))
                throw new KernelException(EOPNOTSUPP, "growing a mounted ext4 needs CAP_SYS_RESOURCE, which this daemon lacks: " + e.getMessage());
            throw e;
        }
    }

    @Override
    public String attachLoop(String image, boolean readOnly) throws KernelException {
        List<String> cmd = new ArrayList<>(List.of("losetup", "--find", "--show"));
        if (readOnly)
            cmd.add("--read-only");
        cmd.add(image);
        return run("losetup " + image, cmd.toArray(String[]::new)).trim();
    }

    @Override
    public void detachLoop(String device) throws KernelException {
        run("losetup -d " + device, "losetup", "-d", device);
    }

    @Override
    public Optional<String> loopOf(String image) {
        try {
            String out = run("losetup -j " + image, "losetup", "-j", image);
            for (String line : out.split("\n"))
                if (line.contains(":"))
                    return Optional.of(line.substring(0, line.indexOf(':')));
        } catch (KernelException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** Runs a tool; its standard output, or a KernelException with what it printed. */
    private static String run(String what, String... cmd) throws KernelException {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            if (code != 0)
                throw new KernelException(out.contains("No space left") ? 28 : EIO, what + " failed (" + code + "): " + out.trim());
            return out;
        } catch (IOException e) {
            throw io(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KernelException(4, what + " interrupted");
        }
    }
}

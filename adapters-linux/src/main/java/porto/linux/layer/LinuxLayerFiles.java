package porto.linux.layer;

import static porto.ports.Errno.*;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import porto.linux.UserRights;
import porto.ports.KernelException;
import porto.ports.LaunchSpec;
import porto.ports.layer.LayerFiles;

/** {@link LayerFiles} on the real file system. */
public final class LinuxLayerFiles implements LayerFiles {
    @Override
    public void prepareDirectory(String path, int mode, int gid) throws KernelException {
        Path p = Path.of(path);
        try {
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(p);
            }
            if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                throw new KernelException(20, path + " must be a directory");
            Files.setAttribute(p, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw failure("cannot prepare " + path, e);
        }
    }

    private static KernelException failure(String what, IOException e) {
        int errno = e instanceof NoSuchFileException ? ENOENT : e instanceof FileAlreadyExistsException ? EEXIST : EIO;
        return new KernelException(errno, what + ": " + e.getMessage(), e);
    }

    @Override
    public boolean exists(String path) {
        return Files.exists(Path.of(path), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public boolean isDirectory(String path) {
        return Files.isDirectory(Path.of(path), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public List<String> subdirectories(String dir) {
        try (Stream<Path> list = Files.list(Path.of(dir))) {
            return list.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
    }

    @Override
    public void createDirectory(String path) throws KernelException {
        try {
            Files.createDirectory(Path.of(path));
        } catch (IOException e) {
            throw failure("cannot create " + path, e);
        }
    }

    @Override
    public void importArchive(String source, String target, ImportOptions options, LaunchSpec.Cred as) throws KernelException {
        int fd = UserRights.run(as, () -> Syscalls.openat(-100, source, Syscalls.O_RDONLY | Syscalls.O_NOCTTY | Syscalls.O_NONBLOCK, 0));
        if (fd < 0)
            throw new KernelException(-fd, (as == null ? "" : "user " + as.uid() + " ") + "cannot open " + source);
        try (TreeWriter writer = new TreeWriter(target, options.devicesAllowed(), options.aufsWhiteouts())) {
            Path opened = Path.of("/proc/self/fd/" + fd);
            if (Files.isDirectory(opened)) {
                // Read with the daemon's rights, a tree could hold files the client may not read.
                if (as != null)
                    throw new KernelException(1, "only root may import from a directory; pack " + source + " as a tarball");
                DirectoryImport.copy(fd, writer);
            } else if (Files.isRegularFile(opened)) {
                try (InputStream in = new FileInputStream(opened.toFile())) {
                    TarImport.unpack(in, options.compression(), writer);
                }
            } else {
                throw new ArchiveException(source + " is neither a regular file nor a directory");
            }
        } catch (IOException e) {
            throw new ArchiveException("cannot unpack " + source + ": " + e.getMessage());
        } finally {
            Syscalls.close(fd);
        }
    }

    @Override
    public void exportArchive(String dir, String archive, Compression compression, LaunchSpec.Cred as) throws KernelException {
        int fd = UserRights.run(as, () -> Syscalls.openat(-100, archive,
                Syscalls.O_WRONLY | Syscalls.O_CREAT | Syscalls.O_EXCL | Syscalls.O_NOFOLLOW | Syscalls.O_NOCTTY, 0664));
        if (fd < 0)
            throw new KernelException(-fd, (as == null ? "" : "user " + as.uid() + " ") + "cannot create " + archive);
        boolean done = false;
        try (FileOutputStream out = new FileOutputStream("/proc/self/fd/" + fd)) {
            TarExport.pack(Path.of(dir), out, compression);
            done = true;
        } catch (IOException e) {
            throw new KernelException(EIO, "cannot export " + dir + " to " + archive + ": " + e.getMessage(), e);
        } finally {
            Syscalls.close(fd);
            if (!done)
                UserRights.run(as, () -> Syscalls.unlinkat(-100, archive, 0));
        }
    }

    @Override
    public void rename(String from, String to) throws KernelException {
        try {
            Files.move(Path.of(from), Path.of(to), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw failure("cannot rename " + from + " to " + to, e);
        }
    }

    @Override
    public void removeTree(String path) throws KernelException {
        TreeRemoval.remove(path);
    }

    @Override
    public void writeFile(String path, byte[] data, int uid, int gid) throws KernelException {
        Path p = Path.of(path);
        try {
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                throw new KernelException(EISDIR, path + " is a directory");
            Files.deleteIfExists(p);
            Files.write(p, data);
            Files.setAttribute(p, "unix:mode", 0644, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw failure("cannot write " + path, e);
        }
    }

    @Override
    public byte[] readFile(String path, int max) {
        Path p = Path.of(path);
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
            return null;
        try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
            return in.readNBytes(max);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public Stat stat(String path) {
        try {
            Map<String, Object> a = Files.readAttributes(Path.of(path), "unix:uid,gid,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
            return new Stat((Integer) a.get("uid"), (Integer) a.get("gid"), ((FileTime) a.get("lastModifiedTime")).toMillis() / 1000);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void touch(String path) throws KernelException {
        try {
            Files.setLastModifiedTime(Path.of(path), FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException e) {
            throw failure("cannot touch " + path, e);
        }
    }
}

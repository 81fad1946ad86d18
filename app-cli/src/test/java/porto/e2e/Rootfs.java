package porto.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A small root filesystem under /tmp for chroot tests, like the quick start's "bringup" script:
 * busybox with links for the commands asked for when the host has /bin/busybox, else each
 * command and the libraries ldd lists. Closing it deletes it (never following a link).
 */
final class Rootfs implements AutoCloseable {
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    final Path dir;

    private Rootfs(Path dir) {
        this.dir = dir;
    }

    /** An empty root. */
    static Rootfs empty() throws IOException {
        Path dir = Files.createTempDirectory("porto-root-");
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return new Rootfs(dir);
    }

    /** A root with these commands in /bin. */
    static Rootfs with(String... commands) throws Exception {
        Rootfs r = empty();
        r.add(commands);
        return r;
    }

    void add(String... commands) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        if (Files.isExecutable(BUSYBOX)) {
            Path box = bin.resolve("busybox");
            if (!Files.exists(box))
                Files.copy(BUSYBOX, box, StandardCopyOption.COPY_ATTRIBUTES);
            for (String c : commands)
                if (!Files.exists(bin.resolve(c), LinkOption.NOFOLLOW_LINKS))
                    Files.createSymbolicLink(bin.resolve(c), Path.of("busybox"));
            return;
        }
        for (String c : commands) {
            Path program = Path.of(run("sh", "-c", "command -v " + c).strip());
            copyWithLibraries(program, bin.resolve(c));
        }
    }

    private void copyWithLibraries(Path program, Path target) throws Exception {
        Set<Path> files = new LinkedHashSet<>();
        for (String line : run("ldd", program.toString()).split("\n")) {
            for (String word : line.trim().split("\\s+"))
                if (word.startsWith("/"))
                    files.add(Path.of(word));
        }
        for (Path lib : files) {
            Path copy = dir.resolve(lib.toString().substring(1));
            Files.createDirectories(copy.getParent());
            if (!Files.exists(copy))
                Files.copy(lib.toRealPath(), copy, StandardCopyOption.COPY_ATTRIBUTES);
        }
        Files.copy(program.toRealPath(), target, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
    }

    Path resolve(String path) {
        return dir.resolve(path.startsWith("/") ? path.substring(1) : path);
    }

    void write(String path, String text) throws IOException {
        Path p = resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
    }

    void symlink(String path, String target) throws IOException {
        Path p = resolve(path);
        Files.createDirectories(p.getParent());
        Files.createSymbolicLink(p, Path.of(target));
    }

    /** Names in a directory of the root, sorted. */
    List<String> list(String path) throws IOException {
        try (var s = Files.list(resolve(path))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Override
    public String toString() {
        return dir.toString();
    }

    @Override
    public void close() throws IOException {
        Portod.deleteTree(dir);
    }

    static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}

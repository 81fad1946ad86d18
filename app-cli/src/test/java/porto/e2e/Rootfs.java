package porto.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A small root filesystem under /tmp for chroot tests, like the quick start's "bringup" script:
 * busybox with links for the commands asked for, or, when busybox is absent, each command copied from
 * the host. Either way a copied program brings its ELF interpreter and the libraries ldd lists, so a
 * dynamically linked busybox works too. Closing the root deletes it (never following a link).
 * {@code -Dporto.test.busybox=none} (or a path with no program) makes every root copy host programs
 * instead of busybox; {@code -Dporto.test.busybox=PATH} uses that busybox.
 */
final class Rootfs implements AutoCloseable {
    final Path dir;
    private final boolean useBusybox;

    private Rootfs(Path dir, boolean useBusybox) {
        this.dir = dir;
        this.useBusybox = useBusybox;
    }

    /** The busybox roots are made of, if this run uses one. */
    static Optional<Path> busybox() {
        String configured = System.getProperty("porto.test.busybox", "");
        if (configured.equals("none"))
            return Optional.empty();
        if (!configured.isEmpty())
            return Optional.of(Path.of(configured)).filter(Files::isExecutable);
        return TestPackages.locate("busybox");
    }

    /** An empty root. */
    static Rootfs empty() throws IOException {
        return create(busybox().isPresent());
    }

    private static Rootfs create(boolean useBusybox) throws IOException {
        Path dir = Files.createTempDirectory("porto-root-");
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return new Rootfs(dir, useBusybox);
    }

    /** A root with these commands in /bin. */
    static Rootfs with(String... commands) throws Exception {
        Rootfs r = empty();
        r.add(commands);
        return r;
    }

    /** A root with these host programs (and their libraries) in /bin, busybox or not. */
    static Rootfs withHostPrograms(String... commands) throws Exception {
        Rootfs r = create(false);
        r.add(commands);
        return r;
    }

    void add(String... commands) throws Exception {
        addTo(dir, commands);
    }

    /** Makes {@code path} inside this root a root of its own with these commands, for a nested container. */
    void addUnder(String path, String... commands) throws Exception {
        addTo(resolve(path), commands);
    }

    private void addTo(Path top, String... commands) throws Exception {
        Path bin = Files.createDirectories(top.resolve("bin"));
        Optional<Path> box = useBusybox ? busybox() : Optional.empty();
        if (box.isPresent()) {
            if (!Files.exists(bin.resolve("busybox")))
                copyWithLibraries(top, box.get(), bin.resolve("busybox"));
            for (String c : commands)
                if (!Files.exists(bin.resolve(c), LinkOption.NOFOLLOW_LINKS))
                    Files.createSymbolicLink(bin.resolve(c), Path.of("busybox"));
            return;
        }
        for (String c : commands)
            copyWithLibraries(top, TestPackages.require(c), bin.resolve(c));
    }

    /** Copies a program and, at their own paths under {@code top}, the interpreter and libraries it is linked with. */
    private static void copyWithLibraries(Path top, Path program, Path target) throws Exception {
        for (Path lib : linkedFiles(program)) {
            Path copy = top.resolve(lib.toString().substring(1));
            Files.createDirectories(copy.getParent());
            if (!Files.exists(copy, LinkOption.NOFOLLOW_LINKS))
                Files.copy(lib.toRealPath(), copy, StandardCopyOption.COPY_ATTRIBUTES);
        }
        Files.copy(program.toRealPath(), target, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * The ELF interpreter and shared libraries of a program, as ldd names them; none for a static one.
     * A library ldd cannot find stops the test here, naming it.
     */
    static Set<Path> linkedFiles(Path program) throws Exception {
        Path ldd = TestPackages.require("ldd");
        Set<Path> files = new LinkedHashSet<>();
        for (String line : run(ldd.toString(), program.toString()).split("\n")) {
            if (line.contains("=> not found"))
                throw new IllegalStateException(program + " needs a library this machine lacks: " + line.strip());
            for (String word : line.trim().split("\\s+"))
                if (word.startsWith("/"))
                    files.add(Path.of(word));
        }
        return files;
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
        PortodProcess.deleteTree(dir);
    }

    static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}

package porto.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Local users for tests that act as an attacker would: {@link #ALICE} is in group porto (may
 * change containers), {@link #CHARLIE} is not (may only read). They are created on first use if
 * missing, so no set-up script has to know about them; they have no home and no login shell.
 */
final class Users {
    static final String ALICE = "porto-alice";
    static final String CHARLIE = "porto-charlie";
    private static Path readableClasspath;

    private Users() {}

    /** Makes group porto, porto-alice (in it) and porto-charlie (not in it) unless they exist. */
    static synchronized void ensure() throws Exception {
        if (exec(List.of("getent", "group", "porto")) != 0)
            require(List.of("groupadd", "--system", "porto"));
        if (exec(List.of("id", "-u", ALICE)) != 0)
            require(List.of("useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", "--groups", "porto", ALICE));
        if (exec(List.of("id", "-u", CHARLIE)) != 0)
            require(List.of("useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", CHARLIE));
    }

    static int uid(String user) throws Exception {
        return id("-u", user);
    }

    static int gid(String user) throws Exception {
        return id("-g", user);
    }

    private static int id(String option, String user) throws Exception {
        Process p = new ProcessBuilder("id", option, user).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return Integer.parseInt(out);
    }

    private static int exec(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor();
    }

    private static void require(List<String> cmd) throws Exception {
        if (exec(cmd) != 0)
            throw new IllegalStateException("failed: " + String.join(" ", cmd));
    }

    /** {@code cmd} as {@code user} with that user's groups, nothing of root's. */
    static List<String> as(String user, List<String> cmd) {
        List<String> out = new ArrayList<>(List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups",
                "--inh-caps=-all", "--"));
        out.addAll(cmd);
        return out;
    }

    /**
     * The test class path, with entries a non-root user cannot read (Maven's repository under
     * /root) copied to a world-readable directory once per test run.
     */
    static synchronized String classpath() throws IOException {
        if (readableClasspath == null) {
            readableClasspath = Files.createTempDirectory("porto-e2e-cp-");
            readableClasspath.toFile().deleteOnExit();
            Files.setPosixFilePermissions(readableClasspath, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(":")) {
            Path p = Path.of(entry);
            if (!entry.startsWith("/root/") || !Files.isRegularFile(p)) {
                entries.add(entry);
                continue;
            }
            Path copy = readableClasspath.resolve(entries.size() + "-" + p.getFileName());
            if (!Files.exists(copy)) {
                Files.copy(p, copy, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(copy, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
                copy.toFile().deleteOnExit();
            }
            entries.add(copy.toString());
        }
        return String.join(":", entries);
    }

    /** Runs this build's portoctl against {@code d} as {@code user}. */
    static PortodProcess.Run portoctl(PortodProcess d, String user, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(PortodProcess.JVM_OPTIONS);
        cmd.add("-cp");
        cmd.add(classpath());
        cmd.add("porto.cli.Portoctl");
        cmd.addAll(List.of(args));
        return run(user, cmd, d.env());
    }

    /** Runs {@code cmd} as {@code user} with {@code env} added; its exit code and output. */
    static PortodProcess.Run run(String user, List<String> cmd, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(as(user, cmd)).directory(new java.io.File("/"));
        pb.environment().putAll(env);
        pb.environment().put("HOME", "/");
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Path out = Files.createTempFile("porto-user", ".out");
        Path err = Files.createTempFile("porto-user", ".err");
        try {
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " as " + user + " hangs");
            }
            return new PortodProcess.Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}

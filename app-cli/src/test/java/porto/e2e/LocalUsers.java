package porto.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Local users for tests run as someone other than root: porto-alice (in group porto) is made if
 * missing, and portoctl runs as her. Her JVM cannot read root's Maven repository, so the jars of
 * the class path are copied once to a directory every user may read.
 */
final class LocalUsers {
    static final String ALICE = "porto-alice";
    private static Path readableJars;

    private LocalUsers() {
    }

    /** Makes {@code user} (with a group of the same name, member of group porto) unless it exists. */
    static synchronized void ensure(String user) throws Exception {
        if (run(List.of("id", "-u", user)) == 0)
            return;
        if (run(List.of("getent", "group", "porto")) != 0)
            check(List.of("groupadd", "--system", "porto"));
        // A concurrent run may have made it in between: then "exists" (9) is fine.
        int code = run(List.of("useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", "--user-group",
                "--groups", "porto", user));
        if (code != 0 && code != 9)
            throw new IllegalStateException("useradd " + user + " exited with " + code);
    }

    /** Runs this build's portoctl as {@code user} against {@code portod}. */
    static PortodProcess.Run portoctlAs(PortodProcess portod, String user, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid", user, "--regid", user, "--init-groups", "--"));
        List<String> java = PortodProcess.java("porto.cli.Portoctl", args);
        int cp = java.indexOf("-cp") + 1;
        java.set(cp, readableClassPath());
        cmd.addAll(java);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(new File("/"));
        pb.environment().putAll(portod.env());
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Path out = Files.createTempFile("portoctl", ".out");
        Path err = Files.createTempFile("portoctl", ".err");
        try {
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("portoctl " + String.join(" ", args) + " as " + user + " hangs");
            }
            return new PortodProcess.Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The test class path with its jars copied where any user can read them. */
    private static synchronized String readableClassPath() throws IOException {
        if (readableJars == null) {
            Path dir = Files.createTempDirectory("porto-jars-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    PortodProcess.deleteTree(dir);
                } catch (IOException e) {
                    // a temporary directory; the system cleans it eventually
                }
            }));
            readableJars = dir;
        }
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (!entry.endsWith(".jar") || !Files.isRegularFile(p)) {
                entries.add(entry); // class directories of this build: readable where they are
                continue;
            }
            Path copy = readableJars.resolve(entries.size() + "-" + p.getFileName());
            if (!Files.exists(copy)) {
                Files.copy(p, copy, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
            }
            entries.add(copy.toString());
        }
        return String.join(File.pathSeparator, entries);
    }

    private static void check(List<String> cmd) throws Exception {
        int code = run(cmd);
        if (code != 0)
            throw new IllegalStateException(String.join(" ", cmd) + " exited with " + code);
    }

    private static int run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor();
    }
}

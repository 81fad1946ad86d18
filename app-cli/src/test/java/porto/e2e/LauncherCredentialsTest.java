package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The launcher opens what a client named with that client's rights (client_cred), never with the
 * daemon's: here the client is "nobody", and the spec records are written by hand as the daemon
 * would write them.
 */
class LauncherCredentialsTest {
    private static final String NOBODY = "client_cred=65534 65534 65534";
    private Path scratch;

    @BeforeEach
    void up() throws Exception {
        Prerequisites.check();
        scratch = Files.createTempDirectory("porto-cred-");
        Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void down() throws Exception {
        PortodProcess.deleteTree(scratch);
    }

    /** Runs "portod-native launch" on these records; its one line of answer. */
    private static String launch(String... records) throws Exception {
        return launch(List.of(PortodProcess.nativeBinary().toString(), "launch"), records);
    }

    /** As {@link #launch(String...)}, but a task that starts lives in a pid namespace of its own, not ours. */
    private static String launchContained(String... records) throws Exception {
        return launch(List.of("unshare", "--fork", "--pid", "--kill-child", PortodProcess.nativeBinary().toString(), "launch"), records);
    }

    private static String launch(List<String> command, String... records) throws Exception {
        ByteArrayOutputStream spec = new ByteArrayOutputStream();
        for (String r : records) {
            spec.writeBytes(r.getBytes(StandardCharsets.UTF_8));
            spec.write(0);
        }
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        p.getOutputStream().write(spec.toByteArray());
        p.getOutputStream().close();
        String answer = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        return answer;
    }

    @Test
    void aStreamTheClientMayNotWriteIsRefused() throws Exception {
        Path locked = Files.createDirectories(scratch.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        String answer = launch(NOBODY, "stdout=" + locked + "/out", "cwd=/", "arg=/bin/true");
        assertEquals("error 13 Permission denied: open(" + locked + "/out)", answer);
        assertFalse(Files.exists(locked.resolve("out")), "nothing was created with the daemon's rights");
    }

    @Test
    void aStreamIsCreatedAsTheClient() throws Exception {
        Path open = Files.createDirectories(scratch.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        String answer = launchContained(NOBODY, "stdout=" + open + "/out", "cwd=/", "uid=65534", "gid=65534", "arg=/bin/true");
        assertTrue(answer.startsWith("ok "), answer);
        assertEquals(65534, Files.getAttribute(open.resolve("out"), "unix:uid"), "the file belongs to the client");
    }

    @Test
    void aBindSourceTheClientMayNotReadIsRefused() throws Exception {
        Path secret = Files.createDirectories(scratch.resolve("secret"));
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rwx------"));
        Path mountPoint = Files.createDirectories(scratch.resolve("mnt"));
        String answer = launch(NOBODY, "unshare=mnt", "bind=" + secret + "\t" + mountPoint + "\tro", "cwd=/", "arg=/bin/true");
        assertEquals("error 13 Permission denied: open(" + secret + ")", answer);
    }

    @Test
    void aMountPointIsCreatedWithTheClientsRights() throws Exception {
        Path root = Files.createDirectories(scratch.resolve("root"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        String answer = launch(NOBODY, "unshare=mnt", "root=" + root, "cwd=/", "arg=/bin/true");
        assertTrue(answer.startsWith("error 13 Permission denied: open(/proc in"), answer);
        assertFalse(Files.exists(root.resolve("proc")), "nobody may not write into a root-owned root");
    }
}

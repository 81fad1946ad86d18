package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every path the daemon opens for a client is opened as that client: a file behind a directory
 * the user may not enter never reaches them through stdout_path, whoever set the path and
 * whether it is absolute or relative to cwd. Run as porto-alice (group porto) and porto-charlie.
 */
class PathsAsUserTest extends PortodTest {
    private static Path scratch;
    /** 0700 root: holds "secret" (0644), which no other user can reach. */
    private static Path shut;
    /** 0700 porto-alice: holds "mine" (0644), which alice can read and charlie cannot. */
    private static Path alices;

    @BeforeAll
    static void files() throws Exception {
        Users.ensure();
        scratch = Files.createTempDirectory("porto-paths-");
        Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwxr-xr-x"));
        shut = Files.createDirectory(scratch.resolve("shut"));
        Files.writeString(shut.resolve("secret"), "S\n");
        Files.setPosixFilePermissions(shut.resolve("secret"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(shut, PosixFilePermissions.fromString("rwx------"));
        alices = Files.createDirectory(scratch.resolve("alice"));
        Files.writeString(alices.resolve("mine"), "A\n");
        Files.setPosixFilePermissions(alices.resolve("mine"), PosixFilePermissions.fromString("rw-r--r--"));
        int alice = Users.uid(Users.ALICE);
        Files.setAttribute(alices.resolve("mine"), "unix:uid", alice);
        Files.setAttribute(alices, "unix:uid", alice);
        Files.setPosixFilePermissions(alices, PosixFilePermissions.fromString("rwx------"));
    }

    @AfterAll
    static void cleanUp() throws Exception {
        PortodProcess.deleteTree(scratch);
    }

    private static PortodProcess.Run as(String user, String... args) throws Exception {
        return Users.portoctl(portod, user, args);
    }

    private static void okAs(String user, String... args) throws Exception {
        PortodProcess.Run r = as(user, args);
        assertEquals(0, r.code(), () -> user + ": portoctl " + String.join(" ", args) + " failed: " + r.err());
    }

    private static void refusedAs(String user, String error, String... args) throws Exception {
        PortodProcess.Run r = as(user, args);
        assertTrue(r.code() != 0, () -> user + ": portoctl " + String.join(" ", args) + " should fail, printed: " + r.out());
        assertTrue(r.err().contains(error), () -> user + ": portoctl " + String.join(" ", args) + " should fail with " + error + ": " + r.err());
        assertFalse(r.out().contains("S"), "the secret leaked: " + r.out());
    }

    /**
     * stdout is a value of a run (InvalidState while stopped, as upstream): a meta container
     * without isolation runs nothing and opens no file, so the reads below see the file as it is.
     */
    private static void startWithoutTask(String name) throws Exception {
        ok("set", name, "isolate", "false");
        ok("start", name);
    }

    @Test
    void aUserMayNotPointStdoutAtAFileSheCannotWrite() throws Exception {
        okAs(Users.ALICE, "create", "set-secret");
        refusedAs(Users.ALICE, "Permission", "set", "set-secret", "stdout_path", shut.resolve("secret").toString());
        refusedAs(Users.ALICE, "Permission", "set", "set-secret", "stderr_path", shut.resolve("secret").toString());
        refusedAs(Users.ALICE, "Permission", "set", "set-secret", "stdin_path", shut.resolve("secret").toString());
        okAs(Users.ALICE, "set", "set-secret", "cwd", shut.toString());
        refusedAs(Users.ALICE, "Permission", "set", "set-secret", "stdout_path", "secret");
        okAs(Users.ALICE, "set", "set-secret", "stdout_path", alices.resolve("mine").toString());
        okAs(Users.ALICE, "destroy", "set-secret");
    }

    @Test
    void storedOutputIsReadOnlyAsFarAsTheReaderMayReadTheFile() throws Exception {
        okAs(Users.ALICE, "create", "read-secret");
        // Root may set anything; the reader's rights still decide what is read back.
        ok("set", "read-secret", "stdout_path", shut.resolve("secret").toString());
        startWithoutTask("read-secret");
        refusedAs(Users.ALICE, "Permission", "get", "read-secret", "stdout");
        refusedAs(Users.CHARLIE, "Permission", "get", "read-secret", "stdout");
        refusedAs(Users.ALICE, "Permission", "get", "read-secret", "stdout[0:1]");
        assertEquals("S", get("read-secret", "stdout").strip(), "root reads it");
        okAs(Users.ALICE, "destroy", "read-secret");
    }

    @Test
    void aRelativePathIsReadAsTheReaderToo() throws Exception {
        okAs(Users.ALICE, "create", "relative-secret");
        ok("set", "relative-secret", "cwd", shut.toString());
        ok("set", "relative-secret", "stdout_path", "secret");
        startWithoutTask("relative-secret");
        refusedAs(Users.ALICE, "Permission", "get", "relative-secret", "stdout");
        refusedAs(Users.CHARLIE, "Permission", "get", "relative-secret", "stdout");
        okAs(Users.ALICE, "destroy", "relative-secret");
    }

    @Test
    void anotherUserReadsAContainersFileOnlyIfHeCouldHimself() throws Exception {
        okAs(Users.ALICE, "create", "alices");
        okAs(Users.ALICE, "set", "alices", "stdout_path", alices.resolve("mine").toString());
        startWithoutTask("alices");
        PortodProcess.Run mine = as(Users.ALICE, "get", "alices", "stdout");
        assertEquals(0, mine.code(), mine.err());
        assertEquals("A", mine.out().strip());
        refusedAs(Users.CHARLIE, "Permission", "get", "alices", "stdout");
        okAs(Users.ALICE, "destroy", "alices");
    }

    @Test
    void rootAndBindSourcesAreReachedAsTheUser() throws Exception {
        Path inside = Files.createDirectories(shut.resolve("open-root"));
        Files.setPosixFilePermissions(inside, PosixFilePermissions.fromString("rwxrwxrwx"));
        okAs(Users.ALICE, "create", "roots");
        okAs(Users.ALICE, "set", "roots", "command", "true");
        okAs(Users.ALICE, "set", "roots", "root", inside.toString());
        refusedAs(Users.ALICE, "Permission", "start", "roots");
        okAs(Users.ALICE, "set", "roots", "root", "/");
        okAs(Users.ALICE, "set", "roots", "bind", inside + " /mnt ro");
        refusedAs(Users.ALICE, "Permission", "start", "roots");
        okAs(Users.ALICE, "destroy", "roots");
    }

    @Test
    void startChecksThePathAgain() throws Exception {
        Path open = Files.createDirectory(scratch.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        okAs(Users.ALICE, "create", "later");
        okAs(Users.ALICE, "set", "later", "command", "echo hi");
        okAs(Users.ALICE, "set", "later", "stdout_path", open.resolve("out").toString());
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwx------"));
        refusedAs(Users.ALICE, "Permission", "start", "later");
        assertFalse(Files.exists(open.resolve("out")), "nothing was created for her");
        okAs(Users.ALICE, "destroy", "later");
    }
}

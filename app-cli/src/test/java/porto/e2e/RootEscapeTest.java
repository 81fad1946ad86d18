package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Symbolic links inside a container's root never lead porto to a host path: not as a bind
 * target, not as a stream path when the task starts, and not when the daemon reads a stream back.
 */
class RootEscapeTest extends PortodTest {
    /** A name no host file has; each test checks it never appears in the host's /etc. */
    private static final Path HOST_ETC_MARK = Path.of("/etc/porto-escape-" + ProcessHandle.current().pid());

    @AfterEach
    void hostEtcIsUntouched() throws Exception {
        boolean leaked = Files.exists(HOST_ETC_MARK, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        PortodProcess.deleteTree(HOST_ETC_MARK);
        assertFalse(leaked, HOST_ETC_MARK + " was created on the host");
    }

    @Test
    void aBindTargetBehindALinkStaysInTheRoot() throws Exception {
        try (Rootfs root = Rootfs.with("cat"); Rootfs source = Rootfs.empty()) {
            Files.createDirectories(root.resolve("etc"));
            root.symlink("/mnt", "/etc");
            source.write("file", "bound\n");
            String target = "/mnt/" + HOST_ETC_MARK.getFileName();
            assertEquals("bound", output("bindlink", "command=cat " + target + "/file", "root=" + root,
                    "bind=" + source + " " + target));
            assertTrue(Files.isDirectory(root.resolve("etc/" + HOST_ETC_MARK.getFileName())), "the mount point is the root's /etc");
            ok("destroy", "bindlink");
        }
    }

    @Test
    void aStreamBehindALinkStaysInTheRoot() throws Exception {
        try (Rootfs root = Rootfs.with("echo")) {
            Files.createDirectories(root.resolve("etc"));
            root.symlink("/out", HOST_ETC_MARK.toString());
            assertEquals("written inside", output("outlink", "command=echo written inside", "root=" + root, "stdout_path=/out"));
            assertEquals("written inside\n", Files.readString(root.resolve("etc/" + HOST_ETC_MARK.getFileName())));
            ok("destroy", "outlink");
        }
    }

    @Test
    void aRelativeLinkCannotClimbOutEither() throws Exception {
        try (Rootfs root = Rootfs.with("echo")) {
            Files.createDirectories(root.resolve("etc"));
            root.symlink("/out", "../../../../../.." + HOST_ETC_MARK);
            assertEquals("still inside", output("climb", "command=echo still inside", "root=" + root, "stdout_path=/out"));
            assertTrue(Files.exists(root.resolve("etc/" + HOST_ETC_MARK.getFileName())));
            ok("destroy", "climb");
        }
    }

    @Test
    void readingAStreamNeverFollowsALinkTheTaskMade() throws Exception {
        try (Rootfs root = Rootfs.with("sh", "echo", "rm", "ln")) {
            String passwd = Files.readString(Path.of("/etc/passwd"));
            ok("run", "swap", "command=sh -c 'echo hi; rm /out; ln -s /etc/passwd /out'", "root=" + root, "stdout_path=/out");
            ok("wait", "swap");
            assertEquals("0", get("swap", "exit_code"));
            assertTrue(Files.isSymbolicLink(root.resolve("out")));
            String seen = portodGet("swap", "stdout");
            assertFalse(seen.contains(passwd.lines().findFirst().orElseThrow()), "the host's /etc/passwd was read: " + seen);
            ok("destroy", "swap");
        }
    }

    @Test
    void aLinkedStreamIntoAMissingDirectoryFailsTheStart() throws Exception {
        try (Rootfs root = Rootfs.with("echo")) {
            root.symlink("/out", HOST_ETC_MARK.toString());
            // Without bind_dns porto makes no /etc in the root, so the link leads nowhere.
            fails("No such file or directory: open(/out)", "run", "nodir", "command=echo x", "root=" + root,
                    "stdout_path=/out", "bind_dns=false");
        }
    }

    @Test
    void storedOutputReplacedByALinkIsNeitherReadNorRotated() throws Exception {
        // The task owns its working directory, where its stored output lives: it may put a link
        // there, to a file it may not touch itself. Reading and rotating must not follow it.
        Path victim = Files.createTempFile("porto-victim-", "");
        try {
            String secret = "secret line\n".repeat(1000);
            Files.writeString(victim, secret);
            Files.setPosixFilePermissions(victim, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            ok("run", "linker", "command=sh -c 'rm stdout; ln -s " + victim + " stdout; sleep 3'", "user=nobody",
                    "group=nogroup", "stdout_limit=1K");
            ok("wait", "linker");
            assertEquals("0", get("linker", "exit_code"));
            assertFalse(portodGet("linker", "stdout").contains("secret line"), "the daemon read through the link");
            assertEquals(secret, Files.readString(victim), "rotation cut the linked file");
            ok("destroy", "linker");
        } finally {
            Files.deleteIfExists(victim);
        }
    }

    /** The value or the error text: reading may fail, but must never show host data. */
    private static String portodGet(String name, String property) throws Exception {
        PortodProcess.Run r = portod.portoctl("get", name, property);
        return r.out() + r.err();
    }
}

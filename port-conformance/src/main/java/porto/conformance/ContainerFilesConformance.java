package porto.conformance;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static porto.ports.Errno.*;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import porto.ports.ContainerFiles;
import porto.ports.ContainerFiles.FileFacts;
import porto.ports.KernelException;
import porto.ports.LaunchSpec;

/**
 * What every {@link ContainerFiles} must do: owners and modes of what it makes, reads and
 * rotation of stored output, and paths inside a root resolved as if that root were "/", so that no
 * symbolic link or ".." leads out of it. Below the place root no operation follows a link.
 */
public abstract class ContainerFilesConformance {
    static final int ALICE = 1000;

    /** The adapter over a scratch directory (its place root), and host-side ways to shape files. */
    public interface Fixture extends AutoCloseable {
        /** The adapter, with {@link #scratch()} as its place root. */
        ContainerFiles files();

        /** An absolute, empty directory that the test owns. */
        String scratch();

        void makeDirectory(String path, int mode, int uid, int gid) throws Exception;

        void makeFile(String path, byte[] data, int mode, int uid, int gid) throws Exception;

        void makeSymlink(String path, String target) throws Exception;

        /** Whether anything (a link included, not followed) is at {@code path}. */
        boolean exists(String path);

        @Override
        void close() throws Exception;
    }

    protected abstract Fixture newFixture() throws Exception;

    private Fixture fx;
    private ContainerFiles files;
    private String s;

    @BeforeEach
    void setUpFiles() throws Exception {
        fx = newFixture();
        files = fx.files();
        s = fx.scratch();
    }

    @AfterEach
    void tearDownFiles() throws Exception {
        if (fx != null)
            fx.close();
    }

    private FileFacts facts(String path) {
        return files.facts("/", path);
    }

    @Test
    void aWorkingDirectoryIsMadeWithItsParentsOwnedByItsUser() throws Exception {
        files.createDirectory(s + "/porto/a/b", ALICE, ALICE);
        FileFacts f = facts(s + "/porto/a/b");
        assertEquals(new FileFacts(FileFacts.Kind.DIRECTORY, ALICE, ALICE, 0775, 0, 0), f);
        assertEquals(FileFacts.Kind.DIRECTORY, facts(s + "/porto/a").kind());
        assertEquals(List.of("b"), files.subdirectories(s + "/porto/a"));
        files.createDirectory(s + "/porto/a/b", 0, 0);
        assertEquals(0, facts(s + "/porto/a/b").uid(), "an existing directory changes hands");
    }

    @Test
    void removingADirectoryTakesEverythingInItAndAMissingOneIsFine() throws Exception {
        files.createDirectory(s + "/porto/a/b", 0, 0);
        files.writeFile(s + "/porto/a/b/f", "x".getBytes(UTF_8), 0, 0);
        files.removeDirectory(s + "/porto/a");
        assertNull(facts(s + "/porto/a"));
        files.removeDirectory(s + "/porto/never");
        assertEquals(List.of(), files.subdirectories(s + "/porto"));
        assertEquals(List.of(), files.subdirectories(s + "/nowhere"));
    }

    @Test
    void filesAreMadeEmptyOrWrittenWithTheirOwnerAndMode() throws Exception {
        files.createDirectory(s + "/w", 0, 0);
        files.writeFile(s + "/w/data", "hello".getBytes(UTF_8), ALICE, ALICE);
        FileFacts written = facts(s + "/w/data");
        assertEquals(new FileFacts(FileFacts.Kind.REGULAR, ALICE, ALICE, 0644, 0, 0), written);
        files.createFile(s + "/w/data", ALICE, 0);
        assertEquals(0, files.size(s + "/w/data"), "creating truncates");
        FileFacts made = facts(s + "/w/data");
        assertEquals(ALICE, made.uid());
        assertEquals(0, made.gid());
        assertEquals(0600, made.mode() & 0600, "its owner reads and writes it");
        assertEquals(0, made.mode() & 0007, "nobody else may");
        assertEquals(-1, files.size(s + "/w/missing"));
        assertThrows(KernelException.class, () -> files.createFile(s + "/nodir/f", 0, 0));
    }

    @Test
    void readsTakeAnOffsetAndALength() throws Exception {
        files.createDirectory(s + "/r", 0, 0);
        files.writeFile(s + "/r/out", "0123456789".getBytes(UTF_8), 0, 0);
        assertEquals(10, files.size(s + "/r/out"));
        assertArrayEquals("345".getBytes(UTF_8), files.read(s + "/r/out", 3, 3));
        assertArrayEquals("89".getBytes(UTF_8), files.read(s + "/r/out", 8, 100));
        assertArrayEquals(new byte[0], files.read(s + "/r/out", 20, 5));
        assertThrows(KernelException.class, () -> files.read(s + "/r/none", 0, 1));
    }

    @Test
    void droppingTheHeadKeepsTheTail() throws Exception {
        files.createDirectory(s + "/d", 0, 0);
        byte[] data = new byte[3 * 4096 + 100];
        for (int i = 0; i < data.length; i++)
            data[i] = (byte) ('a' + i % 26);
        files.writeFile(s + "/d/out", data, 0, 0);
        long dropped = files.dropHead(s + "/d/out", 2 * 4096 + 10);
        assertTrue(dropped >= 0 && dropped <= 2 * 4096 + 10, "dropped " + dropped);
        byte[] left = files.read(s + "/d/out", 0, data.length);
        assertArrayEquals(java.util.Arrays.copyOfRange(data, (int) dropped, data.length), left);
    }

    @Test
    void nothingBelowThePlaceIsReachedThroughALink() throws Exception {
        fx.makeDirectory(s + "/elsewhere", 0755, 0, 0);
        fx.makeDirectory(s + "/porto", 0755, 0, 0);
        fx.makeSymlink(s + "/porto/a", s + "/elsewhere");
        KernelException e = assertThrows(KernelException.class, () -> files.createDirectory(s + "/porto/a/b", 0, 0));
        assertEquals(ELOOP, e.errno(), e.getMessage());
        assertThrows(KernelException.class, () -> files.writeFile(s + "/porto/a/f", new byte[1], 0, 0));
        assertThrows(KernelException.class, () -> files.createFile(s + "/porto/a/f", 0, 0));
        assertTrue(!fx.exists(s + "/elsewhere/b") && !fx.exists(s + "/elsewhere/f"), "nothing was made through the link");
        assertEquals(List.of(), files.subdirectories(s + "/porto"), "a link to a directory is no subdirectory");

        fx.makeFile(s + "/elsewhere/secret", "s".getBytes(UTF_8), 0600, 0, 0);
        fx.makeSymlink(s + "/porto/out", s + "/elsewhere/secret");
        assertEquals(-1, files.size(s + "/porto/out"));
        assertThrows(KernelException.class, () -> files.read(s + "/porto/out", 0, 1));
        files.removeDirectory(s + "/porto/a");
        assertTrue(fx.exists(s + "/elsewhere/secret"), "removing a link never removes its target");
    }

    @Test
    void pathsInARootResolveInsideIt() throws Exception {
        String root = s + "/root";
        fx.makeDirectory(root, 0755, 0, 0);
        fx.makeDirectory(root + "/etc", 0755, 0, 0);
        fx.makeFile(s + "/secret", "host".getBytes(UTF_8), 0600, 0, 0);
        fx.makeFile(root + "/etc/motd", "inside".getBytes(UTF_8), 0644, ALICE, ALICE);
        fx.makeSymlink(root + "/abs", s + "/secret");
        fx.makeSymlink(root + "/up", "../secret");
        fx.makeSymlink(root + "/motd", "/etc/motd");
        fx.makeSymlink(root + "/etc/rel", "../../../etc/motd");

        assertNull(files.facts(root, "/abs"), "an absolute link is resolved in the root");
        assertNull(files.facts(root, "/up"), "a link cannot climb out");
        assertNull(files.facts(root, "/../secret"), "nor can ..");
        assertEquals(-1, files.size(root, "/abs", null));
        FileFacts motd = new FileFacts(FileFacts.Kind.REGULAR, ALICE, ALICE, 0644, 0, 0);
        assertEquals(motd, files.facts(root, "/motd"));
        assertEquals(motd, files.facts(root, "/etc/rel"));
        assertEquals(motd, files.facts(root, "/../../etc/motd"));
        assertEquals(6, files.size(root, "/motd", null));
        assertArrayEquals("inside".getBytes(UTF_8), files.read(root, "/motd", 0, 100, as(0, List.of(0))));

        fx.makeFile(root + "/secret", "root's".getBytes(UTF_8), 0600, 0, 0);
        assertEquals(new FileFacts(FileFacts.Kind.REGULAR, 0, 0, 0600, 0, 0), files.facts(root, "/up"));
        assertArrayEquals("root's".getBytes(UTF_8), files.read(root, "/up", 0, 100, as(0, List.of(0))));
        assertNotNull(files.facts(root, "/"));
        assertEquals(FileFacts.Kind.DIRECTORY, files.facts(root, "/").kind());
    }

    @Test
    void readingInARootChecksTheReadersRights() throws Exception {
        String root = s + "/root";
        fx.makeDirectory(root, 0755, 0, 0);
        fx.makeFile(root + "/private", "p".getBytes(UTF_8), 0600, 0, 0);
        fx.makeFile(root + "/group", "g".getBytes(UTF_8), 0640, 0, 50);
        fx.makeFile(root + "/public", "o".getBytes(UTF_8), 0644, 0, 0);
        KernelException e = assertThrows(KernelException.class,
                () -> files.read(root, "/private", 0, 1, as(ALICE, List.of(ALICE))));
        assertEquals(EACCES, e.errno());
        assertThrows(KernelException.class, () -> files.read(root, "/group", 0, 1, as(ALICE, List.of(ALICE))));
        assertArrayEquals("g".getBytes(UTF_8), files.read(root, "/group", 0, 1, as(ALICE, List.of(ALICE, 50))));
        assertArrayEquals("o".getBytes(UTF_8), files.read(root, "/public", 0, 1, as(ALICE, List.of(ALICE))));
        assertArrayEquals("p".getBytes(UTF_8), files.read(root, "/private", 0, 1, as(0, List.of(0))));
        assertThrows(KernelException.class, () -> files.read(root, "/", 0, 1, as(0, List.of(0))), "a directory is no file");
    }

    @Test
    void deviceNodesShowTheirNumbers() {
        FileFacts nul = files.facts("/", "/dev/null");
        assertEquals(new FileFacts(FileFacts.Kind.CHAR_DEVICE, 0, 0, 0666, 1, 3), nul);
        assertTrue(nul.permits(ALICE, List.of(ALICE), 6));
        assertNull(files.facts("/", "/dev/no-such-device"));
        assertNull(files.facts(s + "/no-such-root", "/"));
    }

    /** A reader with these rights (the first group is the primary one). */
    private static LaunchSpec.Cred as(int uid, List<Integer> groups) {
        return new LaunchSpec.Cred(uid, groups.get(0), groups);
    }
}

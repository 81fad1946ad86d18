package porto.linux.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import porto.conformance.layer.Tars;
import porto.conformance.NeedsRoot;
import porto.ports.KernelException;
import porto.ports.LaunchSpec;
import porto.ports.layer.LayerFiles.ArchiveException;
import porto.ports.layer.LayerFiles.Compression;
import porto.ports.layer.LayerFiles.ImportOptions;

/** Layers through archives on the real file system: exact round trips, GNU tar's archives, aufs, and refusals. */
class LayerArchiveTest {
    /** A security.capability with cap_setuid (a byte over 0x7f) and cap_net_raw, permitted and effective. */
    static final byte[] CAPABILITY = {1, 0, 0, 2, (byte) 0x80, 32, 0, 0, (byte) 0x80, 32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

    private final LinuxLayerFiles files = new LinuxLayerFiles();
    private Path scratch;

    @BeforeEach
    void scratch() throws Exception {
        NeedsRoot.check("layer archives");
        scratch = Files.createTempDirectory("porto-layer-test-");
    }

    @AfterEach
    void clean() throws Exception {
        if (scratch != null)
            files.removeTree(scratch.toString());
    }

    private static void check(int rc, String what) {
        if (rc < 0)
            throw new AssertionError(what + ": errno " + -rc);
    }

    /** Everything a layer may hold. */
    static void makeRichTree(Path root) throws Exception {
        Files.createDirectories(root.resolve("usr/bin"));
        Path ping = root.resolve("usr/bin/ping");
        Files.writeString(ping, "#!/bin/true\n");
        check(Syscalls.lsetxattr(ping.toString(), "security.capability", CAPABILITY), "setcap");
        Path su = root.resolve("usr/bin/su");
        Files.writeString(su, "setuid\n");
        Files.setAttribute(su, "unix:uid", 1234);
        Files.setAttribute(su, "unix:gid", 5678);
        Files.setAttribute(su, "unix:mode", 04755);
        check(Syscalls.lsetxattr(su.toString(), "user.note", "hello".getBytes()), "setfattr");
        Files.createLink(root.resolve("usr/bin/su-again"), su);
        Files.createSymbolicLink(root.resolve("usr/bin/sh"), Path.of("/bin/busybox"));
        Files.createSymbolicLink(root.resolve("usr/relative"), Path.of("bin/../bin"));
        Files.createDirectories(root.resolve("dev"));
        check(Syscalls.mknodat(-100, root.resolve("dev/null").toString(), Syscalls.S_IFCHR | 0666, Syscalls.makedev(1, 3)), "mknod");
        check(Syscalls.mknodat(-100, root.resolve("dev/loop9").toString(), Syscalls.S_IFBLK | 0660, Syscalls.makedev(7, 9)), "mknod");
        check(Syscalls.mknodat(-100, root.resolve("dev/fifo").toString(), Syscalls.S_IFIFO | 0640, 0), "mkfifo");
        check(Syscalls.mknodat(-100, root.resolve("deleted").toString(), Syscalls.S_IFCHR, 0), "whiteout");
        Path opaque = root.resolve("opaque");
        Files.createDirectories(opaque);
        check(Syscalls.lsetxattr(opaque.toString(), "trusted.overlay.opaque", "y".getBytes()), "opaque");
        try (var f = new java.io.RandomAccessFile(root.resolve("sparse").toFile(), "rw")) {
            f.write("head".getBytes());
            f.seek(64L << 20);
            f.write("tail".getBytes());
            f.setLength((64L << 20) + (1 << 20));
        }
        Path deep = root;
        for (int i = 0; i < 6; i++)
            deep = deep.resolve("d".repeat(60) + i);
        Files.createDirectories(deep);
        Files.writeString(deep.resolve("f".repeat(200)), "long names");
        Files.writeString(root.resolve("тест файл"), "not ascii");
        Files.createFile(root.resolve("empty"));
        Path readOnly = root.resolve("ro");
        Files.createDirectories(readOnly);
        Files.writeString(readOnly.resolve("inside"), "x");
        Files.setAttribute(readOnly, "unix:mode", 0555);
        Files.setLastModifiedTime(root.resolve("usr/bin/ping"), FileTime.fromMillis(1_000_000_000_000L));
        Files.setAttribute(root, "unix:mode", 0755);
    }

    private Path fresh(String name) throws Exception {
        Path p = scratch.resolve(name);
        Files.createDirectory(p);
        return p;
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void aLayerComesBackBitForBit(Compression compression) throws Exception {
        Path source = fresh("source");
        makeRichTree(source);
        Path archive = scratch.resolve("layer.archive");
        files.exportArchive(source.toString(), archive.toString(), compression, null);
        Path copy = fresh("copy");
        files.importArchive(archive.toString(), copy.toString(), new ImportOptions(null, true, true), null);
        assertEquals(TreeDigest.of(source), TreeDigest.of(copy));
        long blocks = (Long) Files.getAttribute(copy.resolve("sparse"), "unix:size") / 512;
        long allocated = allocatedBlocks(copy.resolve("sparse"));
        assertTrue(allocated < blocks / 8, "the sparse file is sparse again: " + allocated + " of " + blocks + " blocks");
    }

    private static long allocatedBlocks(Path p) throws Exception {
        Process stat = new ProcessBuilder("stat", "-c", "%b", p.toString()).start();
        String out = new String(stat.getInputStream().readAllBytes()).trim();
        stat.waitFor();
        return Long.parseLong(out);
    }

    @Test
    void aDirectoryImportsAsItsCopy() throws Exception {
        Path source = fresh("source");
        makeRichTree(source);
        Path copy = fresh("copy");
        files.importArchive(source.toString(), copy.toString(), new ImportOptions(null, true, false), null);
        assertEquals(TreeDigest.of(source), TreeDigest.of(copy));
    }

    @Test
    void gnuTarsArchiveImportsWithItsBinaryCapability() throws Exception {
        Path source = fresh("source");
        makeRichTree(source);
        Path archive = scratch.resolve("gnu.tar.gz");
        run("tar", "--xattrs", "--xattrs-include=*", "--numeric-owner", "-czpf", archive.toString(), "-C", source.toString(), ".");
        Path copy = fresh("copy");
        files.importArchive(archive.toString(), copy.toString(), new ImportOptions(null, true, true), null);
        assertEquals(TreeDigest.of(source), TreeDigest.of(copy));
    }

    @Test
    void gnuTarsSparseArchivesImportInBothFormats() throws Exception {
        Path source = fresh("source");
        makeRichTree(source);
        Path posix = scratch.resolve("sparse-posix.tar");
        run("tar", "--sort=name", "--sparse", "--xattrs", "--xattrs-include=*", "--numeric-owner", "-cpf", posix.toString(),
                "-C", source.toString(), ".");
        Path copy = fresh("copy");
        files.importArchive(posix.toString(), copy.toString(), new ImportOptions(null, true, true), null);
        assertEquals(TreeDigest.of(source), TreeDigest.of(copy));
        Path gnu = scratch.resolve("sparse-gnu.tar");
        run("tar", "--sort=name", "--sparse", "--format=gnu", "--numeric-owner", "-cpf", gnu.toString(), "-C", source.toString(), ".");
        Path old = fresh("old");
        files.importArchive(gnu.toString(), old.toString(), new ImportOptions(null, true, true), null);
        assertEquals(withoutXattrs(TreeDigest.of(source)), TreeDigest.of(old));
        assertTrue(allocatedBlocks(old.resolve("sparse")) < 1024, "still sparse");
    }

    /** Digest lines less their xattrs (GNU tar's own format has none). */
    private static List<String> withoutXattrs(List<String> lines) {
        return lines.stream().map(l -> l.replaceAll(" (security|trusted|user)\\.[^ =]+=[0-9a-f]*", "")).toList();
    }

    @Test
    void gnuTarUnpacksAnExport() throws Exception {
        Path source = fresh("source");
        Files.createDirectories(source.resolve("a/b"));
        Files.writeString(source.resolve("a/b/c"), "text");
        Files.setAttribute(source.resolve("a/b/c"), "unix:mode", 04711);
        check(Syscalls.lsetxattr(source.resolve("a/b/c").toString(), "user.k", "v".getBytes()), "setfattr");
        Path archive = scratch.resolve("ours.tzst");
        files.exportArchive(source.toString(), archive.toString(), Compression.ZSTD, null);
        Path copy = fresh("copy");
        run("tar", "--xattrs", "--xattrs-include=*", "--numeric-owner", "-I", "zstd", "-xpf", archive.toString(), "-C", copy.toString());
        assertEquals(TreeDigest.of(source), TreeDigest.of(copy));
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }

    @Test
    void aufsWhiteoutsBecomeOverlayOnes() throws Exception {
        Path archive = scratch.resolve("aufs.tar");
        try (var tar = Tars.open(archive)) {
            tar.dir("etc/");
            tar.file("etc/.wh.passwd", "");
            tar.dir("var/");
            tar.file("var/.wh..wh..opq", "");
            tar.file("var/kept", "k");
            tar.file(".wh..wh.aufs", "");
        }
        Path layer = fresh("layer");
        files.importArchive(archive.toString(), layer.toString(), new ImportOptions(null, false, true), null);
        Map<String, Object> whiteout = Files.readAttributes(layer.resolve("etc/passwd"), "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
        assertEquals(0020000, (Integer) whiteout.get("mode") & 0170000);
        assertEquals(0L, whiteout.get("rdev"));
        assertFalse(Files.exists(layer.resolve("etc/.wh.passwd"), LinkOption.NOFOLLOW_LINKS));
        assertEquals("y", new String(Syscalls.lxattrs(layer.resolve("var").toString()).get("trusted.overlay.opaque")));
        assertFalse(Files.exists(layer.resolve("var/.wh..wh..opq"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(layer.resolve(".wh..wh.aufs"), LinkOption.NOFOLLOW_LINKS));
        assertEquals("k", Files.readString(layer.resolve("var/kept")));
    }

    // Hostile archives: nothing outside the layer is written, read or linked.

    private Path victim;

    private Path hostile(String name, Tars.Body body) throws Exception {
        victim = fresh("victim");
        Files.writeString(victim.resolve("secret"), "secret");
        Path archive = scratch.resolve(name);
        try (var tar = Tars.open(archive)) {
            body.write(tar);
        }
        return archive;
    }

    private void assertVictimUntouched() throws Exception {
        try (var list = Files.list(victim)) {
            assertEquals(List.of(victim.resolve("secret")), list.toList());
        }
        assertEquals("secret", Files.readString(victim.resolve("secret")));
        assertEquals(1, (Integer) Files.getAttribute(victim.resolve("secret"), "unix:nlink"));
    }

    private KernelException refused(Path archive, boolean devices) throws Exception {
        Path layer = fresh("layer");
        return assertThrows(ArchiveException.class,
                () -> files.importArchive(archive.toString(), layer.toString(), new ImportOptions(null, devices, true), null));
    }

    @Test
    void dotDotIsRefused() throws Exception {
        Path archive = hostile("dotdot.tar", tar -> tar.file("a/../../victim/secret", "pwned"));
        assertTrue(refused(archive, false).getMessage().contains(".."));
        assertVictimUntouched();
    }

    @Test
    void anAbsolutePathStaysInTheLayer() throws Exception {
        Path archive = hostile("absolute.tar", tar -> tar.file(victim.resolve("secret").toString(), "pwned"));
        Path layer = fresh("layer");
        files.importArchive(archive.toString(), layer.toString(), new ImportOptions(null, false, true), null);
        assertEquals("pwned", Files.readString(layer.resolve(victim.resolve("secret").toString().substring(1))));
        assertVictimUntouched();
    }

    @Test
    void aFileThroughASymlinkIsRefused() throws Exception {
        Path archive = hostile("symlink.tar", tar -> {
            tar.symlink("escape", victim.toString());
            tar.file("escape/secret", "pwned");
        });
        assertTrue(refused(archive, false).getMessage().contains("not a directory of the layer"));
        assertVictimUntouched();
    }

    @Test
    void aRelativeSymlinkOutIsRefusedToo() throws Exception {
        Path archive = hostile("relative.tar", tar -> {
            tar.symlink("up", "../victim");
            tar.file("up/new", "pwned");
        });
        refused(archive, false);
        assertVictimUntouched();
    }

    @Test
    void aHardLinkToAHostFileIsRefused() throws Exception {
        Path archive = hostile("hardlink.tar", tar -> tar.hardLink("stolen", victim.resolve("secret").toString()));
        assertTrue(refused(archive, false).getMessage().contains("not in the layer"));
        assertVictimUntouched();
    }

    @Test
    void aHardLinkUpAndOutIsRefused() throws Exception {
        Path up = hostile("hardlink-up.tar", tar -> tar.hardLink("stolen", "../victim/secret"));
        refused(up, false);
        assertVictimUntouched();
    }

    @Test
    void aHardLinkThroughASymlinkIsRefused() throws Exception {
        Path archive = hostile("hardlink-symlink.tar", tar -> {
            tar.symlink("escape", victim.toString());
            tar.hardLink("stolen", "escape/secret");
        });
        refused(archive, false);
        assertVictimUntouched();
    }

    @Test
    void deviceNodesNeedPermission() throws Exception {
        Path archive = hostile("device.tar", tar -> tar.device("mem", 1, 1));
        assertTrue(refused(archive, false).getMessage().contains("device node"));
        Path allowed = fresh("allowed");
        files.importArchive(archive.toString(), allowed.toString(), new ImportOptions(null, true, true), null);
        assertEquals(Syscalls.makedev(1, 1), Files.getAttribute(allowed.resolve("mem"), "unix:rdev", LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void anArchiveTheClientMayNotReadIsNotImported() throws Exception {
        Path archive = hostile("private.tar", tar -> tar.file("x", "y"));
        Files.setAttribute(archive, "unix:mode", 0600);
        Path layer = fresh("layer");
        LaunchSpec.Cred nobody = new LaunchSpec.Cred(65534, 65534, List.of(65534));
        KernelException e = assertThrows(KernelException.class,
                () -> files.importArchive(archive.toString(), layer.toString(), new ImportOptions(null, false, true), nobody));
        assertEquals(13, e.errno());
    }

    @Test
    void anExportIsMadeWithTheClientsRights() throws Exception {
        Files.setAttribute(scratch, "unix:mode", 0755);
        Path source = fresh("source");
        Files.writeString(source.resolve("f"), "x");
        Path out = fresh("out");
        Files.setAttribute(out, "unix:mode", 0777);
        LaunchSpec.Cred nobody = new LaunchSpec.Cred(65534, 65534, List.of(65534));
        Path archive = out.resolve("layer.tgz");
        files.exportArchive(source.toString(), archive.toString(), Compression.GZIP, nobody);
        assertEquals(65534, Files.getAttribute(archive, "unix:uid"));
        KernelException exists = assertThrows(KernelException.class,
                () -> files.exportArchive(source.toString(), archive.toString(), Compression.GZIP, nobody));
        assertEquals(17, exists.errno());
        Files.setAttribute(out, "unix:mode", 0755);
        KernelException denied = assertThrows(KernelException.class,
                () -> files.exportArchive(source.toString(), out.resolve("other.tgz").toString(), Compression.GZIP, nobody));
        assertEquals(13, denied.errno());
        assertFalse(Files.exists(out.resolve("other.tgz")));
    }

    @Test
    void garbageIsNotAnArchive() throws Exception {
        Path archive = scratch.resolve("garbage");
        Files.write(archive, "this is not an archive at all".repeat(40).getBytes(StandardCharsets.UTF_8));
        Path layer = fresh("layer");
        KernelException e = assertThrows(ArchiveException.class,
                () -> files.importArchive(archive.toString(), layer.toString(), new ImportOptions(null, false, true), null));
        assertTrue(e.getMessage().contains("compression"), e.getMessage());
    }

    @Test
    void removingATreeRemovesLinksNotWhatTheyPointAt() throws Exception {
        Path victim = fresh("victim");
        Files.writeString(victim.resolve("secret"), "secret");
        Path tree = fresh("tree");
        Files.createDirectories(tree.resolve("a/b"));
        Files.createSymbolicLink(tree.resolve("a/b/out"), victim);
        Files.createSymbolicLink(tree.resolve("a/file"), victim.resolve("secret"));
        Files.setAttribute(tree.resolve("a"), "unix:mode", 0555);
        files.removeTree(tree.toString());
        assertFalse(Files.exists(tree, LinkOption.NOFOLLOW_LINKS));
        assertEquals("secret", Files.readString(victim.resolve("secret")));
        files.removeTree(tree.toString());
    }

    static void writeTo(OutputStream out, String text) throws Exception {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }
}

package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import porto.conformance.layer.Tars;

/**
 * Layers and storages through a real portod and portoctl: exact round trips in every compression,
 * import from a directory, private values and owners, errors, and hostile archives that must not
 * reach outside the layer. The daemon's default place is a directory of this test.
 */
class LayersTest extends LayerTestBase {
    /** The source tree packed by GNU tar with the given compression option. */
    static Path gnuTar(Path source, String name, String compressOption) throws Exception {
        Path archive = work.resolve(name);
        List<String> cmd = new ArrayList<>(List.of("tar", "--xattrs", "--xattrs-include=*", "--numeric-owner", "-cpf",
                archive.toString(), "-C", source.toString(), "."));
        if (compressOption != null)
            cmd.add(1, compressOption);
        sh(cmd.toArray(String[]::new));
        return archive;
    }

    static Path source() throws Exception {
        Path source = work.resolve("source");
        tree("make", source);
        return source;
    }

    @Test
    void everyCompressionRoundTripsBitForBit() throws Exception {
        Path source = source();
        String expected = tree("digest", source);
        String[][] kinds = {{"plain.tar", null, "tar"}, {"gz.tgz", "-z", "tgz"}, {"xz.txz", "-J", "txz"}, {"zst.tar.zst", "--zstd", "tzst"}};
        for (String[] k : kinds) {
            String name = k[2];
            ok("layer", "-I", name, gnuTar(source, k[0], k[1]).toString());
            assertEquals(expected, tree("digest", layers.resolve(name)), "imported from " + k[0]);
            Path exported = work.resolve("export-" + k[0]);
            ok("layer", "-E", name, exported.toString());
            ok("layer", "-I", name + "-again", exported.toString());
            assertEquals(expected, tree("digest", layers.resolve(name + "-again")), "exported as " + k[0] + " and imported");
            assertEquals(k[2], kind(exported), "export of " + name);
        }
        ok("layer", "-c", "txz", "-E", "tgz", work.resolve("forced.out").toString());
        assertEquals("txz", kind(work.resolve("forced.out")));
        assertEquals(List.of("tar", "tar-again", "tgz", "tgz-again", "txz", "txz-again", "tzst", "tzst-again"),
                ok("layer", "-L").out().lines().toList());
    }

    /** What an archive is, by its first bytes. */
    static String kind(Path archive) throws Exception {
        byte[] head = Files.readAllBytes(archive);
        if ((head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b)
            return "tgz";
        if ((head[0] & 0xff) == 0xfd && head[1] == '7' && head[2] == 'z')
            return "txz";
        if ((head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5)
            return "tzst";
        return new String(head, 257, 5, StandardCharsets.US_ASCII).equals("ustar") ? "tar" : "unknown";
    }

    @Test
    void aDirectoryImportsAsItsCopy() throws Exception {
        Path source = source();
        ok("layer", "-I", "fromdir", source.toString());
        assertEquals(tree("digest", source), tree("digest", layers.resolve("fromdir")));
    }

    @Test
    void privateValueOwnerAndListing() throws Exception {
        Path archive = work.resolve("small.tar");
        Tars.write(archive, t -> t.dir("etc/").file("etc/hostname", "vm\n"));
        ok("layer", "-S", "first", "-I", "small", archive.toString());
        assertEquals("first\n", ok("layer", "-G", "small").out());
        ok("layer", "-S", "second", "small");
        assertEquals("second\n", ok("layer", "-G", "small").out());
        String verbose = ok("layer", "-L", "-v").out();
        assertTrue(verbose.contains("small\n\towner\troot:root\n"), verbose);
        assertTrue(verbose.contains("\tprivate\tsecond\n"), verbose);
        assertEquals("vm\n", Files.readString(layers.resolve("small/etc/hostname")));
        ok("layer", "-R", "small");
        assertFalse(Files.exists(layers.resolve("small")));
        assertFalse(Files.exists(layers.resolve("_private_small")));
    }

    @Test
    void badRequestsGetPortosErrors() throws Exception {
        Path archive = work.resolve("small.tar");
        Tars.write(archive, t -> t.file("f", "x"));
        ok("layer", "-I", "one", archive.toString());
        assertEquals(18, fails("LayerAlreadyExists", "layer", "-I", "one", archive.toString()).code());
        assertEquals(19, fails("LayerNotFound", "layer", "-R", "missing").code());
        fails("LayerNotFound", "layer", "-G", "missing");
        fails("InvalidValue", "layer", "-I", "_import_x", archive.toString());
        fails("InvalidValue", "layer", "-I", "bad/name/x", archive.toString());
        fails("InvalidValue", "layer", "-c", "rar", "-I", "two", archive.toString());
        fails("InvalidPath", "layer", "-P", "relative", "-L");
        fails("InvalidPath", "layer", "-P", "/etc", "-L");
        fails("InvalidValue", "layer", "-P", work.toString(), "-I", "x", archive.toString());
        Path garbage = work.resolve("garbage");
        Files.writeString(garbage, "not an archive ".repeat(100));
        fails("InvalidValue", "layer", "-I", "two", garbage.toString());
        fails("InvalidValue", "layer", "-I", "two", work.resolve("absent.tar").toString());
        fails("InvalidValue", "layer", "-E", "one", archive.toString());
        assertEquals(List.of("_private_one", "one"), names(layers));
    }

    // Hostile archives, imported through the daemon: nothing outside the layer is written or linked.

    private static Path victim() throws Exception {
        Path victim = work.resolve("victim");
        Files.createDirectories(victim);
        Files.writeString(victim.resolve("secret"), "secret");
        return victim;
    }

    private static void assertUntouched(Path victim) throws Exception {
        assertEquals(List.of("secret"), names(victim));
        assertEquals("secret", Files.readString(victim.resolve("secret")));
        assertEquals(1, (Integer) Files.getAttribute(victim.resolve("secret"), "unix:nlink"));
        assertEquals(List.of(), names(layers), "no layer and no half-imported directory is left");
    }

    private static void hostile(String error, Tars.Body body) throws Exception {
        Path victim = victim();
        Path archive = work.resolve("hostile.tar");
        Tars.write(archive, body);
        fails(error, "layer", "-I", "evil", archive.toString());
        assertUntouched(victim);
    }

    @Test
    void dotDotCannotLeave() throws Exception {
        hostile("..", t -> t.file("a/../../victim/secret", "pwned"));
    }

    @Test
    void aSymlinkThenAFileThroughItCannotLeave() throws Exception {
        Path v = work.resolve("victim");
        hostile("not a directory of the layer", t -> t.symlink("escape", v.toString()).file("escape/secret", "pwned"));
        hostile("not a directory of the layer", t -> t.symlink("up", "../../../../victim").file("up/new", "pwned"));
    }

    @Test
    void aHardLinkToAHostFileIsRefused() throws Exception {
        Path v = work.resolve("victim");
        hostile("not in the layer", t -> t.hardLink("stolen", v.resolve("secret").toString()));
        hostile("..", t -> t.hardLink("stolen", "../../../victim/secret"));
        hostile("not in the layer", t -> t.symlink("escape", v.toString()).hardLink("stolen", "escape/secret"));
    }

    @Test
    void anAbsolutePathLandsInsideTheLayer() throws Exception {
        Path victim = victim();
        Path archive = work.resolve("absolute.tar");
        Tars.write(archive, t -> t.file(victim.resolve("secret").toString(), "pwned"));
        ok("layer", "-I", "abs", archive.toString());
        assertEquals("pwned", Files.readString(layers.resolve("abs").resolve(victim.resolve("secret").toString().substring(1))));
        assertEquals("secret", Files.readString(victim.resolve("secret")));
    }

    @Test
    void deviceNodesOnlyFromRoot() throws Exception {
        Path archive = work.resolve("device.tar");
        Tars.write(archive, t -> t.device("mem", 1, 1).device("whiteout", 0, 0));
        Files.setAttribute(archive, "unix:mode", 0644);
        expectFailure(Users.portoctl(portod, Users.ALICE, "layer", "-I", "dev", archive.toString()), "device node");
        assertFalse(Files.exists(layers.resolve("dev")));
        assertEquals(List.of(), names(layers));
        ok("layer", "-I", "dev", archive.toString());
        assertEquals("c", sh("stat", "-c", "%F", layers.resolve("dev/mem").toString()).substring(0, 1));
    }

    @Test
    void aufsWhiteoutsAreConverted() throws Exception {
        Path archive = work.resolve("aufs.tgz");
        Path tmp = work.resolve("aufs-tar");
        Tars.write(tmp, t -> t.dir("etc/").file("etc/.wh.passwd", "").dir("var/").file("var/.wh..wh..opq", "").file("var/kept", "k"));
        sh("sh", "-c", "gzip -c " + tmp + " > " + archive);
        ok("layer", "-I", "aufs", archive.toString());
        assertEquals("character special file 0,0\n", sh("stat", "-c", "%F %t,%T", layers.resolve("aufs/etc/passwd").toString()));
        assertEquals("b'y'\n", sh("/usr/bin/python3", "-c", "import os, sys; print(os.getxattr(sys.argv[1], 'trusted.overlay.opaque'))",
                layers.resolve("aufs/var").toString()));
        assertFalse(Files.exists(layers.resolve("aufs/var/.wh..wh..opq"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aTerminalShowsProgress() throws Exception {
        Path archive = work.resolve("big.tar");
        Tars.write(archive, t -> t.file("f", "x".repeat(1 << 20)));
        List<String> cmd = PortodProcess.java("porto.cli.Portoctl", "layer", "-I", "big", archive.toString());
        StringBuilder line = new StringBuilder();
        for (String word : cmd)
            line.append('\'').append(word.replace("'", "'\\''")).append("' ");
        ProcessBuilder pb = new ProcessBuilder("script", "-qec", line.toString(), "/dev/null").redirectErrorStream(true);
        pb.environment().putAll(portod.env());
        Process p = pb.start();
        String shown = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), shown);
        assertTrue(shown.contains("importing " + archive + ": "), shown);
        assertTrue(Files.isDirectory(layers.resolve("big")));
        PortodProcess.Run plain = ok("layer", "-E", "big", work.resolve("big-out.tar").toString());
        assertFalse(plain.err().contains("exporting"), "no progress line without a terminal: " + plain.err());
    }

    @Test
    void aLayerUnderAVolumeIsBusy() throws Exception {
        Path archive = work.resolve("base.tar");
        Tars.write(archive, t -> t.dir("etc/").file("etc/motd", "from the layer\n"));
        ok("layer", "-I", "base", archive.toString());
        String volume = ok("vcreate", "-A", "layers=base").line();
        try {
            assertEquals("from the layer\n", Files.readString(Path.of(volume, "etc/motd")));
            PortodProcess.Run busy = fails("Busy", "layer", "-R", "base");
            assertTrue(busy.err().contains(volume), busy.err());
            assertTrue(Files.isDirectory(layers.resolve("base")));
        } finally {
            ok("vunlink", "-A", volume);
        }
        ok("layer", "-R", "base");
        assertEquals(List.of(), names(layers));
    }

    @Test
    void aWeakLayerGoesWithItsLastVolumeAndUseRestartsLastUsage() throws Exception {
        Path archive = work.resolve("weak.tar");
        Tars.write(archive, t -> t.dir("etc/").file("etc/motd", "weak\n"));
        ok("layer", "-I", "_weak_base", archive.toString());
        ok("layer", "-I", "kept", archive.toString());
        Path privateFile = layers.resolve("_private__weak_base");
        FileTime longAgo = FileTime.from(Instant.parse("2001-01-01T00:00:00Z"));
        Files.setLastModifiedTime(privateFile, longAgo);
        String first = ok("vcreate", "-A", "layers=_weak_base").line();
        String second;
        try {
            assertTrue(Files.getLastModifiedTime(privateFile).compareTo(longAgo) > 0, "creating a volume uses the layer");
            second = ok("vcreate", "-A", "layers=kept;_weak_base").line();
        } finally {
            ok("vunlink", "-A", first);
        }
        try {
            assertTrue(Files.isDirectory(layers.resolve("_weak_base")), "still used by " + second);
            assertEquals("weak\n", Files.readString(Path.of(second, "etc/motd")));
        } finally {
            ok("vunlink", "-A", second);
        }
        assertEquals(List.of("_private_kept", "kept"), names(layers), "the weak layer went with its last volume");
        ok("layer", "-R", "kept");
    }

    @Test
    void aClientInAContainerImportsAndRemovesOnlyInItsPlaces() throws Exception {
        Path archive = work.resolve("small.tar");
        Tars.write(archive, t -> t.file("f", "x"));
        ok("layer", "-I", "kept", archive.toString());
        Path allowed = base.resolve("allowed");
        Files.createDirectories(allowed.resolve("porto_layers"));
        String portoctl = PortodProcess.portoctlScript(work).toString();
        String sh = portoctl + " layer -P " + place + " -I mine " + archive + "; echo \"= $?\"; "
                + portoctl + " layer -P " + place + " -R kept; echo \"= $?\"; "
                + portoctl + " layer -I mine " + archive + "; echo \"= $?\"; "
                + "test -d " + allowed + "/porto_layers/mine; echo \"= $?\"; "
                + portoctl + " layer -P " + allowed + " -R mine; echo \"= $?\"";
        try {
            ok("run", "box", "command=sh -c '" + sh + "'", "env=PORTO_SOCKET=" + portod.socket, "place=" + allowed);
            ok("wait", "box");
            assertEquals("= 11\n= 11\n= 0\n= 0\n= 0\n", ok("get", "box", "stdout").out(),
                    "Permission outside the place, the policy's first place by default: " + ok("get", "box", "stderr").out());
            assertEquals(List.of("_private_kept", "kept"), names(layers), "nothing imported or removed in the daemon's place");
            assertFalse(Files.exists(allowed.resolve("porto_layers/mine")));
        } finally {
            portod.portoctl("destroy", "box");
            sh("rm", "-rf", "--one-file-system", allowed.toString());
        }
        ok("layer", "-R", "kept");
    }
}

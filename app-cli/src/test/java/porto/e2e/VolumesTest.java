package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Volumes through portoctl against a real portod: the backends plain, bind, tmpfs and overlay,
 * links with and without targets, vlist's forms, vtune, and the errors of bad requests. Every
 * test works in a scratch directory whose mounts are released after it, pass or fail.
 */
class VolumesTest extends PortodTest {
    private Path scratch;

    @BeforeEach
    void makeScratch() throws IOException {
        scratch = Files.createTempDirectory("porto-volumes-test");
    }

    @AfterEach
    void releaseScratch() throws Exception {
        for (String line : ok("vlist", "-1").out().split("\n"))
            if (!line.isBlank())
                portod.portoctl("vunlink", "-A", line.trim());
        HostMounts.release(scratch);
        PortodProcess.deleteTree(scratch);
    }

    private static boolean mounted(String path) throws IOException {
        return HostMounts.under(Path.of(path)).contains(path);
    }

    private Path dir(String name) throws IOException {
        return Files.createDirectories(scratch.resolve(name));
    }

    @Test
    void anAutomaticPathIsMadeInThePlaceAndGoesWithTheLastLink() throws Exception {
        String v = ok("vcreate", "-A").line();
        assertTrue(v.startsWith(portod.volumePlace + "/porto_volumes/"), v);
        assertTrue(v.endsWith("/volume"), v);
        assertTrue(mounted(v), "the volume is a mount point");
        Files.writeString(Path.of(v, "file"), "data");
        assertEquals(List.of(v), List.of(ok("vlist", "-1").out().strip().split("\n")));
        ok("vunlink", v);
        assertFalse(mounted(v));
        assertFalse(Files.exists(Path.of(v)), "the internals are removed");
        fails("VolumeNotFound", "vunlink", v);
    }

    @Test
    void plainKeepsItsDataInInternalStorageAndTakesUserAndPermissions() throws Exception {
        Path path = dir("plain");
        ok("vcreate", path.toString(), "backend=plain", "permissions=0750", "user=nobody");
        assertTrue(mounted(path.toString()));
        assertEquals("rwxr-x---", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
        assertEquals("nobody", Files.getOwner(path).getName());
        String id = property(path.toString(), "id");
        Path storage = portod.volumePlace.resolve("porto_volumes/" + id + "/plain");
        Files.writeString(path.resolve("f"), "x");
        assertTrue(Files.exists(storage.resolve("f")), "plain binds its storage: " + storage);
        ok("vunlink", path.toString());
        assertFalse(mounted(path.toString()));
        assertFalse(Files.exists(storage));
        assertTrue(Files.isDirectory(path), "the client's directory stays");
    }

    @Test
    void bindShowsItsStorageAndLeavesItAfterwards() throws Exception {
        Path storage = dir("data");
        Files.writeString(storage.resolve("kept"), "kept");
        Path path = dir("bound");
        ok("vcreate", path.toString(), "backend=bind", "storage=" + storage);
        assertEquals("kept", Files.readString(path.resolve("kept")));
        ok("vunlink", path.toString());
        assertEquals("kept", Files.readString(storage.resolve("kept")), "bind never removes its storage");
        fails("InvalidProperty", "vcreate", path.toString(), "backend=bind");
    }

    @Test
    void tmpfsIsLimitedAndTunable() throws Exception {
        Path path = dir("tmp");
        ok("vcreate", path.toString(), "backend=tmpfs", "space_limit=1M");
        IOException full = assertThrows(IOException.class, () -> Files.write(path.resolve("big"), new byte[2 << 20]));
        assertTrue(full.getMessage().contains("No space left"), full.getMessage());
        Files.deleteIfExists(path.resolve("big"));
        ok("vtune", path.toString(), "space_limit=4M");
        Files.write(path.resolve("big"), new byte[2 << 20]);
        assertEquals(Long.toString(4 << 20), property(path.toString(), "space_limit"));
        fails("InvalidProperty", "vcreate", dir("tmp2").toString(), "backend=tmpfs");
    }

    @Test
    void overlayStacksLayersAndWritesToItsUpperLayer() throws Exception {
        Path named = portod.volumePlace.resolve("porto_layers/base");
        Files.createDirectories(named);
        Files.writeString(named.resolve("bottom"), "from base");
        Files.writeString(named.resolve("both"), "base");
        Path top = dir("top");
        Files.writeString(top.resolve("both"), "top");
        try {
            Path path = dir("ov");
            ok("vcreate", path.toString(), "backend=overlay", "layers=" + top + ";base", "storage=ovdata");
            assertEquals("from base", Files.readString(path.resolve("bottom")));
            assertEquals("top", Files.readString(path.resolve("both")), "the first layer is the top one");
            Files.writeString(path.resolve("new"), "written");
            assertFalse(Files.exists(top.resolve("new")), "layers are never written");
            Path upper = portod.volumePlace.resolve("porto_storage/ovdata/upper");
            assertEquals("written", Files.readString(upper.resolve("new")));
            ok("vunlink", path.toString());
            assertFalse(mounted(path.toString()));
            assertTrue(Files.exists(upper.resolve("new")), "a named storage outlives its volume");
            fails("LayerNotFound", "vcreate", path.toString(), "backend=overlay", "layers=missing");
        } finally {
            PortodProcess.deleteTree(named);
        }
    }

    @Test
    void readOnlyVolumesRefuseWrites() throws Exception {
        Path path = dir("ro");
        ok("vcreate", path.toString(), "backend=plain", "read_only=true");
        IOException e = assertThrows(IOException.class, () -> Files.writeString(path.resolve("f"), "x"));
        assertTrue(e.getMessage().contains("Read-only"), e.getMessage());
        assertEquals("true", property(path.toString(), "read_only"));
    }

    @Test
    void linksMountTheVolumeAtTheirTargetAndContainersHoldIt() throws Exception {
        Path path = dir("shared");
        Path target = scratch.resolve("target");
        ok("create", "vc");
        try {
            ok("vcreate", path.toString(), "backend=plain");
            ok("vlink", path.toString(), "vc", target.toString(), "ro");
            assertTrue(mounted(target.toString()));
            assertThrows(IOException.class, () -> Files.writeString(target.resolve("f"), "x"), "a ro link is read-only");
            String table = ok("vlist").out();
            assertTrue(table.contains(" / vc(" + target + " ro)"), table);
            fails("VolumeAlreadyLinked", "vlink", path.toString(), "vc", target.toString());
            ok("vunlink", path.toString(), "vc");
            assertFalse(mounted(target.toString()));
            fails("VolumeNotLinked", "vunlink", path.toString(), "vc");
            ok("vlink", path.toString(), "vc", target.toString());
            ok("vunlink", "-A", path.toString()); // the last links: the volume and its link mounts go
            assertFalse(mounted(target.toString()), "unlinking everything unmounts the targets too");
            assertFalse(mounted(path.toString()));

            // linked only to vc: destroying vc destroys the volume
            Path held = dir("held");
            ok("vcreate", held.toString(), "backend=plain", "containers=vc");
            assertEquals("vc", property(held.toString(), "containers"));
            ok("destroy", "vc");
            assertFalse(mounted(held.toString()));
            fails("VolumeNotFound", "vlist", held.toString());
        } finally {
            portod.portoctl("destroy", "vc");
        }
    }

    @Test
    void vlistPrintsUpstreamsTables() throws Exception {
        Path path = dir("listed");
        ok("vcreate", path.toString(), "backend=tmpfs", "space_limit=1M", "private=note");
        String table = ok("vlist").out();
        String[] lines = table.split("\n", -1);
        assertTrue(lines[0].startsWith("Volume                                  ID      Backend Storage"), lines[0]);
        assertTrue(lines[0].contains("     Limit      Used     Avail Use% Containers"), lines[0]);
        int at = java.util.Arrays.asList(lines).indexOf(path.toString()); // longer than 40: alone on its line
        assertTrue(at > 0, table);
        String row = lines[at + 1];
        assertTrue(row.startsWith(" ".repeat(40)), row);
        assertTrue(row.contains("tmpfs") && row.contains("<none>") && row.contains("1M"), row);
        assertEquals("", lines[at + 2], "a long path's row is followed by an empty line");
        String inodes = ok("vlist", "-i", path.toString()).out();
        assertTrue(inodes.split("\n")[2].contains("         0"), inodes);
        String verbose = ok("vlist", "-v", path.toString()).out();
        assertTrue(verbose.startsWith(path + "\n  containers           /\n"), verbose);
        assertTrue(verbose.contains("\n  backend              tmpfs\n"), verbose);
        assertTrue(verbose.contains("\n  private              note\n"), verbose);
        assertTrue(verbose.contains("\n  space_limit          1048576\n"), verbose);
    }

    @Test
    void badRequestsGetPortosErrors() throws Exception {
        Path path = dir("bad");
        fails("InvalidProperty", "vcreate", path.toString(), "colour=blue");
        fails("InvalidProperty", "vcreate", path.toString(), "space_used=1");
        fails("NotSupported", "vcreate", path.toString(), "backend=zfs");
        PortodProcess.Run lvm = fails("NotSupported", "vcreate", path.toString(), "backend=lvm");
        assertTrue(lvm.err().contains("device-mapper"), lvm.err());
        fails("NotSupported", "vcreate", path.toString(), "backend=rbd");
        PortodProcess.Run quota = fails("NotSupported", "vcreate", path.toString(), "backend=native", "space_limit=1M");
        assertTrue(quota.err().contains("filesystem"), quota.err());
        fails("InvalidValue", "vcreate", path.toString(), "space_limit=lots");
        fails("InvalidValue", "vcreate", path.toString(), "space_limit=1M", "space_guarantee=2M");
        fails("InvalidPath", "vcreate", scratch.resolve("missing").toString());
        fails("InvalidPath", "vcreate", "/etc");
        ok("vcreate", path.toString(), "backend=plain");
        fails("VolumeAlreadyExists", "vcreate", path.toString(), "backend=plain");
        fails("InvalidProperty", "vtune", path.toString(), "backend=tmpfs");
        fails("VolumeNotFound", "vtune", scratch.resolve("none").toString(), "space_limit=1M");
        fails("ContainerDoesNotExist", "vlink", path.toString(), "nosuch");
    }

    private static String property(String path, String name) throws Exception {
        for (String line : ok("vlist", "-v", path).out().split("\n"))
            if (line.startsWith("  " + name + " ") || line.equals("  " + name))
                return line.substring(2 + 20).trim();
        throw new AssertionError("no " + name + " in vlist -v " + path);
    }
}

package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The backends that limit space: native, quota and overlay with project quota on a place that
 * has it, loop (an ext4 image the daemon makes), squash (overlay over a squashfs image), and
 * space guarantees accounted per place. Writes past a limit fail with EDQUOT or ENOSPC.
 */
class VolumeBackendsTest extends PortodTest {
    private Path scratch;
    private QuotaPlace place;

    @BeforeEach
    void makePlace() throws Exception {
        scratch = Files.createTempDirectory("porto-volumes-quota");
        place = new QuotaPlace(scratch, 256L << 20);
    }

    @AfterEach
    void releasePlace() throws Exception {
        try {
            for (String line : ok("vlist", "-1").out().split("\n"))
                if (!line.isBlank())
                    portod.portoctl("vunlink", "-A", line.trim());
        } finally {
            if (place != null)
                place.close();
            HostMounts.release(scratch);
            PortodProcess.deleteTree(scratch);
        }
    }

    private static boolean mounted(String path) throws IOException {
        return HostMounts.under(Path.of(path)).contains(path);
    }

    private static String property(String path, String name) throws Exception {
        for (String line : ok("vlist", "-v", path).out().split("\n"))
            if (line.startsWith("  " + name + " ") || line.equals("  " + name))
                return line.substring(2 + 20).trim();
        throw new AssertionError("no " + name + " in vlist -v " + path);
    }

    private static void fill(Path file, int megabytes) throws IOException {
        try (var out = Files.newOutputStream(file)) {
            byte[] mb = new byte[1 << 20];
            for (int i = 0; i < megabytes; i++)
                out.write(mb);
        }
    }

    private static void assertFull(IOException e) {
        String m = String.valueOf(e.getMessage());
        assertTrue(m.contains("Disk quota exceeded") || m.contains("No space left"), m);
    }

    /** Without project quota a limit needs a backend that enforces it otherwise: asking one that cannot names the filesystem. */
    private void refusedWithoutQuota(String... args) throws Exception {
        PortodProcess.Run r = fails("NotSupported", args);
        assertTrue(r.err().contains("ext4") && r.err().contains("project quota"), r.err());
    }

    @Test
    void nativeIsAutodetectedOnAQuotaPlaceAndItsLimitHolds() throws Exception {
        String v = ok("vcreate", "-A", "place=" + place.dir, "space_limit=4M").line();
        assertTrue(v.startsWith(place.dir + "/porto_volumes/"), v);
        // as upstream: native where the place has project quota, else loop, which enforces the limit by its size
        assertEquals(place.quota ? "native" : "loop", property(v, "backend"));
        IOException e = assertThrows(IOException.class, () -> fill(Path.of(v, "big"), 8));
        assertFull(e);
        long used = Long.parseLong(property(v, "space_used"));
        assertTrue(used > (2 << 20) && used <= (4 << 20), "the limit counts what was written: " + used);
        Files.delete(Path.of(v, "big"));
        if (!place.quota) {
            refusedWithoutQuota("vcreate", "-A", "place=" + place.dir, "backend=native", "space_limit=4M");
            return;
        }
        ok("vtune", v, "space_limit=16M");
        fill(Path.of(v, "big"), 8);
        assertEquals(Long.toString(16 << 20), property(v, "space_limit"));
        ok("vunlink", v);
        assertFalse(Files.exists(Path.of(v)));
    }

    @Test
    void inodeLimitsHold() throws Exception {
        if (!place.quota) {
            refusedWithoutQuota("vcreate", "-A", "place=" + place.dir, "backend=native", "inode_limit=10");
            return;
        }
        String v = ok("vcreate", "-A", "place=" + place.dir, "backend=native", "inode_limit=10").line();
        IOException e = assertThrows(IOException.class, () -> {
            for (int i = 0; i < 20; i++)
                Files.createFile(Path.of(v, "f" + i));
        });
        assertFull(e);
    }

    @Test
    void quotaLimitsADirectoryInPlace() throws Exception {
        Path dir = Files.createDirectories(place.dir.resolve("project"));
        fails("InvalidProperty", "vcreate", dir.toString(), "backend=quota");
        if (!place.quota) {
            refusedWithoutQuota("vcreate", dir.toString(), "backend=quota", "space_limit=2M");
            return;
        }
        ok("vcreate", dir.toString(), "backend=quota", "space_limit=2M");
        assertFalse(mounted(dir.toString()), "quota mounts nothing");
        assertFull(assertThrows(IOException.class, () -> fill(dir.resolve("big"), 4)));
        ok("vunlink", dir.toString());
        fill(dir.resolve("big2"), 4); // the limit went with the volume
    }

    @Test
    void overlayUpperLayerIsLimited() throws Exception {
        Path layer = Files.createDirectories(place.dir.resolve("porto_layers/base"));
        Files.writeString(layer.resolve("hello"), "hello");
        if (!place.quota) {
            refusedWithoutQuota("vcreate", "-A", "place=" + place.dir, "backend=overlay", "layers=base", "space_limit=4M");
            String v = ok("vcreate", "-A", "place=" + place.dir, "layers=base").line();
            assertEquals("overlay", property(v, "backend"), "layers without limits pick overlay");
            assertEquals("hello", Files.readString(Path.of(v, "hello")));
            return;
        }
        String v = ok("vcreate", "-A", "place=" + place.dir, "layers=base", "space_limit=4M").line();
        assertEquals("overlay", property(v, "backend"));
        assertEquals("hello", Files.readString(Path.of(v, "hello")));
        assertFull(assertThrows(IOException.class, () -> fill(Path.of(v, "big"), 8)));
    }

    @Test
    void theManualsExampleMakesALoopVolumeOnAPlaceWithoutQuota() throws Exception {
        // V=$(portoctl vcreate -A space_limit=1G); portoctl vunlink $V
        String v = ok("vcreate", "-A", "space_limit=1G").line();
        assertEquals("loop", property(v, "backend"));
        String device = property(v, "device_name");
        assertTrue(device.startsWith("loop"), device);
        assertTrue(HostMounts.run("losetup", "--list").contains("/dev/" + device));
        ok("vunlink", v);
        assertTrue(HostMounts.loopFreed(device), "the loop device is freed");
        assertFalse(Files.exists(Path.of(v)));
    }

    @Test
    void aLoopVolumeIsFullAtItsSize() throws Exception {
        String v = ok("vcreate", "-A", "backend=loop", "space_limit=32M").line();
        assertFull(assertThrows(IOException.class, () -> fill(Path.of(v, "big"), 40)));
        PortodProcess.Run shrink = fails("NotSupported", "vtune", v, "space_limit=16M");
        assertTrue(shrink.err().contains("shrink"), shrink.err());
    }

    @Test
    void squashStacksAWritableLayerOnASquashfsImage() throws Exception {
        Path content = Files.createDirectories(scratch.resolve("content"));
        Files.writeString(content.resolve("inside"), "from squashfs");
        Path image = scratch.resolve("layer.squashfs");
        String out = HostMounts.run("mksquashfs", content.toString(), image.toString(), "-quiet", "-noappend");
        assertTrue(Files.isRegularFile(image), out);
        Path path = Files.createDirectories(scratch.resolve("sq"));
        ok("vcreate", path.toString(), "backend=squash", "layers=" + image);
        assertEquals("from squashfs", Files.readString(path.resolve("inside")));
        Files.writeString(path.resolve("new"), "written");
        String device = property(path.toString(), "device_name");
        ok("vunlink", path.toString());
        assertFalse(mounted(path.toString()));
        assertTrue(HostMounts.loopFreed(device), "the loop device is freed");
        fails("InvalidValue", "vcreate", path.toString(), "backend=squash", "layers=" + content);
    }

    @Test
    void guaranteesOfAPlaceNeverExceedItsSpace() throws Exception {
        String first = ok("vcreate", "-A", "place=" + place.dir, "backend=native", "space_guarantee=150M").line();
        PortodProcess.Run refused = fails("NoSpace", "vcreate", "-A", "place=" + place.dir, "backend=native", "space_guarantee=150M");
        assertTrue(refused.err().contains("guarantee"), refused.err());
        fails("NoSpace", "vtune", first, "space_guarantee=300M");
        ok("vunlink", first);
        ok("vcreate", "-A", "place=" + place.dir, "backend=native", "space_guarantee=150M");
    }

    @Test
    void unsupportedBackendsSayWhy() throws Exception {
        PortodProcess.Run lvm = fails("NotSupported", "vcreate", "-A", "backend=lvm", "storage=vg/name");
        assertTrue(lvm.err().contains("device-mapper"), lvm.err());
        PortodProcess.Run rbd = fails("NotSupported", "vcreate", "-A", "backend=rbd", "storage=id@pool/image");
        assertTrue(rbd.err().contains("Ceph"), rbd.err());
    }
}

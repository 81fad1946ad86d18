package porto.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import porto.ports.KernelException;
import porto.ports.volume.VolumeStorage;

/**
 * What every {@link VolumeStorage} must do: directories with owner and mode, binds, tmpfs and
 * overlay mounts that show in the mount table and go on unmount, trees removed without crossing
 * a mount, loop devices over ext4 images, and a reason when project quota is missing.
 */
public abstract class VolumeStorageConformance {

    /** A storage and a scratch directory for one test; closing it undoes everything left. */
    public interface Fixture extends AutoCloseable {
        VolumeStorage storage();

        /** An empty directory of the test's own, absolute. */
        String scratch();

        /** Writes a small file (through the kernel or the simulation). */
        void writeFile(String path, String text) throws Exception;

        @Override
        void close() throws Exception;
    }

    protected abstract Fixture newFixture() throws Exception;

    private Fixture fixture;
    private VolumeStorage storage;
    private String dir;

    @BeforeEach
    void setUpStorage() throws Exception {
        fixture = newFixture();
        storage = fixture.storage();
        dir = fixture.scratch();
    }

    @AfterEach
    void tearDownStorage() throws Exception {
        if (fixture == null)
            return;
        try {
            for (String m : storage.mountsUnder(dir))
                storage.unmount(m);
        } finally {
            fixture.close();
        }
    }

    @Test
    void directoriesTakeOwnerAndModeAndKeepTheirContents() throws Exception {
        storage.makeDirectory(dir + "/a/b", 1234, 2345, 0750);
        assertTrue(storage.isDirectory(dir + "/a"));
        assertTrue(storage.isDirectory(dir + "/a/b"));
        fixture.writeFile(dir + "/a/b/f", "data");
        storage.makeDirectory(dir + "/a/b", 0, 0, 0755);
        assertTrue(storage.isRegularFile(dir + "/a/b/f"), "an existing directory keeps its files");
        assertEquals(List.of("b"), storage.list(dir + "/a"));
        assertEquals(List.of(), storage.list(dir + "/missing"));
        assertFalse(storage.exists(dir + "/missing"));
    }

    @Test
    void aBindIsAMountPointUntilUnmounted() throws Exception {
        storage.makeDirectory(dir + "/src", 0, 0, 0755);
        storage.makeDirectory(dir + "/dst", 0, 0, 0755);
        storage.bind(dir + "/src", dir + "/dst", true);
        assertTrue(storage.isMountPoint(dir + "/dst"));
        assertFalse(storage.isMountPoint(dir + "/src"));
        storage.remount(dir + "/dst", false);
        storage.unmount(dir + "/dst");
        assertFalse(storage.isMountPoint(dir + "/dst"));
        KernelException e = assertThrows(KernelException.class, () -> storage.unmount(dir + "/dst"));
        assertEquals(22, e.errno(), "unmounting what is not mounted is EINVAL");
    }

    @Test
    void aBindOfAMissingSourceIsENOENT() throws Exception {
        storage.makeDirectory(dir + "/dst", 0, 0, 0755);
        KernelException e = assertThrows(KernelException.class, () -> storage.bind(dir + "/none", dir + "/dst", false));
        assertEquals(2, e.errno());
    }

    @Test
    void removingATreeNeverCrossesAMount() throws Exception {
        storage.makeDirectory(dir + "/tree/inner", 0, 0, 0755);
        storage.makeDirectory(dir + "/outside", 0, 0, 0755);
        fixture.writeFile(dir + "/outside/keep", "keep");
        storage.bind(dir + "/outside", dir + "/tree/inner", false);
        KernelException e = assertThrows(KernelException.class, () -> storage.removeTree(dir + "/tree"));
        assertEquals(16, e.errno(), "EBUSY: a mount is inside");
        assertTrue(storage.isRegularFile(dir + "/outside/keep"), "nothing behind the mount was removed");
        storage.unmount(dir + "/tree/inner");
        storage.removeTree(dir + "/tree");
        assertFalse(storage.exists(dir + "/tree"));
        storage.removeTree(dir + "/tree"); // absent is fine
    }

    @Test
    void mountsUnderComeDeepestFirst() throws Exception {
        storage.makeDirectory(dir + "/a", 0, 0, 0755);
        storage.mountTmpfs(dir + "/a", 1 << 20, 0, 0, 0, 0755);
        storage.makeDirectory(dir + "/a/b", 0, 0, 0755);
        storage.mountTmpfs(dir + "/a/b", 1 << 20, 0, 0, 0, 0755);
        assertEquals(List.of(dir + "/a/b", dir + "/a"), storage.mountsUnder(dir));
        for (String m : storage.mountsUnder(dir))
            storage.unmount(m);
        assertEquals(List.of(), storage.mountsUnder(dir));
    }

    @Test
    void tmpfsHasItsSizeAndCanBeResized() throws Exception {
        storage.makeDirectory(dir + "/t", 0, 0, 0755);
        storage.mountTmpfs(dir + "/t", 4 << 20, 1000, 0, 0, 0700);
        VolumeStorage.FsInfo fs = storage.fsInfo(dir + "/t");
        assertEquals(4 << 20, fs.totalBytes());
        storage.remountTmpfs(dir + "/t", 8 << 20, 1000);
        assertEquals(8 << 20, storage.fsInfo(dir + "/t").totalBytes());
    }

    @Test
    void overlayMountsLayersWithAnUpperDirectory() throws Exception {
        for (String d : List.of("/l1", "/l2", "/upper", "/work", "/merged"))
            storage.makeDirectory(dir + d, 0, 0, 0755);
        fixture.writeFile(dir + "/l2/bottom", "b");
        storage.mountOverlay(dir + "/merged", List.of(dir + "/l1", dir + "/l2"), dir + "/upper", dir + "/work");
        assertTrue(storage.isMountPoint(dir + "/merged"));
        storage.unmount(dir + "/merged");
        assertFalse(storage.isMountPoint(dir + "/merged"));
    }

    @Test
    void aLoopDeviceCarriesAnExt4Image() throws Exception {
        String image = dir + "/loop.img";
        storage.makeExt4Image(image, 32 << 20);
        assertTrue(storage.isRegularFile(image));
        String dev = storage.attachLoop(image, false);
        try {
            assertTrue(dev.startsWith("/dev/loop"), dev);
            assertEquals(dev, storage.loopOf(image).orElseThrow());
            storage.growExt4Image(image, dev, 64 << 20);
            storage.makeDirectory(dir + "/m", 0, 0, 0755);
            storage.mountDevice(dev, "ext4", dir + "/m", false);
            assertTrue(storage.isMountPoint(dir + "/m"));
            assertTrue(storage.fsInfo(dir + "/m").totalBytes() > 48 << 20, "the filesystem grew with its image");
            storage.unmount(dir + "/m");
        } finally {
            storage.detachLoop(dev);
        }
        assertTrue(storage.loopOf(image).isEmpty());
    }

    @Test
    void missingProjectQuotaIsExplainedNamingTheFilesystem() {
        String why = storage.projectQuotaUnsupported(dir);
        assertNotNull(why, "the scratch directory has no project quota");
        assertTrue(why.contains("filesystem"), why);
        assertThrows(KernelException.class, () -> storage.setProjectQuota(dir, 1 << 20, 0));
    }

    @Test
    void usageCountsFilesAndDirectories() throws Exception {
        storage.makeDirectory(dir + "/u", 0, 0, 0755);
        fixture.writeFile(dir + "/u/f", "12345");
        VolumeStorage.Usage u = storage.usage(dir + "/u");
        assertEquals(5, u.bytes());
        assertEquals(2, u.inodes());
    }
}

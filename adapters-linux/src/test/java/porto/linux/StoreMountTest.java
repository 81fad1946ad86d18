package porto.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import porto.linux.volume.VolumeCalls;

/** The stores' tmpfs: made once, records of a plain directory moved in, taken away only when empty. */
class StoreMountTest {
    private Path parent;
    private Path kvs;
    private final List<String> log = new ArrayList<>();

    @BeforeEach
    void scratch() throws Exception {
        parent = Files.createTempDirectory(Path.of("/run"), "porto-storemount-");
        kvs = parent.resolve("kvs");
    }

    @AfterEach
    void clean() throws Exception {
        while (isMountPoint(kvs))
            VolumeCalls.umount2(kvs.toString(), VolumeCalls.MNT_DETACH);
        Scratch.removeTree(parent);
    }

    private static boolean isMountPoint(Path dir) {
        MountTable.Entry e = MountTable.holding(dir.toString());
        return e != null && e.mountPoint().equals(dir.toString());
    }

    private static long mountsAt(Path dir) {
        return MountTable.read().stream().filter(e -> e.mountPoint().equals(dir.toString())).count();
    }

    @Test
    void recordsOfAPlainDirectoryMoveIntoTheTmpfs() throws Exception {
        FileStateStore onDisk = new FileStateStore(kvs, log::add);
        onDisk.save("7", Map.of("name", "a", "state", "running"));
        onDisk.save("8", Map.of("name", "a/b", "state", "stopped"));

        StoreMount.mount(kvs, log::add);

        assertEquals("tmpfs", MountTable.holding(kvs.toString()).type());
        assertFalse(Files.exists(parent.resolve("kvs.disk")), "the plain directory set aside is gone");
        assertEquals(Map.of("7", Map.of("name", "a", "state", "running"), "8", Map.of("name", "a/b", "state", "stopped")),
                new FileStateStore(kvs, log::add).loadAll());
    }

    @Test
    void aSecondDaemonFindsTheMountAndMountsNoOther() throws Exception {
        StoreMount.mount(kvs, log::add);
        new FileStateStore(kvs, log::add).save("1", Map.of("name", "x"));
        StoreMount.mount(kvs, log::add);
        assertEquals(1, mountsAt(kvs));
        assertEquals(Map.of("1", Map.of("name", "x")), new FileStateStore(kvs, log::add).loadAll());
    }

    @Test
    void anInterruptedMoveIsFinishedByTheNextStart() throws Exception {
        // A crash after the plain directory was set aside, before the tmpfs was mounted.
        new FileStateStore(parent.resolve("kvs.disk"), log::add).save("3", Map.of("name", "c"));
        StoreMount.mount(kvs, log::add);
        assertTrue(isMountPoint(kvs));
        assertEquals(Map.of("3", Map.of("name", "c")), new FileStateStore(kvs, log::add).loadAll());
        assertFalse(Files.exists(parent.resolve("kvs.disk")));
    }

    @Test
    void onlyAnEmptyStoreIsUnmounted() throws Exception {
        StoreMount.mount(kvs, log::add);
        FileStateStore store = new FileStateStore(kvs, log::add);
        store.save("5", Map.of("name", "kept"));

        StoreMount.unmountIfEmpty(kvs, log::add);
        assertTrue(isMountPoint(kvs), "a store with a record stays mounted");

        store.remove("5");
        StoreMount.unmountIfEmpty(kvs, log::add);
        assertFalse(isMountPoint(kvs), "an empty store is unmounted");
    }

    @Test
    void aStoreReachedThroughALinkIsMountedOnceAtItsRealPath() throws Exception {
        Path link = parent.resolve("link");
        Files.createDirectories(kvs);
        Files.createSymbolicLink(link, kvs);
        new FileStateStore(link, log::add).save("4", Map.of("name", "d"));
        StoreMount.mount(link, log::add);
        StoreMount.mount(link, log::add);
        assertEquals(1, mountsAt(kvs));
        assertEquals(Map.of("4", Map.of("name", "d")), new FileStateStore(link, log::add).loadAll());
        new FileStateStore(link, log::add).remove("4");
        StoreMount.unmountIfEmpty(link, log::add);
        assertFalse(isMountPoint(kvs));
    }

    @Test
    void aTmpfsTheAdministratorMountedIsKeptAndNeverUnmounted() throws Exception {
        Files.createDirectories(kvs);
        assertEquals(0, VolumeCalls.mount("admin_tmpfs", kvs.toString(), "tmpfs", 0, "size=1m"));
        StoreMount.mount(kvs, log::add);
        assertEquals(1, mountsAt(kvs), "no second tmpfs over it");
        StoreMount.unmountIfEmpty(kvs, log::add);
        assertTrue(isMountPoint(kvs), "not the daemon's to take away");
    }
}

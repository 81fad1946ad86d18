package porto.domain.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import porto.domain.ErrorCode;
import porto.domain.PortoException;
import porto.fake.layer.FakeLayerFiles;
import porto.domain.layer.StorageRef.Kind;

/** The rules of layers and storages on the fake file system: owners, Busy, weak layers, names, cleanup. */
class LayerServiceTest {
    private static final LayerClient ROOT = new LayerClient(0, 0, List.of(0), true, true);
    private static final LayerClient ALICE = new LayerClient(1001, 1001, List.of(1001, 999), false, true);
    private static final LayerClient BOB = new LayerClient(1002, 1002, List.of(1002, 999), false, true);
    private static final LayerClient CHARLIE = new LayerClient(1003, 1003, List.of(1003), false, false);

    private long now = 1_700_000_000L;
    private FakeLayerFiles files;
    private LayerService layers;
    /** Layer name to the volume that uses it. */
    private final Map<String, String> inUse = new HashMap<>();

    @BeforeEach
    void setUp() throws Exception {
        files = new FakeLayerFiles(() -> now);
        layers = new LayerService(files, new Places("/place"), () -> now, () -> 999);
        layers.setUsers(new LayerUsers() {
            @Override
            public String layerUser(String place, String name) {
                return inUse.get(name);
            }

            @Override
            public String storageUser(String place, String name) {
                return inUse.get("storage:" + name);
            }
        });
        files.prepareDirectory("/tmp", 0777, 0);
        files.writeFile("/tmp/a.tar", FakeLayerFiles.archive(List.of("d etc", "f etc/motd hi")), 0, 0);
    }

    private static ErrorCode code(PortoException e) {
        return e.code();
    }

    private void imp(LayerClient who, String name) throws PortoException {
        layers.importArchive(who, Kind.LAYER, null, name, "/tmp/a.tar", false, null, null);
    }

    @Test
    void theImporterOwnsTheLayerAndOthersCannotChangeIt() throws Exception {
        imp(ALICE, "hers");
        var listed = layers.listLayers(null, null);
        assertEquals(1, listed.size());
        assertEquals(1001, listed.get(0).meta().ownerUid());
        assertEquals(ErrorCode.Permission, code(assertThrows(PortoException.class, () -> layers.remove(BOB, Kind.LAYER, null, "hers"))));
        assertEquals(ErrorCode.Permission, code(assertThrows(PortoException.class,
                () -> layers.setPrivate(BOB, Kind.LAYER, null, "hers", "x"))));
        assertEquals(ErrorCode.Permission, code(assertThrows(PortoException.class, () -> imp(CHARLIE, "his"))));
        layers.setPrivate(ALICE, Kind.LAYER, null, "hers", "note");
        assertEquals("note", layers.getPrivate(null, "hers"));
        layers.remove(ROOT, Kind.LAYER, null, "hers");
        assertEquals(List.of(), layers.listLayers(null, null));
    }

    @Test
    void aLayerInUseIsBusy() throws Exception {
        imp(ROOT, "base");
        inUse.put("base", "/place/porto_volumes/1/volume");
        PortoException busy = assertThrows(PortoException.class, () -> layers.remove(ROOT, Kind.LAYER, null, "base"));
        assertEquals(ErrorCode.Busy, busy.code());
        assertTrue(busy.getMessage().contains("/place/porto_volumes/1/volume"), busy.getMessage());
        assertEquals(ErrorCode.Busy, code(assertThrows(PortoException.class,
                () -> layers.importArchive(ROOT, Kind.LAYER, null, "base", "/tmp/a.tar", true, null, null))));
        inUse.remove("base");
        layers.remove(ROOT, Kind.LAYER, null, "base");
    }

    @Test
    void aStorageInUseIsBusyToo() throws Exception {
        layers.importArchive(ROOT, Kind.STORAGE, null, "data", "/tmp/a.tar", false, null, null);
        inUse.put("storage:data", "/vol");
        assertEquals(ErrorCode.Busy, code(assertThrows(PortoException.class, () -> layers.remove(ROOT, Kind.STORAGE, null, "data"))));
        assertEquals(ErrorCode.Busy, code(assertThrows(PortoException.class,
                () -> layers.exportArchive(ROOT, Kind.STORAGE, null, "data", "/tmp/out.tar", null))));
    }

    @Test
    void aWeakLayerGoesWithItsLastUser() throws Exception {
        imp(ALICE, "_weak_tmp");
        imp(ALICE, "strong");
        inUse.put("_weak_tmp", "/v1");
        layers.layerReleased("/place", "_weak_tmp");
        assertTrue(files.isDirectory("/place/porto_layers/_weak_tmp"), "still used by another volume");
        inUse.remove("_weak_tmp");
        layers.layerReleased("/place", "_weak_tmp");
        layers.layerReleased("/place", "strong");
        assertFalse(files.exists("/place/porto_layers/_weak_tmp"));
        assertFalse(files.exists("/place/porto_layers/_private__weak_tmp"));
        assertTrue(files.isDirectory("/place/porto_layers/strong"));
    }

    @Test
    void lastUsageCountsFromTheLastUse() throws Exception {
        imp(ROOT, "base");
        now += 100;
        assertEquals(100, layers.listLayers(null, null).get(0).lastUsage());
        layers.touch(Kind.LAYER, "/place", "base");
        now += 5;
        assertEquals(5, layers.listLayers(null, null).get(0).lastUsage());
    }

    @Test
    void aFailedImportLeavesNothing() throws Exception {
        files.writeFile("/tmp/evil.tar", FakeLayerFiles.archive(List.of("f ../../x pwned")), 0, 0);
        PortoException e = assertThrows(PortoException.class,
                () -> layers.importArchive(ROOT, Kind.LAYER, null, "evil", "/tmp/evil.tar", false, null, null));
        assertEquals(ErrorCode.InvalidValue, e.code());
        assertEquals(List.of(), files.subdirectories("/place/porto_layers"));
        assertFalse(files.exists("/place/porto_layers/_private_evil"));
        assertEquals(ErrorCode.LayerNotFound, code(assertThrows(PortoException.class, () -> layers.getPrivate(null, "evil"))));
    }

    @Test
    void namesAndPlacesAreUpstreams() throws Exception {
        for (String bad : List.of("", ".", "..", "_import_x", "_private_x", "_meta_x", "_layer_x", "a b", "a/b/c", "ü"))
            assertEquals(ErrorCode.InvalidValue, code(assertThrows(PortoException.class, () -> imp(ROOT, bad))), bad);
        for (String place : List.of("relative", "/etc", "/usr/lib", "/", "/place/../etc", "/place/"))
            assertEquals(ErrorCode.InvalidPath, code(assertThrows(PortoException.class, () -> layers.listLayers(place, null))), place);
        assertEquals(ErrorCode.InvalidValue, code(assertThrows(PortoException.class,
                () -> layers.importArchive(ROOT, Kind.LAYER, "/other", "x", "/tmp/a.tar", false, null, null))),
                "a place other than the default must have porto_layers already");
        assertEquals(ErrorCode.InvalidValue, code(assertThrows(PortoException.class,
                () -> layers.importArchive(ROOT, Kind.LAYER, null, "x", "tmp/a.tar", false, null, null))));
        imp(ROOT, "x");
        assertEquals(ErrorCode.InvalidValue, code(assertThrows(PortoException.class,
                () -> layers.setPrivate(ROOT, Kind.LAYER, null, "x", "y".repeat(5000)))));
    }

    @Test
    void metaStoragesListTheirLayersAndStorages() throws Exception {
        layers.createMeta(ALICE, null, "team", "p", 0, 0);
        layers.importArchive(ALICE, Kind.LAYER, null, "team/base", "/tmp/a.tar", false, null, null);
        layers.importArchive(ALICE, Kind.STORAGE, null, "team/state", "/tmp/a.tar", false, null, null);
        assertEquals(List.of("team/base"), layers.listLayers(null, null).stream().map(l -> l.meta().ref().name()).toList());
        assertEquals(List.of("team", "team/state"), layers.listStorage(null, null).stream().map(l -> l.meta().ref().name()).toList());
        assertEquals(ErrorCode.Busy, code(assertThrows(PortoException.class, () -> layers.remove(ALICE, Kind.META, null, "team"))));
        assertEquals(ErrorCode.Permission, code(assertThrows(PortoException.class,
                () -> layers.resizeMeta(BOB, null, "team", "mine", null, null))));
        assertEquals(ErrorCode.NotSupported, code(assertThrows(PortoException.class,
                () -> layers.createMeta(ALICE, null, "limited", null, 1 << 30, 0))));
        assertFalse(files.exists("/place/porto_storage/_meta_limited"));
        layers.remove(ALICE, Kind.LAYER, null, "team/base");
        layers.remove(ALICE, Kind.STORAGE, null, "team/state");
        layers.remove(ALICE, Kind.META, null, "team");
        assertEquals(List.of(), files.subdirectories("/place/porto_storage"));
    }

    @Test
    void whatADeadDaemonLeftIsRemovedByTheNextImport() throws Exception {
        imp(ROOT, "first");
        files.createDirectory("/place/porto_layers/_import_half");
        files.createDirectory("/place/porto_layers/_remove_7_gone");
        imp(ROOT, "second");
        assertEquals(List.of("first", "second"), files.subdirectories("/place/porto_layers"));
    }

    @Test
    void aFailedMergeLosesTheLayerAsUpstreams() throws Exception {
        imp(ROOT, "base");
        files.writeFile("/tmp/evil.tar", FakeLayerFiles.archive(List.of("f ../x y")), 0, 0);
        assertThrows(PortoException.class, () -> layers.importArchive(ROOT, Kind.LAYER, null, "base", "/tmp/evil.tar", true, null, null));
        assertEquals(List.of(), files.subdirectories("/place/porto_layers"));
        assertFalse(files.exists("/place/porto_layers/_private_base"));
    }

    @Test
    void aVolumeGetsTheDirectoryOfAnExistingLayer() throws Exception {
        imp(ROOT, "base");
        now += 50;
        assertEquals("/place/porto_layers/base", layers.use(Kind.LAYER, null, "base"));
        assertEquals(0, layers.listLayers(null, null).get(0).lastUsage());
        assertEquals("/place/porto_storage/_meta_m/_layer_x", StorageRef.of(Kind.LAYER, "/place", "m/x").path());
        assertEquals(ErrorCode.LayerNotFound, code(assertThrows(PortoException.class, () -> layers.use(Kind.LAYER, null, "absent"))));
        assertEquals(ErrorCode.VolumeNotFound, code(assertThrows(PortoException.class, () -> layers.use(Kind.STORAGE, null, "absent"))));
    }
}

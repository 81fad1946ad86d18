package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import porto.conformance.layer.Tars;

/** Persistent storages and meta storages of a place through portoctl storage (and layers in a meta storage). */
class StoragesTest extends LayerTestBase {
    private static Path storage() {
        return place.resolve("porto_storage");
    }

    private static Path archive() throws Exception {
        Path archive = work.resolve("data.tar");
        Tars.write(archive, t -> t.dir("db/").file("db/rows", "1\n2\n").file("db/.wh.kept", "aufs names stay in storages"));
        return archive;
    }

    @Test
    void importListExportRemove() throws Exception {
        ok("storage", "-S", "note", "-I", "data", archive().toString());
        assertEquals("1\n2\n", Files.readString(storage().resolve("data/db/rows")));
        assertTrue(Files.exists(storage().resolve("data/db/.wh.kept")));
        String list = ok("storage", "-L").out();
        assertTrue(list.startsWith("data\n\towner\troot:root\n"), list);
        assertTrue(list.contains("\tprivate\tnote\n"), list);
        Path out = work.resolve("data.tgz");
        ok("storage", "-E", "data", out.toString());
        assertEquals("tgz", LayersTest.kind(out));
        assertEquals(18, fails("LayerAlreadyExists", "storage", "-I", "data", out.toString()).code());
        ok("storage", "-R", "data");
        assertFalse(Files.exists(storage().resolve("data")));
        assertEquals(13, fails("VolumeNotFound", "storage", "-R", "data").code());
        ok("storage", "-I", "again", out.toString());
        assertEquals("1\n2\n", Files.readString(storage().resolve("again/db/rows")));
    }

    @Test
    void metaStoragesHoldLayersAndStorages() throws Exception {
        Path archive = archive();
        ok("storage", "-M", "-S", "team", "m");
        assertTrue(Files.isDirectory(storage().resolve("_meta_m")));
        ok("layer", "-I", "m/base", archive.toString());
        assertTrue(Files.isDirectory(storage().resolve("_meta_m/_layer_base/db")));
        assertEquals("m/base\n", ok("layer", "-L").out());
        ok("storage", "-I", "m/state", archive.toString());
        String list = ok("storage", "-L").out();
        assertTrue(list.startsWith("meta m\n"), list);
        assertTrue(list.contains("\tprivate\tteam\n"), list);
        assertTrue(list.contains("\nm/state\n"), list);
        assertEquals(15, fails("Busy", "storage", "-M", "-R", "m").code());
        ok("storage", "-M", "-r", "-S", "renamed", "m");
        assertTrue(ok("storage", "-L").out().contains("\tprivate\trenamed\n"));
        ok("layer", "-R", "m/base");
        ok("storage", "-R", "m/state");
        ok("storage", "-M", "-R", "m");
        assertEquals(List.of(), names(storage()));
        fails("VolumeNotFound", "layer", "-I", "absent/base", archive.toString());
    }

    @Test
    void limitsOfAMetaStorageNeedProjectQuota() throws Exception {
        fails("NotSupported", "storage", "-M", "-Q", "1G", "limited");
        assertFalse(Files.exists(storage().resolve("_meta_limited")));
        fails("InvalidValue", "storage", "-M", "a/b");
    }

    @Test
    void flushRemovesWhatWasNotUsedForLong() throws Exception {
        Path archive = archive();
        ok("layer", "-I", "l1", archive.toString());
        ok("layer", "-I", "l2", archive.toString());
        ok("storage", "-I", "s1", archive.toString());
        ok("layer", "-F", "1");
        ok("storage", "-F", "1");
        assertEquals("l1\nl2\n", ok("layer", "-L").out(), "used less than a day ago: kept");
        assertEquals("remove l1\nremove l2\n", ok("layer", "-v", "-F").out());
        assertEquals("", ok("layer", "-L").out());
        assertEquals("remove s1\n", ok("storage", "-F").out());
        assertEquals(List.of(), names(storage()));
    }
}

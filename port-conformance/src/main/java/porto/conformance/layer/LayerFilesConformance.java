package porto.conformance.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import porto.ports.KernelException;
import porto.ports.layer.LayerFiles;
import porto.ports.layer.LayerFiles.ArchiveException;
import porto.ports.layer.LayerFiles.Compression;
import porto.ports.layer.LayerFiles.ImportOptions;

/** What every {@link LayerFiles} must do: directories, small files, archives in and out, and refusals. */
public abstract class LayerFilesConformance {

    /** Scratch space for one test. */
    public interface Fixture extends AutoCloseable {
        LayerFiles files();

        /** An absolute directory that exists and is empty. */
        String scratch();

        /**
         * Writes an archive at {@code path} with entries "d NAME", "f NAME TEXT", "l NAME TARGET",
         * "c NAME MAJOR MINOR", in the form this adapter imports.
         */
        void writeArchive(String path, List<String> entries) throws Exception;

        @Override
        void close() throws Exception;
    }

    protected abstract Fixture newFixture() throws Exception;

    private Fixture fixture;
    private LayerFiles files;
    private String scratch;

    @BeforeEach
    void setUpFiles() throws Exception {
        fixture = newFixture();
        files = fixture.files();
        scratch = fixture.scratch();
    }

    @AfterEach
    void tearDownFiles() throws Exception {
        if (fixture != null)
            fixture.close();
    }

    private static final ImportOptions PLAIN = new ImportOptions(null, false, true);

    @Test
    void directoriesAreMadeListedRenamedAndRemoved() throws Exception {
        files.prepareDirectory(scratch + "/place/porto_layers", 0700, 0);
        assertTrue(files.isDirectory(scratch + "/place/porto_layers"));
        files.createDirectory(scratch + "/place/porto_layers/b");
        files.createDirectory(scratch + "/place/porto_layers/a");
        KernelException again = assertThrows(KernelException.class, () -> files.createDirectory(scratch + "/place/porto_layers/a"));
        assertEquals(17, again.errno());
        files.writeFile(scratch + "/place/porto_layers/_private_a", "p".getBytes(StandardCharsets.UTF_8), 0, 0);
        assertEquals(List.of("a", "b"), files.subdirectories(scratch + "/place/porto_layers"));
        files.rename(scratch + "/place/porto_layers/a", scratch + "/place/porto_layers/c");
        assertEquals(List.of("b", "c"), files.subdirectories(scratch + "/place/porto_layers"));
        files.removeTree(scratch + "/place/porto_layers/c");
        files.removeTree(scratch + "/place/porto_layers/missing");
        assertFalse(files.exists(scratch + "/place/porto_layers/c"));
        assertEquals(List.of(), files.subdirectories(scratch + "/nothing"));
        assertThrows(KernelException.class, () -> files.prepareDirectory(scratch + "/place/porto_layers/_private_a", 0700, 0));
    }

    @Test
    void smallFilesKeepOwnerAndTime() throws Exception {
        String path = scratch + "/_private_x";
        files.writeFile(path, "value".getBytes(StandardCharsets.UTF_8), 1234, 5678);
        assertArrayEquals("val".getBytes(StandardCharsets.UTF_8), files.readFile(path, 3));
        LayerFiles.Stat s = files.stat(path);
        assertEquals(1234, s.uid());
        assertEquals(5678, s.gid());
        files.touch(path);
        assertTrue(files.stat(path).mtime() >= s.mtime());
        assertNull(files.readFile(scratch + "/missing", 10));
        assertNull(files.stat(scratch + "/missing"));
    }

    @Test
    void anArchiveComesInAndGoesOutWhole() throws Exception {
        fixture.writeArchive(scratch + "/in.tar", List.of("d etc", "f etc/hostname vm", "d var", "f var/log text"));
        files.createDirectory(scratch + "/layer");
        files.importArchive(scratch + "/in.tar", scratch + "/layer", PLAIN, null);
        assertEquals(List.of("etc", "var"), files.subdirectories(scratch + "/layer"));
        assertArrayEquals("vm".getBytes(StandardCharsets.UTF_8), files.readFile(scratch + "/layer/etc/hostname", 100));
        files.exportArchive(scratch + "/layer", scratch + "/out.tgz", Compression.GZIP, null);
        KernelException exists = assertThrows(KernelException.class,
                () -> files.exportArchive(scratch + "/layer", scratch + "/out.tgz", Compression.GZIP, null));
        assertEquals(17, exists.errno());
        files.createDirectory(scratch + "/copy");
        files.importArchive(scratch + "/out.tgz", scratch + "/copy", PLAIN, null);
        assertArrayEquals("text".getBytes(StandardCharsets.UTF_8), files.readFile(scratch + "/copy/var/log", 100));
    }

    @Test
    void hostileEntriesAreRefused() throws Exception {
        files.createDirectory(scratch + "/victim");
        for (List<String> entries : List.of(List.of("f ../victim/x pwned"), List.of("l up " + scratch + "/victim", "f up/x pwned"),
                List.of("c mem 1 1"))) {
            fixture.writeArchive(scratch + "/evil.tar", entries);
            files.createDirectory(scratch + "/layer");
            assertThrows(ArchiveException.class, () -> files.importArchive(scratch + "/evil.tar", scratch + "/layer", PLAIN, null),
                    entries.toString());
            assertEquals(List.of(), files.subdirectories(scratch + "/victim"));
            assertFalse(files.exists(scratch + "/victim/x"));
            files.removeTree(scratch + "/layer");
            files.removeTree(scratch + "/evil.tar");
        }
    }

    @Test
    void somethingElseIsNotAnArchive() throws Exception {
        files.writeFile(scratch + "/garbage", "garbage ".repeat(100).getBytes(StandardCharsets.UTF_8), 0, 0);
        files.createDirectory(scratch + "/layer");
        assertThrows(ArchiveException.class, () -> files.importArchive(scratch + "/garbage", scratch + "/layer", PLAIN, null));
        KernelException missing = assertThrows(KernelException.class,
                () -> files.importArchive(scratch + "/absent", scratch + "/layer", PLAIN, null));
        assertEquals(2, missing.errno());
    }
}

package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * A real portod whose default place is a directory of the test, a world-writable work directory
 * emptied after each test, and portoctl helpers for the layer and storage tests.
 */
abstract class LayerTestBase {
    static PortodProcess portod;
    static Path base;
    static Path place;
    static Path layers;
    static Path work;

    @BeforeAll
    static void start() throws Exception {
        Prerequisites.check();
        Users.ensure();
        base = Files.createTempDirectory("porto-layers-e2e-");
        Files.setAttribute(base, "unix:mode", 0755);
        place = base.resolve("place");
        Files.createDirectories(place);
        layers = place.resolve("porto_layers");
        work = base.resolve("work");
        portod = PortodProcess.start(Map.of("PORTO_VOLUME_PLACE", place.toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (portod != null)
            portod.close();
        if (base != null)
            sh("rm", "-rf", "--one-file-system", base.toString());
    }

    @BeforeEach
    void freshWork() throws Exception {
        cleanWork();
        Files.createDirectories(work);
        Files.setAttribute(work, "unix:mode", 01777);
    }

    /** Removes the work directory and every layer and storage of the place. */
    @AfterEach
    void cleanWork() throws Exception {
        sh("rm", "-rf", "--one-file-system", work.toString());
        for (String n : List.of("porto_layers", "porto_storage"))
            if (Files.exists(place.resolve(n)))
                sh("find", place.resolve(n).toString(), "-mindepth", "1", "-delete");
    }

    static String sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
        return out;
    }

    static String tree(String action, Path dir) throws Exception {
        Path script = base.resolve("layer_tree.py");
        if (!Files.exists(script))
            try (var in = LayerTestBase.class.getResourceAsStream("layer_tree.py")) {
                Files.write(script, in.readAllBytes());
            }
        return sh("/usr/bin/python3", script.toString(), action, dir.toString());
    }

    static PortodProcess.Run ok(String... args) throws Exception {
        PortodProcess.Run r = portod.portoctl(args);
        assertEquals(0, r.code(), () -> "portoctl " + String.join(" ", args) + " failed: " + r.err() + "\nlog:\n" + portod.logText());
        return r;
    }

    static PortodProcess.Run fails(String error, String... args) throws Exception {
        return expectFailure(portod.portoctl(args), error, args);
    }

    static PortodProcess.Run expectFailure(PortodProcess.Run r, String error, String... args) {
        assertTrue(r.code() != 0, () -> "portoctl " + String.join(" ", args) + " should fail with " + error + ", printed: " + r.out());
        assertTrue(r.err().contains(error), () -> "portoctl " + String.join(" ", args) + " should fail with " + error + ": " + r.err());
        return r;
    }

    static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}

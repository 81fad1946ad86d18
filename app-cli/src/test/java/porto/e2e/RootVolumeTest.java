package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * "portoctl run NAME layers=... space_limit=..." makes a root volume for the container from the
 * layers, linked to it alone, as the manual's example does; destroying the container destroys it.
 */
class RootVolumeTest extends PortodTest {
    private Rootfs root;
    private Path layer;

    @BeforeEach
    void makeLayer() throws Exception {
        root = Rootfs.with("sh", "cat", "hostname", "sleep", "echo");
        Files.createDirectories(root.dir.resolve("sbin"));
        Path init = root.dir.resolve("sbin/init");
        Files.writeString(init, "#!/bin/sh\nhostname > /hostname.txt\necho written > /written\nexec sleep 1000\n");
        Files.setPosixFilePermissions(init, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        layer = portod.volumePlace.resolve("porto_layers/template");
        Files.createDirectories(layer.getParent());
        HostMounts.run("cp", "-a", root.dir.toString(), layer.toString());
    }

    @AfterEach
    void removeLayer() throws Exception {
        portod.portoctl("destroy", "vm");
        for (String line : ok("vlist", "-1").out().split("\n"))
            if (!line.isBlank())
                portod.portoctl("vunlink", "-A", line.trim());
        PortodProcess.deleteTree(layer);
        root.close();
    }

    @Test
    void theManualsRunMakesARootVolumeFromLayers() throws Exception {
        // portoctl run vm layers=template.tgz space_limit=1G virt_mode=os hostname=vm memory_limit=1G cpu_limit=2c
        // (the layer imported by name; its net=/ip= part belongs to networking)
        ok("run", "vm", "layers=template", "space_limit=1G", "virt_mode=os", "hostname=vm", "memory_limit=1G", "cpu_limit=2c");
        String volume = get("vm", "root");
        String listed = ok("vlist", "-v", volume).out();
        assertTrue(listed.contains("\n  containers           vm\n"), "linked to the container alone: " + listed);
        assertTrue(listed.contains("\n  space_limit          1073741824\n"), listed);
        assertTrue(listed.contains("\n  layers               template\n"), listed);
        Await.until("init wrote its hostname", Duration.ofSeconds(30), () -> Files.exists(Path.of(volume, "written")));
        assertEquals("vm", Files.readString(Path.of(volume, "hostname.txt")).strip());
        assertFalse(Files.exists(layer.resolve("written")), "the layer itself is never written");
        assertEquals("running", get("vm", "state"));
        ok("destroy", "vm");
        assertFalse(HostMounts.under(Path.of(volume)).contains(volume), "the root volume goes with its container");
        fails("VolumeNotFound", "vlist", volume);
    }

    @Test
    void theManualsRunAsWrittenImportsTheTarballAsAWeakLayerThatGoesWithTheContainer() throws Exception {
        // portoctl run vm layers=template.tgz space_limit=1G virt_mode=os hostname=vm memory_limit=1G cpu_limit=2c
        Files.createDirectories(root.dir.resolve("etc"));
        Files.writeString(root.dir.resolve("etc/from-template"), "template content\n");
        Files.writeString(root.dir.resolve("sbin/init"),
                "#!/bin/sh\nhostname > /hostname.txt\ncat /etc/from-template > /seen\nexec sleep 1000\n");
        Path tarball = root.dir.getParent().resolve("template.tgz");
        Path place = portod.volumePlace;
        try {
            HostMounts.run("tar", "-czf", tarball.toString(), "-C", root.dir.toString(), ".");
            PortodProcess.Run run = ok("run", "vm", "layers=" + tarball, "space_limit=1G", "virt_mode=os", "hostname=vm",
                    "memory_limit=1G", "cpu_limit=2c");
            String volume = get("vm", "root");
            String layers = ok("vlist", "-v", volume).out();
            assertTrue(layers.contains("\n  layers               _weak_portoctl-"), layers);
            assertTrue(weakLayers(place).size() == 1, "imported as one weak layer: " + run.out());
            Await.until("init read its root", Duration.ofSeconds(30), () -> Files.exists(Path.of(volume, "seen")));
            assertEquals("template content", Files.readString(Path.of(volume, "seen")).strip(), "its root is the layer's content");
            Await.until("init wrote its hostname", Duration.ofSeconds(30), () -> Files.exists(Path.of(volume, "hostname.txt")));
            assertEquals("vm", Files.readString(Path.of(volume, "hostname.txt")).strip());
            assertEquals("running", get("vm", "state"));
            ok("destroy", "vm");
            assertEquals("", ok("vlist", "-1").out().strip(), "no volume remains");
            assertEquals(List.of(), HostMounts.under(place), "no mount remains");
            assertEquals(List.of(), HostMounts.loopsUnder(place), "no loop device remains");
            assertEquals(List.of(), weakLayers(place), "the weak layer went with its volume");
        } finally {
            Files.deleteIfExists(tarball);
        }
    }

    @Test
    void aFailedRunRemovesTheLayerItImported() throws Exception {
        Path tarball = root.dir.getParent().resolve("template.tgz");
        try {
            HostMounts.run("tar", "-czf", tarball.toString(), "-C", root.dir.toString(), ".");
            fails("NotSupported", "run", "vm", "layers=" + tarball, "backend=nosuch");
            assertEquals(List.of(), weakLayers(portod.volumePlace));
            assertEquals("", ok("vlist", "-1").out().strip());
        } finally {
            Files.deleteIfExists(tarball);
        }
    }

    private static List<String> weakLayers(Path place) throws Exception {
        try (var list = Files.list(place.resolve("porto_layers"))) {
            return list.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("_weak_")).sorted().toList();
        }
    }

    @Test
    void aLayerDirectoryMakesAnOverlayRoot() throws Exception {
        ok("run", "vm", "layers=" + layer, "command=/bin/sh -c 'echo $(cat /sbin/init | wc -l) > /lines'");
        portod.awaitState("vm", "dead", Duration.ofSeconds(30));
        String volume = get("vm", "root");
        assertTrue(ok("vlist", "-v", volume).out().contains("\n  backend              overlay\n"));
        ok("destroy", "vm");
        fails("VolumeNotFound", "vlist", volume);
    }

    @Test
    void aMissingLayerLeavesNothingBehind() throws Exception {
        fails("LayerNotFound", "run", "vm", "layers=nosuch");
        fails("ContainerDoesNotExist", "get", "vm", "state");
        assertEquals("", ok("vlist", "-1").out().strip());
    }
}

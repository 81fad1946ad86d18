package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

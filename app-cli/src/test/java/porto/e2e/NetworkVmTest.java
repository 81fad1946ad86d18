package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The manual's example, whole, through a real portod in a test namespace whose uplink is the
 * test's up0 (198.51.100.0/24): "portoctl run vm layers=template.tgz space_limit=1G virt_mode=os
 * hostname=vm memory_limit=1G cpu_limit=2c net="L3 eth0" ip="eth0 ADDRESS"" with a layer tarball
 * the test packs; the container's init serves TCP and the test's outside namespace reaches it.
 */
class NetworkVmTest {
    private static final String VM_ADDRESS = "198.51.100.42";
    private NetWorld world;
    private PortodProcess portod;
    private Rootfs root;
    private Path tarball;

    @BeforeEach
    void setUp() throws Exception {
        world = new NetWorld();
        portod = world.startDaemon(Map.of());
        root = Rootfs.with("sh", "hostname", "sleep", "echo", "nc");
        Files.createDirectories(root.dir.resolve("sbin"));
        Path init = root.dir.resolve("sbin/init");
        Files.writeString(init, "#!/bin/sh\necho \"vm $(hostname)\" | nc -l -p 7090\nexec sleep 1000\n");
        Files.setPosixFilePermissions(init, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        tarball = Files.createTempFile("porto-vm-template", ".tgz");
        Process tar = new ProcessBuilder("tar", "--numeric-owner", "-czf", tarball.toString(), "-C", root.dir.toString(), ".")
                .redirectErrorStream(true).start();
        String out = new String(tar.getInputStream().readAllBytes());
        assertEquals(0, tar.waitFor(), "tar: " + out);
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (portod != null) {
                portod.portoctl("destroy", "vm");
                portod.close();
            }
        } finally {
            world.close();
            if (root != null)
                root.close();
            if (tarball != null)
                Files.deleteIfExists(tarball);
        }
    }

    private PortodProcess.Run ok(String... args) throws Exception {
        PortodProcess.Run r = portod.portoctl(args);
        assertEquals(0, r.code(), () -> "portoctl " + String.join(" ", args) + ": " + r.err() + "\nlog:\n" + portod.logText());
        return r;
    }

    @Test
    void theManualsVmIsReachableFromOutside() throws Exception {
        ok("run", "vm", "layers=" + tarball, "space_limit=1G", "virt_mode=os", "hostname=vm", "memory_limit=1G",
                "cpu_limit=2c", "net=L3 eth0", "ip=eth0 " + VM_ADDRESS);
        assertEquals("running", ok("get", "vm", "state").line());
        String answer = NetWorld.in(world.outside, "timeout", "20", "python3", world.client.toString(), VM_ADDRESS, "7090").strip();
        assertEquals("vm vm", answer, "the vm's init answered the outside, under its hostname");
        assertTrue(NetWorld.ip("-n", world.host, "neigh", "show", "proxy").contains(VM_ADDRESS + " dev up0"),
                "the uplink answers ARP for the vm");
        String volume = ok("get", "vm", "root").line();
        assertTrue(ok("vlist", "-v", volume).out().contains("\n  space_limit          1073741824\n"));

        ok("destroy", "vm");
        assertFalse(NetWorld.ip("-n", world.host, "-o", "link").contains("L3-"), "its veth went with it");
        assertFalse(NetWorld.ip("-n", world.host, "neigh", "show", "proxy").contains(VM_ADDRESS), "and its proxy entry");
        assertEquals("", ok("vlist", "-1").out().strip(), "and its root volume");
    }
}

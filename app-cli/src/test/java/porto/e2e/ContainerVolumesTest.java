package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The container properties of volumes: volumes_owned, volumes_linked, volumes_required,
 * place_usage, place_limit (enforced), and place (a client inside a container may make volumes
 * only in the places it allows, in its default place when it names none).
 */
class ContainerVolumesTest extends PortodTest {
    private Path scratch;

    @BeforeEach
    void makeScratch() throws Exception {
        scratch = Files.createTempDirectory("porto-ct-volumes");
        Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void cleanUp() throws Exception {
        portod.portoctl("destroy", "ct");
        portod.portoctl("destroy", "box");
        for (String line : ok("vlist", "-1").out().split("\n"))
            if (!line.isBlank())
                portod.portoctl("vunlink", "-A", line.trim());
        HostMounts.release(scratch);
        PortodProcess.deleteTree(scratch);
    }

    @Test
    void volumesOfAContainerAreItsProperties() throws Exception {
        ok("create", "ct");
        Path path = Files.createDirectories(scratch.resolve("v"));
        Path target = scratch.resolve("t");
        ok("vcreate", path.toString(), "backend=tmpfs", "space_limit=1M", "owner_container=ct");
        ok("vlink", "-R", path.toString(), "ct", target.toString(), "ro");
        assertEquals(path.toString(), get("ct", "volumes_owned"));
        assertEquals(path + " " + target + " ro !", get("ct", "volumes_linked"));
        assertEquals("total: 1048576; tmpfs: 1048576", get("ct", "place_usage"));
        ok("set", "ct", "volumes_required", path.toString() + ";" + target);
        assertEquals(path + ";" + target, get("ct", "volumes_required"));
        fails("InvalidValue", "set", "ct", "volumes_required", "relative");
        ok("set", "ct", "command", "true");
        ok("start", "ct"); // its required volume and link are there
        ok("stop", "ct");
        ok("set", "ct", "volumes_required", scratch.resolve("none").toString());
        fails("VolumeNotFound", "start", "ct");
        ok("set", "ct", "volumes_required", "");
        ok("vunlink", path.toString(), "ct");
        assertEquals("", get("ct", "volumes_linked"));
    }

    @Test
    void placeLimitCapsTheSumOfSpaceLimits() throws Exception {
        ok("create", "ct");
        ok("set", "ct", "place_limit", "total: 3M");
        assertEquals("total: 3145728", get("ct", "place_limit"));
        Path a = Files.createDirectories(scratch.resolve("a"));
        Path b = Files.createDirectories(scratch.resolve("b"));
        ok("vcreate", a.toString(), "backend=tmpfs", "space_limit=2M", "owner_container=ct");
        PortodProcess.Run r = fails("ResourceNotAvailable", "vcreate", b.toString(), "backend=tmpfs", "space_limit=2M", "owner_container=ct");
        assertTrue(r.err().contains("place limit"), r.err());
        fails("ResourceNotAvailable", "vcreate", b.toString(), "backend=tmpfs", "owner_container=ct", "space_limit=0");
        fails("ResourceNotAvailable", "vtune", a.toString(), "space_limit=4M");
        ok("vcreate", b.toString(), "backend=tmpfs", "space_limit=1M", "owner_container=ct");
        fails("InvalidValue", "set", "ct", "place_limit", "total: lots");
    }

    @Test
    void aClientInAContainerKeepsToItsPlaces() throws Exception {
        Path tools = Files.createDirectories(scratch.resolve("tools"));
        String portoctl = PortodProcess.portoctlScript(tools).toString();
        Path allowed = Files.createDirectories(scratch.resolve("allowed"));
        Path other = Files.createDirectories(scratch.resolve("other"));
        ok("create", "ct");
        assertEquals(portod.volumePlace + ";***", get("ct", "place"), "any place, the daemon's by default");
        fails("InvalidValue", "set", "ct", "place", "relative/path");
        String sh = portoctl + " vcreate -A place=" + other + "; echo \"= $?\"; "
                + portoctl + " vcreate -A backend=plain; echo \"= $?\"";
        ok("run", "box", "command=sh -c '" + sh + "'", "env=PORTO_SOCKET=" + portod.socket, "place=" + allowed);
        ok("wait", "box");
        String[] out = ok("get", "box", "stdout").out().split("\n");
        assertEquals("= 11", out[0], "Permission: " + ok("get", "box", "stderr").out());
        assertTrue(out[1].startsWith(allowed + "/porto_volumes/"), "the default place is the policy's first: " + out[1]);
        assertEquals("= 0", out[2]);
        assertEquals(out[1], get("box", "volumes_owned"));
        ok("destroy", "box");
        assertFalse(Files.exists(Path.of(out[1])), "the container's volume goes with it");
    }
}

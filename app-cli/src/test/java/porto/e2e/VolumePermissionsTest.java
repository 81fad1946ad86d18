package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may do what with volumes: porto-alice (group porto) makes and controls her own volumes
 * only, in paths and storage she may write, never through a link; porto-charlie (not in group
 * porto) may only list them.
 */
class VolumePermissionsTest extends PortodTest {
    private Path scratch;

    @BeforeAll
    static void users() throws Exception {
        Users.ensure();
    }

    @BeforeEach
    void makeScratch() throws Exception {
        scratch = Files.createTempDirectory("porto-volume-perm");
        Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (String line : ok("vlist", "-1").out().split("\n"))
            if (!line.isBlank())
                portod.portoctl("vunlink", "-A", line.trim());
        HostMounts.release(scratch);
        PortodProcess.deleteTree(scratch);
    }

    private PortodProcess.Run as(String user, String... args) throws Exception {
        return Users.portoctl(portod, user, args);
    }

    private void refused(String user, String error, String... args) throws Exception {
        PortodProcess.Run r = as(user, args);
        assertTrue(r.code() != 0 && r.err().contains(error), user + " " + String.join(" ", args) + ": " + r.code() + " " + r.err());
    }

    private Path ownedBy(String name, String user) throws Exception {
        Path dir = Files.createDirectories(scratch.resolve(name));
        HostMounts.run("chown", user + ":" + user, dir.toString());
        return dir;
    }

    @Test
    void aUserOutsideGroupPortoMayOnlyList() throws Exception {
        String v = ok("vcreate", "-A", "backend=plain").line();
        assertEquals(0, as(Users.CHARLIE, "vlist", "-1").code());
        refused(Users.CHARLIE, "Permission", "vcreate", "-A", "backend=plain");
        refused(Users.CHARLIE, "Permission", "vunlink", v);
        refused(Users.CHARLIE, "Permission", "vtune", v, "private=x");
    }

    @Test
    void aMemberOfPortoControlsOnlyHerOwnVolumes() throws Exception {
        String roots = ok("vcreate", "-A", "backend=plain").line();
        PortodProcess.Run made = as(Users.ALICE, "vcreate", "-A", "backend=plain");
        assertEquals(0, made.code(), made.err());
        String hers = made.out().strip();
        assertEquals(Users.ALICE, ok("vlist", "-v", hers).out().lines().filter(l -> l.startsWith("  owner_user"))
                .findFirst().orElseThrow().substring(22).trim());
        assertEquals(Users.ALICE, Files.getOwner(Path.of(hers)).getName(), "the directory is hers");
        refused(Users.ALICE, "Permission", "vunlink", roots);
        refused(Users.ALICE, "Permission", "vtune", roots, "private=mine");
        refused(Users.ALICE, "Permission", "vlink", roots, "/");
        refused(Users.ALICE, "Permission", "vcreate", "-A", "backend=plain", "owner_user=root");
        assertEquals(0, as(Users.ALICE, "vtune", hers, "private=mine").code());
        assertEquals(0, as(Users.ALICE, "vunlink", hers).code());
    }

    @Test
    void pathsAndStorageMustBeTheClientsToWrite() throws Exception {
        Path rootsDir = Files.createDirectories(scratch.resolve("roots"));
        Files.writeString(rootsDir.resolve("secret"), "secret");
        Path herDir = ownedBy("hers", Users.ALICE);
        Path herStorage = ownedBy("herdata", Users.ALICE);
        refused(Users.ALICE, "Permission", "vcreate", rootsDir.toString(), "backend=plain");
        refused(Users.ALICE, "Permission", "vcreate", herDir.toString(), "backend=bind", "storage=" + rootsDir);
        Path link = herStorage.resolve("link");
        Files.createSymbolicLink(link, rootsDir);
        refused(Users.ALICE, "Permission", "vcreate", herDir.toString(), "backend=bind", "storage=" + link);
        refused(Users.ALICE, "Permission", "vcreate", "-A", "backend=plain", "place=" + rootsDir);
        PortodProcess.Run ok = as(Users.ALICE, "vcreate", herDir.toString(), "backend=bind", "storage=" + herStorage);
        assertEquals(0, ok.code(), ok.err());
        assertEquals(0, as(Users.ALICE, "vunlink", herDir.toString()).code());
        assertEquals("secret", Files.readString(rootsDir.resolve("secret")));
    }
}

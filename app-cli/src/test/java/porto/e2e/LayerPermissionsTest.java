package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import porto.conformance.layer.Tars;

/**
 * Who may do what with layers and storages, as upstream: root everything; a member of group porto
 * (porto-alice) what it imported or what has no owner; a user outside it (porto-charlie) only reads.
 * Files a client names are opened with its own rights.
 */
class LayerPermissionsTest extends LayerTestBase {
    private static Path archive() throws Exception {
        Path archive = work.resolve("small.tar");
        Tars.write(archive, t -> t.dir("etc/").file("etc/motd", "hi\n"));
        Files.setAttribute(archive, "unix:mode", 0644);
        return archive;
    }

    private static PortodProcess.Run as(String user, String... args) throws Exception {
        return Users.portoctl(portod, user, args);
    }

    private static void permission(PortodProcess.Run r, String... args) {
        expectFailure(r, "Permission", args);
        assertEquals(11, r.code(), r.err());
    }

    @Test
    void aPortoGroupMemberOwnsWhatItImports() throws Exception {
        Path archive = archive();
        assertEquals(0, as(Users.ALICE, "layer", "-S", "mine", "-I", "hers", archive.toString()).code());
        String list = ok("layer", "-L", "-v").out();
        assertTrue(list.contains("hers\n\towner\t" + Users.ALICE + ":"), list);
        assertEquals(Users.uid(Users.ALICE), Files.getAttribute(layers.resolve("_private_hers"), "unix:uid"));
        assertEquals(0, as(Users.ALICE, "layer", "-S", "changed", "hers").code());
        assertEquals("changed\n", as(Users.ALICE, "layer", "-G", "hers").out());
        Path export = work.resolve("alice.tar");
        assertEquals(0, as(Users.ALICE, "layer", "-E", "hers", export.toString()).code());
        assertEquals(Users.uid(Users.ALICE), Files.getAttribute(export, "unix:uid"));
        assertEquals(0, as(Users.ALICE, "layer", "-R", "hers").code());
        assertFalse(Files.exists(layers.resolve("hers")));
    }

    @Test
    void onlyTheOwnerAndRootChangeALayer() throws Exception {
        Path archive = archive();
        ok("layer", "-I", "roots", archive.toString());
        permission(as(Users.ALICE, "layer", "-R", "roots"));
        permission(as(Users.ALICE, "layer", "-S", "x", "roots"));
        permission(as(Users.ALICE, "layer", "-E", "roots", work.resolve("out.tar").toString()));
        permission(as(Users.ALICE, "layer", "-M", "roots", archive.toString()));
        assertFalse(Files.exists(work.resolve("out.tar")));
        assertTrue(Files.isDirectory(layers.resolve("roots")));
        assertEquals(0, as(Users.ALICE, "layer", "-I", "hers", archive.toString()).code());
        ok("layer", "-S", "by root", "hers");
        ok("layer", "-R", "hers");
    }

    @Test
    void usersOutsideGroupPortoOnlyRead() throws Exception {
        Path archive = archive();
        ok("layer", "-S", "visible", "-I", "shared", archive.toString());
        assertEquals("shared\n", as(Users.CHARLIE, "layer", "-L").out());
        assertEquals("visible\n", as(Users.CHARLIE, "layer", "-G", "shared").out());
        permission(as(Users.CHARLIE, "layer", "-I", "mine", archive.toString()));
        permission(as(Users.CHARLIE, "layer", "-R", "shared"));
        permission(as(Users.CHARLIE, "layer", "-S", "x", "shared"));
        permission(as(Users.CHARLIE, "storage", "-I", "mine", archive.toString()));
        permission(as(Users.CHARLIE, "storage", "-M", "meta"));
        assertEquals(List.of("_private_shared", "shared"), names(layers));
    }

    @Test
    void filesAreOpenedWithTheClientsRights() throws Exception {
        Path secret = work.resolve("secret.tar");
        Tars.write(secret, t -> t.file("f", "x"));
        Files.setAttribute(secret, "unix:mode", 0600);
        permission(as(Users.ALICE, "layer", "-I", "stolen", secret.toString()));
        Path closed = work.resolve("closed");
        Files.createDirectories(closed);
        Files.setAttribute(closed, "unix:mode", 0755);
        assertEquals(0, as(Users.ALICE, "layer", "-I", "hers", archive().toString()).code());
        permission(as(Users.ALICE, "layer", "-E", "hers", closed.resolve("out.tar").toString()));
        assertEquals(List.of(), names(closed));
        Path tree = work.resolve("tree");
        Files.createDirectories(tree);
        Files.writeString(tree.resolve("f"), "x");
        expectFailure(as(Users.ALICE, "layer", "-I", "fromdir", tree.toString()), "only root may import from a directory");
        assertEquals(List.of("_private_hers", "hers"), names(layers));
    }
}

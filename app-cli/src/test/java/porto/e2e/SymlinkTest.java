package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import porto.rpc.Rpc;

/**
 * The symlink property and SetSymlink, as upstream: links made inside the container's root at
 * start and at once while it runs, written relative to their directory, kept in the record across
 * a daemon reload; relative paths and ".." are refused InvalidValue, and a link in the root that
 * points at a host path cannot lead the daemon out of the root.
 */
class SymlinkTest extends PortodTest {

    private static Rpc.TContainerResponse setSymlink(String container, String symlink, String target) {
        return client.request(Rpc.TContainerRequest.newBuilder().setSetSymlink(Rpc.TSetSymlinkRequest.newBuilder()
                .setContainer(container).setSymlink(symlink).setTarget(target)).build());
    }

    @Test
    void linksAreMadeAtStartAndWhileRunningAndKeptAcrossAReload() throws Exception {
        try (Rootfs root = Rootfs.with("sh", "readlink", "cat", "sleep")) {
            Files.createDirectories(root.dir.resolve("opt/v1"));
            Files.writeString(root.dir.resolve("opt/v1/f"), "one");
            ok("create", "ln");
            ok("set", "ln", "root", root.dir.toString());
            ok("set", "ln", "symlink", "/data/current: /opt/v1");
            ok("set", "ln", "command", "sh -c 'readlink /data/current; cat /data/current/f'");
            ok("start", "ln");
            ok("wait", "ln");
            assertEquals("../opt/v1\none", ok("get", "ln", "stdout").out().strip(), ok("get", "ln", "stderr").out());
            assertEquals("/opt/v1", get("ln", "symlink[/data/current]"));
            fails("NoValue", "get", "ln", "symlink[/data/none]");

            long old = portod.daemonPid();
            PortodProcess.signal(old, "HUP");
            portod.awaitNewDaemon(old, Duration.ofSeconds(30));
            client.close();
            client = portod.client();
            assertEquals("/data/current: /opt/v1", get("ln", "symlink").replaceAll(";\\s*$", ""), "kept in the record");

            Files.delete(root.dir.resolve("data/current"));
            ok("stop", "ln");
            ok("set", "ln", "command", "sleep 1000");
            ok("start", "ln");
            assertEquals("../opt/v1", Files.readSymbolicLink(root.dir.resolve("data/current")).toString(), "made again at start");

            Rpc.TContainerResponse rsp = setSymlink("ln", "/data/next", "/opt");
            assertEquals(Rpc.EError.Success, rsp.getError(), rsp.getErrorMsg());
            assertEquals("../opt", Files.readSymbolicLink(root.dir.resolve("data/next")).toString(), "made at once while running");
            rsp = setSymlink("ln", "/data/next", "/opt/v1");
            assertEquals(Rpc.EError.Success, rsp.getError(), rsp.getErrorMsg());
            assertEquals("../opt/v1", Files.readSymbolicLink(root.dir.resolve("data/next")).toString(), "replaced");
            rsp = setSymlink("ln", "/data/next", "");
            assertEquals(Rpc.EError.Success, rsp.getError(), rsp.getErrorMsg());
            assertFalse(Files.exists(root.dir.resolve("data/next"), LinkOption.NOFOLLOW_LINKS), "an empty target removes it");
            assertFalse(get("ln", "symlink").contains("/data/next"));

            ok("set", "ln", "symlink", "");
            assertFalse(Files.exists(root.dir.resolve("data/current"), LinkOption.NOFOLLOW_LINKS), "links left out are removed");
        } finally {
            portod.portoctl("destroy", "ln");
        }
    }

    @Test
    void specsCarryTheLinks() throws Exception {
        Rpc.TContainerSpec spec = Rpc.TContainerSpec.newBuilder().setName("spec-ln")
                .setSymlink(Rpc.TStringMap.newBuilder().addMap(Rpc.TStringMap.TStringMapEntry.newBuilder()
                        .setKey("/etc/alt").setVal("/usr/share")))
                .setOwnerContainers("self").build();
        Rpc.TContainerResponse rsp = client.request(Rpc.TContainerRequest.newBuilder()
                .setCreateFromSpec(Rpc.TCreateFromSpecRequest.newBuilder().setContainer(spec)).build());
        try {
            assertEquals(Rpc.EError.Success, rsp.getError(), rsp.getErrorMsg());
            assertEquals("/usr/share", get("spec-ln", "symlink[/etc/alt]"));
            assertEquals("/", get("spec-ln", "owner_containers"), "self of a host client is the host");
        } finally {
            portod.portoctl("destroy", "spec-ln");
        }
    }

    @Test
    void badPathsAreRefused() throws Exception {
        ok("create", "bad");
        try {
            fails("InvalidValue", "set", "bad", "symlink", "data/x: /opt");
            fails("InvalidValue", "set", "bad", "symlink", "/data/x: opt");
            fails("InvalidValue", "set", "bad", "symlink", "/../etc/x: /opt");
            fails("InvalidValue", "set", "bad", "symlink", "/data/x: /opt/../../etc");
            assertEquals(Rpc.EError.InvalidValue, setSymlink("bad", "relative/x", "/opt").getError());
            assertEquals(Rpc.EError.InvalidValue, setSymlink("bad", "/a/../../x", "/opt").getError());
            assertEquals(Rpc.EError.ContainerDoesNotExist, setSymlink("nobody-here", "/x", "/opt").getError());
            assertEquals("", get("bad", "symlink"), "nothing was kept");
        } finally {
            portod.portoctl("destroy", "bad");
        }
    }

    @Test
    void aLinkInTheRootCannotLeadOut() throws Exception {
        Path outside = Files.createTempDirectory("porto-symlink-outside-");
        try (Rootfs root = Rootfs.with("sleep")) {
            // /esc in the root names the host directory; inside the root that path is the root's own copy.
            Files.createSymbolicLink(root.dir.resolve("esc"), outside);
            Path inRoot = Files.createDirectories(root.dir.resolve(outside.toString().substring(1)));
            ok("run", "esc", "root=" + root.dir, "command=sleep 1000");
            Rpc.TContainerResponse rsp = setSymlink("esc", "/esc/link", "/bin");
            assertEquals(Rpc.EError.Success, rsp.getError(), rsp.getErrorMsg());
            try (var host = Files.list(outside)) {
                assertEquals(0, host.count(), "nothing was made in the host's directory");
            }
            assertTrue(Files.isSymbolicLink(inRoot.resolve("link")), "the link is in the root's copy of the path");
        } finally {
            portod.portoctl("destroy", "esc");
            PortodProcess.deleteTree(outside);
        }
    }
}

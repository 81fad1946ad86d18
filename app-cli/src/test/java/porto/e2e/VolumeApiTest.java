package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import porto.client.PortoClientException;
import porto.rpc.Rpc;

/** The volume requests of rpc.proto through the Java client: properties list, the spec forms, check. */
class VolumeApiTest extends PortodTest {
    private Path scratch;

    @BeforeEach
    void makeScratch() throws Exception {
        scratch = Files.createTempDirectory("porto-volume-api");
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (String line : ok("vlist", "-1").out().split("\n"))
            if (!line.isBlank())
                portod.portoctl("vunlink", "-A", line.trim());
        portod.portoctl("destroy", "api");
        HostMounts.release(scratch);
        PortodProcess.deleteTree(scratch);
    }

    private static Rpc.TContainerResponse call(Rpc.TContainerRequest.Builder req) {
        return client.call(req.build());
    }

    @Test
    void listVolumePropertiesNamesUpstreamsProperties() {
        var list = call(Rpc.TContainerRequest.newBuilder().setListVolumeProperties(Rpc.TVolumePropertyListRequest.getDefaultInstance()))
                .getVolumePropertyList().getPropertiesList().stream().map(p -> p.getName()).toList();
        for (String name : new String[] {"backend", "storage", "ready", "private", "owner_user", "owner_group", "user", "group",
                "permissions", "creator", "read_only", "containers", "layers", "place", "space_limit", "inode_limit",
                "space_guarantee", "inode_guarantee", "space_used", "inode_used", "space_available", "inode_available"})
            assertTrue(list.contains(name), name + " in " + list);
    }

    @Test
    void newVolumeTakesASpecWithLinksAndGetVolumeGivesItBack() throws Exception {
        ok("create", "api");
        Path target = scratch.resolve("target");
        Rpc.TVolumeSpec.Builder spec = Rpc.TVolumeSpec.newBuilder().setBackend("tmpfs").setPrivateValue("spec")
                .setSpace(Rpc.TVolumeResource.newBuilder().setLimit(1 << 20))
                .addLinks(Rpc.TVolumeLink.newBuilder().setContainer("api").setTarget(target.toString()).setReadOnly(true));
        Rpc.TVolumeSpec made = call(Rpc.TContainerRequest.newBuilder().setNewVolume(Rpc.TNewVolumeRequest.newBuilder().setVolume(spec)))
                .getNewVolume().getVolume();
        assertEquals("tmpfs", made.getBackend());
        assertEquals("ready", made.getState());
        assertEquals(1 << 20, made.getSpace().getLimit());
        assertEquals(1, made.getLinksCount(), "only the link asked for: " + made.getLinksList());
        assertEquals("api", made.getLinks(0).getContainer());
        assertEquals(target.toString(), made.getLinks(0).getTarget());
        assertTrue(made.getLinks(0).getReadOnly());
        assertTrue(HostMounts.under(target).contains(target.toString()));

        var got = call(Rpc.TContainerRequest.newBuilder().setGetVolume(Rpc.TGetVolumeRequest.newBuilder().addPath(made.getPath())))
                .getGetVolume().getVolumeList();
        assertEquals(1, got.size());
        assertEquals("spec", got.get(0).getPrivateValue());
        assertEquals(made.getId(), got.get(0).getId());
        var byContainer = call(Rpc.TContainerRequest.newBuilder().setGetVolume(Rpc.TGetVolumeRequest.newBuilder().setContainer("api")))
                .getGetVolume().getVolumeList();
        assertEquals(1, byContainer.size());

        ok("destroy", "api");
        assertFalse(HostMounts.under(target).contains(target.toString()));
        assertFalse(Files.exists(Path.of(made.getPath())));
    }

    @Test
    void checkVolumeSaysWhatIsMissing() throws Exception {
        Path path = Files.createDirectories(scratch.resolve("checked"));
        ok("vcreate", path.toString(), "backend=plain");
        var check = Rpc.TContainerRequest.newBuilder().setCheckVolume(Rpc.TVolumeCheckRequest.newBuilder().setPath(path.toString()));
        assertEquals("", call(check).getCheckVolume().getMessage());
        HostMounts.run("umount", path.toString());
        String message = call(check).getCheckVolume().getMessage();
        assertTrue(message.contains("not mounted: " + path), message);
        PortoClientException e = org.junit.jupiter.api.Assertions.assertThrows(PortoClientException.class, () -> call(
                Rpc.TContainerRequest.newBuilder().setCheckVolume(Rpc.TVolumeCheckRequest.newBuilder().setPath(scratch + "/none"))));
        assertEquals(Rpc.EError.VolumeNotFound_VALUE, e.code());
    }

    @Test
    void createFromSpecMakesItsVolumesLinkedToTheNewContainerBeforeItStarts() throws Exception {
        Path target = scratch.resolve("data");
        Rpc.TVolumeSpec mounted = Rpc.TVolumeSpec.newBuilder().setBackend("tmpfs")
                .setSpace(Rpc.TVolumeResource.newBuilder().setLimit(1 << 20))
                .addLinks(Rpc.TVolumeLink.newBuilder().setContainer("api").setTarget(target.toString())).build();
        Rpc.TVolumeSpec unlinked = Rpc.TVolumeSpec.newBuilder().setBackend("plain").build();
        client.createFromSpec(Rpc.TContainerSpec.newBuilder().setName("api")
                .setCommand("/bin/sh -c 'echo from spec > " + target + "/f'").build(), java.util.List.of(mounted, unlinked), true);
        portod.awaitState("api", "dead", java.time.Duration.ofSeconds(30));
        assertEquals("0", get("api", "exit_code"));
        var volumes = call(Rpc.TContainerRequest.newBuilder().setListVolumes(Rpc.TVolumeListRequest.newBuilder().setContainer("api")))
                .getVolumeList().getVolumesList();
        assertEquals(2, volumes.size(), volumes.toString());
        String data = null;
        for (var v : volumes) {
            var props = new java.util.HashMap<String, String>();
            v.getPropertiesList().forEach(p -> props.put(p.getName(), p.getValue()));
            assertEquals("api", props.get("containers"), "linked to the new container alone: " + props);
            if (props.get("backend").equals("tmpfs"))
                data = v.getPath();
        }
        assertEquals("from spec\n", Files.readString(Path.of(data, "f")), "mounted before the container ran");
        ok("destroy", "api");
        assertEquals("", ok("vlist", "-1").out().strip(), "its volumes go with it");
        assertFalse(HostMounts.under(target).contains(target.toString()));
    }

    @Test
    void createFromSpecWithAVolumeThatCannotBeMadeLeavesNothing() throws Exception {
        Rpc.TVolumeSpec good = Rpc.TVolumeSpec.newBuilder().setBackend("plain").build();
        Rpc.TVolumeSpec bad = Rpc.TVolumeSpec.newBuilder().setBackend("nosuch").build();
        PortoClientException e = org.junit.jupiter.api.Assertions.assertThrows(PortoClientException.class, () -> client.createFromSpec(
                Rpc.TContainerSpec.newBuilder().setName("api").setCommand("true").build(), java.util.List.of(good, bad), true));
        assertEquals(Rpc.EError.NotSupported_VALUE, e.code(), e.getMessage());
        fails("ContainerDoesNotExist", "get", "api", "state");
        assertEquals("", ok("vlist", "-1").out().strip());
    }

    @Test
    void getSystemCountsVolumesTheirLinksAndCreations() throws Exception {
        var before = system();
        String v = ok("vcreate", "-A", "backend=plain").line();
        fails("NotSupported", "vcreate", "-A", "backend=nosuch");
        ok("create", "api");
        ok("vlink", v, "api");
        var linked = system();
        assertEquals(before.getVolumeCount() + 1, linked.getVolumeCount());
        assertEquals(before.getVolumeLinks() + 2, linked.getVolumeLinks());
        assertEquals(before.getVolumeCreated() + 1, linked.getVolumeCreated());
        assertEquals(before.getVolumeFailed() + 1, linked.getVolumeFailed());
        ok("destroy", "api");
        assertEquals(before.getVolumeLinks() + 1, system().getVolumeLinks());
        ok("vunlink", "-A", v);
        assertEquals(before.getVolumeCount(), system().getVolumeCount());
        assertEquals(before.getVolumeLinks(), system().getVolumeLinks());
    }

    private static Rpc.TGetSystemResponse system() {
        return call(Rpc.TContainerRequest.newBuilder().setGetSystem(Rpc.TGetSystemRequest.getDefaultInstance())).getGetSystem();
    }
}

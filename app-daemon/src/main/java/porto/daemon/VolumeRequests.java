package porto.daemon;

import java.util.LinkedHashMap;
import java.util.Map;
import javax.inject.Inject;
import javax.inject.Singleton;
import porto.domain.ClientScope;
import porto.domain.ContainerService;
import porto.domain.PortoException;
import porto.domain.volume.Volume;
import porto.domain.volume.VolumeLink;
import porto.domain.volume.VolumeProperties;
import porto.domain.volume.VolumeService;
import porto.rpc.Rpc.TContainerRequest;
import porto.rpc.Rpc.TContainerResponse;
import porto.rpc.Rpc.TVolumeDescription;
import porto.rpc.Rpc.TVolumeProperty;
import porto.rpc.Rpc.TVolumePropertyListResponse;

/**
 * The volume requests of rpc.proto: createVolume, linkVolume/LinkVolumeTarget,
 * unlinkVolume/UnlinkVolumeTarget, listVolumes, tuneVolume, checkVolume, listVolumeProperties,
 * and the spec forms NewVolume and GetVolume. Container names are the client's; volume paths are
 * host paths for clients on the host and paths in the client's root for clients in a chroot.
 */
@Singleton
final class VolumeRequests {
    private final VolumeService volumes;
    private final ContainerView containers;
    private final PlacePolicy places;

    private final DaemonStats stats;

    @Inject
    VolumeRequests(VolumeService volumes, ContainerService service, DaemonStats stats) {
        this.volumes = volumes;
        this.stats = stats;
        stats.gauge("volumes", volumes::count);
        stats.gauge("volume_links", volumes::linkCount);
        this.containers = new ContainerView(service);
        this.places = new PlacePolicy(service, volumes);
        volumes.setContainers(containers);
        service.setVolumes(new porto.domain.ContainerVolumes() {
            @Override
            public java.util.List<String> owned(String container) {
                return volumes.owned(container);
            }

            @Override
            public java.util.List<String> linked(String container) {
                return volumes.linked(container);
            }

            @Override
            public Map<String, Long> placeUsage(String container) {
                return volumes.placeUsage(container);
            }

            @Override
            public String defaultPlace() {
                return volumes.defaultPlace();
            }

            @Override
            public void checkRequired(String container, java.util.List<String> required) throws PortoException {
                String root = containers.hostRoot(container);
                for (String p : required)
                    volumes.requireAt(root.equals("/") ? p : root + p, p);
            }
        });
        service.addListener((name, state, when) -> {
            if ("destroyed".equals(state))
                volumes.containerDestroyed(name);
        });
    }

    static boolean handles(TContainerRequest req) {
        return req.hasCreateVolume() || req.hasLinkVolume() || req.hasLinkVolumeTarget() || req.hasUnlinkVolume()
                || req.hasUnlinkVolumeTarget() || req.hasListVolumes() || req.hasTuneVolume() || req.hasCheckVolume()
                || req.hasListVolumeProperties() || req.hasNewVolume() || req.hasGetVolume();
    }

    static boolean readOnly(TContainerRequest req) {
        return req.hasListVolumes() || req.hasCheckVolume() || req.hasListVolumeProperties() || req.hasGetVolume();
    }

    void handle(TContainerRequest req, ClientScope scope, TContainerResponse.Builder rsp) throws PortoException {
        ClientPaths paths = new ClientPaths(containers, scope);
        if (req.hasCreateVolume()) {
            var r = req.getCreateVolume();
            Map<String, String> given = new LinkedHashMap<>();
            for (TVolumeProperty p : r.getPropertiesList())
                given.put(p.getName(), p.getValue());
            Volume v = create(scope, r.hasPath() && !r.getPath().isEmpty() ? paths.toHost(r.getPath()) : null, given);
            rsp.setVolumeDescription(describe(v, scope, paths));
        } else if (req.hasLinkVolume() || req.hasLinkVolumeTarget()) {
            var r = req.hasLinkVolume() ? req.getLinkVolume() : req.getLinkVolumeTarget();
            String container = scope.resolve(r.hasContainer() && !r.getContainer().isEmpty() ? r.getContainer() : "self");
            volumes.link(scope.caller(), paths.toHost(r.getPath()), container, r.hasTarget() ? r.getTarget() : "",
                    r.getReadOnly(), r.getRequired());
        } else if (req.hasUnlinkVolume() || req.hasUnlinkVolumeTarget()) {
            var r = req.hasUnlinkVolume() ? req.getUnlinkVolume() : req.getUnlinkVolumeTarget();
            String name = r.hasContainer() && !r.getContainer().isEmpty() ? r.getContainer() : "self";
            String container = name.equals("***") ? "***" : scope.resolve(name);
            volumes.unlink(scope.caller(), paths.toHost(r.getPath()), container, r.hasTarget() ? r.getTarget() : "***", r.getStrict());
        } else if (req.hasListVolumes()) {
            var r = req.getListVolumes();
            String container = r.hasContainer() && !r.getContainer().isEmpty() ? scope.resolve(r.getContainer()) : null;
            var out = rsp.getVolumeListBuilder();
            for (Volume v : volumes.list(r.hasPath() && !r.getPath().isEmpty() ? paths.toHost(r.getPath()) : null, container))
                if (paths.visible(v.path()))
                    out.addVolumes(describe(v, scope, paths));
        } else if (req.hasTuneVolume()) {
            var r = req.getTuneVolume();
            Map<String, String> given = new LinkedHashMap<>();
            for (TVolumeProperty p : r.getPropertiesList())
                given.put(p.getName(), p.getValue());
            String path = paths.toHost(r.getPath());
            if (given.containsKey("space_limit")) {
                Volume v = volumes.list(path, null).get(0);
                places.claim(v.ownerContainer(), v.backend().text(), v.place(), size(given.get("space_limit")), v.spaceLimit());
            }
            volumes.tune(scope.caller(), path, given);
        } else if (req.hasCheckVolume()) {
            rsp.getCheckVolumeBuilder().setMessage(volumes.check(scope.caller(), paths.toHost(req.getCheckVolume().getPath())));
        } else if (req.hasListVolumeProperties()) {
            TVolumePropertyListResponse.Builder out = rsp.getVolumePropertyListBuilder();
            for (VolumeProperties.Info i : VolumeProperties.all())
                out.addPropertiesBuilder().setName(i.name()).setDesc(i.description());
        } else if (req.hasNewVolume()) {
            rsp.getNewVolumeBuilder().setVolume(VolumeSpecs.create(this::create, volumes, scope, paths, req.getNewVolume().getVolume()));
        } else if (req.hasGetVolume()) {
            VolumeSpecs.get(volumes, scope, paths, req.getGetVolume(), rsp.getGetVolumeBuilder());
        }
    }

    /** CreateFromSpec's volumes: each made as NewVolume makes it, with a link to the new container added unless it has one. */
    void createLinkedTo(ClientScope scope, String container, java.util.List<porto.rpc.Rpc.TVolumeSpec> specs) throws PortoException {
        ClientPaths paths = new ClientPaths(containers, scope);
        for (porto.rpc.Rpc.TVolumeSpec spec : specs) {
            boolean linked = spec.getLinksList().stream().anyMatch(l -> l.getContainer().equals(container));
            if (!linked)
                spec = spec.toBuilder().addLinks(porto.rpc.Rpc.TVolumeLink.newBuilder().setContainer(container)).build();
            VolumeSpecs.create(this::create, volumes, scope, paths, spec);
        }
    }

    /** A create with the client's container's place policy and place limits applied. */
    Volume create(ClientScope scope, String path, Map<String, String> given) throws PortoException {
        String self = scope.caller().container();
        String owner = given.containsKey("owner_container") ? scope.resolve(given.get("owner_container")) : self;
        String place = places.place(self, given.get("place"));
        if (place != null && !place.isEmpty())
            given.put("place", place);
        try {
            places.claim(owner, given.get("backend"), place, size(given.getOrDefault("space_limit", "0")), 0);
            Volume v = volumes.create(scope.caller(), scope::resolve, path, given);
            stats.counter("volumes_created").incrementAndGet();
            return v;
        } catch (PortoException e) {
            stats.counter("volumes_failed").incrementAndGet();
            throw e;
        }
    }

    private static long size(String text) throws PortoException {
        try {
            return porto.domain.Values.parseSize(text);
        } catch (PortoException e) {
            throw new PortoException(porto.domain.ErrorCode.InvalidValue, "space_limit: " + e.getMessage());
        }
    }

    TVolumeDescription describe(Volume v, ClientScope scope, ClientPaths paths) {
        TVolumeDescription.Builder d = TVolumeDescription.newBuilder().setPath(paths.fromHost(v.path()));
        Map<String, String> props = volumes.describe(v);
        for (Map.Entry<String, String> e : props.entrySet()) {
            String value = e.getValue();
            if (e.getKey().equals("containers"))
                value = String.join(";", v.links().stream().map(VolumeLink::container).distinct().map(scope::display).toList());
            else if (e.getKey().equals("owner_container"))
                value = scope.display(value);
            d.addProperties(TVolumeProperty.newBuilder().setName(e.getKey()).setValue(value));
        }
        for (VolumeLink l : v.links()) {
            if (!d.getContainersList().contains(scope.display(l.container())))
                d.addContainers(scope.display(l.container()));
            var link = d.addLinksBuilder().setContainer(scope.display(l.container()));
            if (l.mounted())
                link.setTarget(l.target()).setHostTarget(l.hostTarget());
            if (l.readOnly())
                link.setReadOnly(true);
            if (l.required())
                link.setRequired(true);
        }
        d.setChangeTime(Long.parseLong(props.getOrDefault("change_time", "0")));
        return d.build();
    }

    /** Volume paths as a client names them: inside its container's root, or as they are from the host. */
    static final class ClientPaths {
        private final String root;

        ClientPaths(ContainerView containers, ClientScope scope) throws PortoException {
            this.root = containers.hostRoot(scope.caller().container());
        }

        String toHost(String path) {
            if (root.equals("/") || !path.startsWith("/"))
                return path;
            return path.equals("/") ? root : root + path;
        }

        String fromHost(String path) {
            if (root.equals("/"))
                return path;
            return path.startsWith(root + "/") ? path.substring(root.length()) : path;
        }

        boolean visible(String path) {
            return root.equals("/") || path.startsWith(root + "/");
        }
    }
}

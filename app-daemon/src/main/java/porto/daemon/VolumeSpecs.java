package porto.daemon;

import java.util.LinkedHashMap;
import java.util.Map;
import porto.domain.ClientScope;
import porto.domain.ErrorCode;
import porto.domain.PortoException;
import porto.domain.volume.Volume;
import porto.domain.volume.VolumeLink;
import porto.domain.volume.VolumeService;
import porto.rpc.Rpc.TGetVolumeRequest;
import porto.rpc.Rpc.TGetVolumeResponse;
import porto.rpc.Rpc.TVolumeLink;
import porto.rpc.Rpc.TVolumeSpec;

/** NewVolume and GetVolume: the volume spec of rpc.proto, turned into properties and back. */
final class VolumeSpecs {
    private VolumeSpecs() {}

    /** Makes a volume as createVolume does (with the place policy applied). */
    interface Creator {
        Volume create(ClientScope scope, String path, Map<String, String> given) throws PortoException;
    }

    static TVolumeSpec create(Creator creator, VolumeService volumes, ClientScope scope, VolumeRequests.ClientPaths paths,
            TVolumeSpec spec) throws PortoException {
        if (spec.getDirectoriesCount() > 0 || spec.getSymlinksCount() > 0 || spec.getSharesCount() > 0)
            throw new PortoException(ErrorCode.NotSupported, "volume directories, symlinks and shares are not supported yet");
        if (spec.hasImage() && !spec.getImage().isEmpty())
            throw new PortoException(ErrorCode.NotSupported, "Docker images are not supported");
        Map<String, String> given = new LinkedHashMap<>();
        if (spec.hasBackend())
            given.put("backend", spec.getBackend());
        if (spec.hasPlace())
            given.put("place", spec.getPlace());
        if (spec.hasStorage())
            given.put("storage", spec.getStorage());
        if (spec.getLayersCount() > 0)
            given.put("layers", String.join(";", spec.getLayersList()));
        if (spec.hasReadOnly())
            given.put("read_only", Boolean.toString(spec.getReadOnly()));
        if (spec.hasPrivateValue())
            given.put("private", spec.getPrivateValue());
        if (spec.hasPermissions())
            given.put("permissions", Integer.toOctalString(spec.getPermissions()));
        if (spec.hasCred()) {
            if (spec.getCred().hasUser())
                given.put("user", spec.getCred().getUser());
            else if (spec.getCred().hasUid())
                given.put("user", Integer.toUnsignedString(spec.getCred().getUid()));
            if (spec.getCred().hasGroup())
                given.put("group", spec.getCred().getGroup());
            else if (spec.getCred().hasGid())
                given.put("group", Integer.toUnsignedString(spec.getCred().getGid()));
        }
        if (spec.hasOwner()) {
            if (spec.getOwner().hasUser())
                given.put("owner_user", spec.getOwner().getUser());
            if (spec.getOwner().hasGroup())
                given.put("owner_group", spec.getOwner().getGroup());
        }
        if (spec.hasOwnerContainer())
            given.put("owner_container", spec.getOwnerContainer());
        if (spec.hasContainer())
            given.put("target_container", spec.getContainer());
        if (spec.hasSpace()) {
            if (spec.getSpace().hasLimit())
                given.put("space_limit", Long.toUnsignedString(spec.getSpace().getLimit()));
            if (spec.getSpace().hasGuarantee())
                given.put("space_guarantee", Long.toUnsignedString(spec.getSpace().getGuarantee()));
        }
        if (spec.hasInodes()) {
            if (spec.getInodes().hasLimit())
                given.put("inode_limit", Long.toUnsignedString(spec.getInodes().getLimit()));
            if (spec.getInodes().hasGuarantee())
                given.put("inode_guarantee", Long.toUnsignedString(spec.getInodes().getGuarantee()));
        }
        // Links without a target become the initial references; those with one are made after.
        StringBuilder plain = new StringBuilder();
        for (TVolumeLink l : spec.getLinksList())
            if (!l.hasTarget() || l.getTarget().isEmpty())
                plain.append(plain.length() > 0 ? ";" : "").append(l.getContainer().isEmpty() ? "self" : l.getContainer());
        boolean onlyTargets = plain.length() == 0 && spec.getLinksCount() > 0;
        if (plain.length() > 0)
            given.put("containers", plain.toString());
        else if (onlyTargets)
            given.put("containers", spec.getLinks(0).getContainer().isEmpty() ? "self" : spec.getLinks(0).getContainer());
        String path = spec.hasPath() && !spec.getPath().isEmpty() ? paths.toHost(spec.getPath()) : null;
        Volume v = creator.create(scope, path, given);
        try {
            for (TVolumeLink l : spec.getLinksList())
                if (l.hasTarget() && !l.getTarget().isEmpty())
                    volumes.link(scope.caller(), v.path(), scope.resolve(l.getContainer().isEmpty() ? "self" : l.getContainer()),
                            l.getTarget(), l.getReadOnly(), l.getRequired());
            if (onlyTargets) // the reference made to hold the volume while its links were made
                volumes.unlink(scope.caller(), v.path(), scope.resolve(given.get("containers")), "", false);
        } catch (PortoException e) {
            volumes.unlink(scope.caller(), v.path(), "***", "***", false);
            throw e;
        }
        return spec(volumes, scope, paths, v);
    }

    static void get(VolumeService volumes, ClientScope scope, VolumeRequests.ClientPaths paths, TGetVolumeRequest req,
            TGetVolumeResponse.Builder out) throws PortoException {
        String container = req.hasContainer() && !req.getContainer().isEmpty() ? scope.resolve(req.getContainer()) : null;
        if (req.getPathCount() == 0) {
            for (Volume v : volumes.list(null, container))
                if (paths.visible(v.path()) && (!req.hasChangedSince() || v.changeTimeMillis() / 1000 >= req.getChangedSince()))
                    out.addVolume(spec(volumes, scope, paths, v));
            return;
        }
        for (String p : req.getPathList())
            for (Volume v : volumes.list(paths.toHost(p), null))
                out.addVolume(spec(volumes, scope, paths, v));
    }

    static TVolumeSpec spec(VolumeService volumes, ClientScope scope, VolumeRequests.ClientPaths paths, Volume v) {
        Map<String, String> p = volumes.describe(v);
        TVolumeSpec.Builder s = TVolumeSpec.newBuilder().setPath(paths.fromHost(v.path())).setId(v.id())
                .setState(p.get("state")).setBackend(p.get("backend")).setPlace(p.get("place"))
                .setReadOnly(v.readOnly()).setPrivateValue(p.get("private")).setCreator(p.get("creator"))
                .setOwnerContainer(scope.display(p.get("owner_container"))).setPlaceKey(p.get("place_key"))
                .setPermissions(Integer.parseInt(p.get("permissions"), 8))
                .setBuildTime(Long.parseLong(p.get("build_time"))).setChangeTime(Long.parseLong(p.get("change_time")));
        if (p.containsKey("storage"))
            s.setStorage(p.get("storage"));
        s.addAllLayers(v.layers());
        s.getCredBuilder().setUser(p.get("user")).setGroup(p.get("group"));
        s.getOwnerBuilder().setUser(p.get("owner_user")).setGroup(p.get("owner_group"));
        var space = s.getSpaceBuilder().setLimit(Long.parseLong(p.get("space_limit"))).setGuarantee(Long.parseLong(p.get("space_guarantee")));
        var inodes = s.getInodesBuilder().setLimit(Long.parseLong(p.get("inode_limit"))).setGuarantee(Long.parseLong(p.get("inode_guarantee")));
        if (p.containsKey("space_used")) {
            space.setUsage(Long.parseLong(p.get("space_used")));
            inodes.setUsage(Long.parseLong(p.get("inode_used")));
        }
        if (p.containsKey("space_available")) {
            space.setAvailable(Long.parseLong(p.get("space_available")));
            inodes.setAvailable(Long.parseLong(p.get("inode_available")));
        }
        if (p.containsKey("device_name"))
            s.setDeviceName(p.get("device_name"));
        for (VolumeLink l : v.links()) {
            var link = s.addLinksBuilder().setContainer(scope.display(l.container()));
            if (l.mounted())
                link.setTarget(l.target()).setHostTarget(l.hostTarget());
            if (l.readOnly())
                link.setReadOnly(true);
            if (l.required())
                link.setRequired(true);
        }
        return s.build();
    }
}

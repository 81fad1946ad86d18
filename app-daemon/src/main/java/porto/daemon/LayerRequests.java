package porto.daemon;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import porto.domain.ClientScope;
import porto.domain.PortoException;
import porto.domain.layer.LayerClient;
import porto.domain.layer.LayerService;
import porto.domain.layer.StorageRef.Kind;
import porto.ports.Users;
import porto.rpc.Rpc.TContainerResponse;
import porto.rpc.Rpc.TLayerExportRequest;
import porto.rpc.Rpc.TLayerGetPrivateResponse;
import porto.rpc.Rpc.TLayerImportRequest;
import porto.rpc.Rpc.TLayerListRequest;
import porto.rpc.Rpc.TLayerListResponse;
import porto.rpc.Rpc.TLayerRemoveRequest;
import porto.rpc.Rpc.TLayerGetPrivateRequest;
import porto.rpc.Rpc.TLayerSetPrivateRequest;
import porto.rpc.Rpc.TMetaStorage;
import porto.rpc.Rpc.TStorageExportRequest;
import porto.rpc.Rpc.TStorageImportRequest;
import porto.rpc.Rpc.TStorageListRequest;
import porto.rpc.Rpc.TStorageListResponse;
import porto.rpc.Rpc.TStorageRemoveRequest;

/** The layer and storage requests: from protobuf to {@link LayerService} and back. */
final class LayerRequests {
    private final LayerService layers;
    private final Users users;

    /** The place a client's container may use: the one asked for, or its policy's default; Permission when not allowed. */
    interface AllowedPlaces {
        String place(String container, String asked) throws PortoException;

        AllowedPlaces ANY = (container, asked) -> asked;
    }

    private final AllowedPlaces places;

    LayerRequests(LayerService layers, Users users, AllowedPlaces places) {
        this.layers = layers;
        this.users = users;
        this.places = places;
    }

    /** The request's place, checked against the container property {@code place} of the client's container, as upstream. */
    private String place(ClientScope scope, boolean has, String value) throws PortoException {
        return places.place(scope.caller().container(), has && !value.isEmpty() ? value : null);
    }

    LayerService service() {
        return layers;
    }

    /** The client as upstream's checks see it: a client in a container acts as the container's owner. */
    LayerClient client(ClientScope scope) {
        int uid = scope.caller().uid();
        int gid = scope.caller().gid();
        List<Integer> groups = new ArrayList<>(users.groupsOf(uid));
        if (!groups.contains(gid))
            groups.add(gid);
        OptionalInt porto = users.gid("porto");
        boolean root = uid == 0;
        return new LayerClient(uid, gid, groups, root, root || (porto.isPresent() && groups.contains(porto.getAsInt())));
    }

    private static String opt(boolean has, String value) {
        return has ? value : null;
    }

    void importLayer(ClientScope scope, TLayerImportRequest r) throws PortoException {
        layers.importArchive(client(scope), Kind.LAYER, place(scope, r.hasPlace(), r.getPlace()), r.getLayer(), r.getTarball(),
                r.getMerge(), opt(r.hasPrivateValue(), r.getPrivateValue()), opt(r.hasCompress(), r.getCompress()));
    }

    void exportLayer(ClientScope scope, TLayerExportRequest r) throws PortoException {
        if (!r.hasLayer())
            throw new PortoException(porto.domain.ErrorCode.NotSupported, "export of volume " + r.getVolume()
                    + ": volumes are not served by this daemon yet; name a layer");
        layers.exportArchive(client(scope), Kind.LAYER, place(scope, r.hasPlace(), r.getPlace()), r.getLayer(), r.getTarball(),
                opt(r.hasCompress(), r.getCompress()));
    }

    void removeLayer(ClientScope scope, TLayerRemoveRequest r) throws PortoException {
        layers.remove(client(scope), Kind.LAYER, place(scope, r.hasPlace(), r.getPlace()), r.getLayer());
    }

    TLayerListResponse listLayers(TLayerListRequest r) throws PortoException {
        TLayerListResponse.Builder out = TLayerListResponse.newBuilder();
        for (LayerService.Listed l : layers.listLayers(opt(r.hasPlace(), r.getPlace()), opt(r.hasMask(), r.getMask()))) {
            out.addLayer(l.meta().ref().name());
            out.addLayersBuilder().setName(l.meta().ref().name()).setOwnerUser(user(l.meta().ownerUid()))
                    .setOwnerGroup(group(l.meta().ownerGid())).setLastUsage(l.lastUsage()).setPrivateValue(l.meta().privateValue());
        }
        return out.build();
    }

    private String user(int uid) {
        return uid < 0 ? "" : users.userName(uid).orElse(Integer.toString(uid));
    }

    private String group(int gid) {
        return gid < 0 ? "" : users.groupName(gid).orElse(Integer.toString(gid));
    }

    TLayerGetPrivateResponse getPrivate(TLayerGetPrivateRequest r) throws PortoException {
        return TLayerGetPrivateResponse.newBuilder().setPrivateValue(layers.getPrivate(opt(r.hasPlace(), r.getPlace()), r.getLayer())).build();
    }

    void setPrivate(ClientScope scope, TLayerSetPrivateRequest r) throws PortoException {
        layers.setPrivate(client(scope), Kind.LAYER, place(scope, r.hasPlace(), r.getPlace()), r.getLayer(), r.getPrivateValue());
    }

    TStorageListResponse listStorage(TStorageListRequest r) throws PortoException {
        TStorageListResponse.Builder out = TStorageListResponse.newBuilder();
        for (LayerService.Listed l : layers.listStorage(opt(r.hasPlace(), r.getPlace()), opt(r.hasMask(), r.getMask()))) {
            var m = l.meta();
            if (m.ref().kind() == Kind.META)
                out.addMetaStoragesBuilder().setName(m.ref().name()).setOwnerUser(user(m.ownerUid())).setOwnerGroup(group(m.ownerGid()))
                        .setPrivateValue(m.privateValue()).setLastUsage(l.lastUsage());
            else
                out.addStoragesBuilder().setName(m.ref().name()).setOwnerUser(user(m.ownerUid())).setOwnerGroup(group(m.ownerGid()))
                        .setPrivateValue(m.privateValue()).setLastUsage(l.lastUsage());
        }
        return out.build();
    }

    void removeStorage(ClientScope scope, TStorageRemoveRequest r) throws PortoException {
        layers.remove(client(scope), Kind.STORAGE, place(scope, r.hasPlace(), r.getPlace()), r.getName());
    }

    void importStorage(ClientScope scope, TStorageImportRequest r) throws PortoException {
        layers.importArchive(client(scope), Kind.STORAGE, place(scope, r.hasPlace(), r.getPlace()), r.getName(), r.getTarball(), false,
                opt(r.hasPrivateValue(), r.getPrivateValue()), opt(r.hasCompress(), r.getCompress()));
    }

    void exportStorage(ClientScope scope, TStorageExportRequest r) throws PortoException {
        layers.exportArchive(client(scope), Kind.STORAGE, place(scope, r.hasPlace(), r.getPlace()), r.getName(), r.getTarball(),
                opt(r.hasCompress(), r.getCompress()));
    }

    void createMeta(ClientScope scope, TMetaStorage r) throws PortoException {
        layers.createMeta(client(scope), place(scope, r.hasPlace(), r.getPlace()), r.getName(), opt(r.hasPrivateValue(), r.getPrivateValue()),
                r.getSpaceLimit(), r.getInodeLimit());
    }

    void resizeMeta(ClientScope scope, TMetaStorage r) throws PortoException {
        layers.resizeMeta(client(scope), place(scope, r.hasPlace(), r.getPlace()), r.getName(), opt(r.hasPrivateValue(), r.getPrivateValue()),
                r.hasSpaceLimit() ? r.getSpaceLimit() : null, r.hasInodeLimit() ? r.getInodeLimit() : null);
    }

    void removeMeta(ClientScope scope, TMetaStorage r) throws PortoException {
        layers.remove(client(scope), Kind.META, place(scope, r.hasPlace(), r.getPlace()), r.getName());
    }
}

package porto.daemon;

import dagger.Module;
import dagger.Provides;
import javax.inject.Singleton;
import porto.domain.ContainerService;
import porto.domain.PortoException;
import porto.domain.layer.LayerService;
import porto.domain.layer.LayerUsers;
import porto.domain.layer.Places;
import porto.domain.layer.StorageRef;
import porto.domain.volume.LayerUse;
import porto.domain.volume.Volume;
import porto.domain.volume.VolumeService;
import porto.linux.LinuxUsers;
import porto.linux.layer.LinuxLayerFiles;

/** Layers and storages on the real file system, in the volumes' default place; the volumes are their users. */
@Module
final class LayerModule {
    private LayerModule() {}

    @Provides
    @Singleton
    static LayerService layers(DaemonPaths paths, VolumeService volumes) {
        LinuxUsers users = new LinuxUsers();
        LayerService layers = new LayerService(new LinuxLayerFiles(), new Places(paths.volumePlace()),
                () -> System.currentTimeMillis() / 1000, () -> users.gid("porto").orElse(0));
        layers.setUsers(new LayerUsers() {
            @Override
            public String layerUser(String place, String name) {
                var using = volumes.volumesUsingLayer(place, name);
                return using.isEmpty() ? null : "volume " + using.get(0);
            }

            @Override
            public String storageUser(String place, String name) {
                try {
                    for (Volume v : volumes.list(null, null))
                        if (v.place().equals(place) && name.equals(volumes.describe(v).get("storage")))
                            return "volume " + v.path();
                } catch (PortoException e) {
                    // no volume list: nothing known to use it
                }
                return null;
            }
        });
        volumes.setLayerUse(new LayerUse() {
            @Override
            public void used(String place, String name) {
                layers.touch(StorageRef.Kind.LAYER, place, name);
            }

            @Override
            public void released(String place, String name) {
                layers.layerReleased(place, name);
            }
        });
        return layers;
    }

    @Provides
    @Singleton
    static LayerRequests requests(LayerService layers, ContainerService service, VolumeService volumes) {
        return new LayerRequests(layers, new LinuxUsers(), new PlacePolicy(service, volumes)::place);
    }
}

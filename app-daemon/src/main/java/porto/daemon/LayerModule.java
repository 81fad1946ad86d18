package porto.daemon;

import dagger.Module;
import dagger.Provides;
import javax.inject.Singleton;
import porto.domain.layer.LayerService;
import porto.domain.layer.Places;
import porto.linux.LinuxUsers;
import porto.linux.layer.LinuxLayerFiles;

/** Layers and storages on the real file system. The default place is /place (PORTO_DEFAULT_PLACE for tests). */
@Module
final class LayerModule {
    private LayerModule() {}

    @Provides
    @Singleton
    static LayerService layers() {
        LinuxUsers users = new LinuxUsers();
        String place = System.getenv().getOrDefault("PORTO_DEFAULT_PLACE", "/place");
        return new LayerService(new LinuxLayerFiles(), new Places(place), () -> System.currentTimeMillis() / 1000,
                () -> users.gid("porto").orElse(0));
    }

    @Provides
    @Singleton
    static LayerRequests requests(LayerService layers) {
        return new LayerRequests(layers, new LinuxUsers());
    }
}

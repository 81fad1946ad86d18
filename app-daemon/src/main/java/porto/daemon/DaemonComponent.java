package porto.daemon;

import dagger.BindsInstance;
import dagger.Component;
import javax.inject.Singleton;
import porto.domain.ContainerService;

/** The daemon's object graph. */
@Singleton
@Component(modules = {LinuxModule.class, VolumeModule.class, LayerModule.class})
public interface DaemonComponent {
    ContainerService service();

    RpcServer server();

    porto.domain.volume.VolumeService volumes();

    VolumeRequests volumeRequests();

    porto.domain.layer.LayerService layers();

    DaemonStats stats();

    @Component.Factory
    interface Factory {
        DaemonComponent create(@BindsInstance DaemonPaths paths, @BindsInstance porto.daemon.config.DaemonConfig config);
    }
}

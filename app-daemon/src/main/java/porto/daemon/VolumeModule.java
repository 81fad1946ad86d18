package porto.daemon;

import dagger.Module;
import dagger.Provides;
import javax.inject.Singleton;
import porto.domain.volume.VolumeService;
import porto.linux.FileStateStore;
import porto.linux.LinuxUsers;
import porto.linux.SystemClock;
import porto.linux.volume.LinuxVolumeStorage;

/** Wires volumes to the real kernel: their own store beside the containers', the default place. */
@Module
public final class VolumeModule {
    private VolumeModule() {}

    @Provides
    @Singleton
    static VolumeService volumes(DaemonPaths paths) {
        return new VolumeService(new LinuxVolumeStorage(), new FileStateStore(paths.volumeStateDir(), Log::info),
                new LinuxUsers(), new SystemClock(), paths.volumePlace());
    }
}

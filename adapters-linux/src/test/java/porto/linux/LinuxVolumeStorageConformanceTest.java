package porto.linux;

import java.nio.file.Files;
import java.nio.file.Path;
import porto.conformance.NeedsRoot;
import porto.conformance.VolumeStorageConformance;
import porto.linux.volume.LinuxVolumeStorage;
import porto.ports.volume.VolumeStorage;

/** {@link LinuxVolumeStorage} on a scratch directory in /tmp, as root. */
class LinuxVolumeStorageConformanceTest extends VolumeStorageConformance {
    @Override
    protected Fixture newFixture() throws Exception {
        NeedsRoot.check("LinuxVolumeStorageConformanceTest");
        Path dir = Files.createTempDirectory("porto-conformance-volumes");
        LinuxVolumeStorage storage = new LinuxVolumeStorage();
        return new Fixture() {
            @Override
            public VolumeStorage storage() {
                return storage;
            }

            @Override
            public String scratch() {
                return dir.toString();
            }

            @Override
            public void writeFile(String path, String text) throws Exception {
                Files.writeString(Path.of(path), text);
            }

            @Override
            public void close() throws Exception {
                for (String m : storage.mountsUnder(dir.toString()))
                    storage.unmount(m);
                storage.loopOf(dir + "/loop.img").ifPresent(dev -> {
                    try {
                        storage.detachLoop(dev);
                    } catch (porto.ports.KernelException e) {
                        throw new IllegalStateException(e);
                    }
                });
                Scratch.removeTree(dir);
            }
        };
    }
}

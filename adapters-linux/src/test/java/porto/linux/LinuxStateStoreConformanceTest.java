package porto.linux;

import java.nio.file.Files;
import java.nio.file.Path;
import porto.conformance.StateStoreConformance;
import porto.ports.StateStore;

/** {@link FileStateStore} on a scratch tmpfs of its own, as the daemon keeps its records ({@link StoreMount}). */
class LinuxStateStoreConformanceTest extends StateStoreConformance {
    @Override
    protected Fixture newFixture() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/run"), "porto-conformance-kvs");
        StoreMount.mount(dir, message -> { });
        return new Fixture() {
            @Override
            public StateStore open() {
                return new FileStateStore(dir, message -> { });
            }

            @Override
            public void damage(String key) throws Exception {
                byte[] record = Files.readAllBytes(dir.resolve(key));
                record[record.length - 2] ^= 1; // one flipped bit, as a bad disk would
                Files.write(dir.resolve(key), record);
            }

            @Override
            public void close() throws Exception {
                porto.linux.volume.VolumeCalls.umount2(dir.toString(), porto.linux.volume.VolumeCalls.MNT_DETACH);
                Scratch.removeTree(dir);
            }
        };
    }
}

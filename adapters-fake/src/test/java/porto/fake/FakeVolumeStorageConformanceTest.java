package porto.fake;

import porto.conformance.VolumeStorageConformance;
import porto.fake.volume.FakeVolumeStorage;
import porto.ports.volume.VolumeStorage;

/** The simulated volume storage against the port's contract. */
class FakeVolumeStorageConformanceTest extends VolumeStorageConformance {
    @Override
    protected Fixture newFixture() throws Exception {
        FakeVolumeStorage storage = new FakeVolumeStorage();
        storage.makeDirectory("/scratch", 0, 0, 0755);
        return new Fixture() {
            @Override
            public VolumeStorage storage() {
                return storage;
            }

            @Override
            public String scratch() {
                return "/scratch";
            }

            @Override
            public void writeFile(String path, String text) throws Exception {
                storage.write(path, text.length());
            }

            @Override
            public void close() {}
        };
    }
}

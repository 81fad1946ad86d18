package porto.fake;

import java.util.List;
import porto.conformance.layer.LayerFilesConformance;
import porto.fake.layer.FakeLayerFiles;
import porto.ports.layer.LayerFiles;

class FakeLayerFilesConformanceTest extends LayerFilesConformance {
    @Override
    protected Fixture newFixture() throws Exception {
        long[] now = {1_700_000_000L};
        FakeLayerFiles files = new FakeLayerFiles(() -> now[0]++);
        files.prepareDirectory("/scratch", 0755, 0);
        return new Fixture() {
            @Override
            public LayerFiles files() {
                return files;
            }

            @Override
            public String scratch() {
                return "/scratch";
            }

            @Override
            public void writeArchive(String path, List<String> entries) throws Exception {
                files.writeFile(path, FakeLayerFiles.archive(entries), 0, 0);
            }

            @Override
            public void close() {}
        };
    }
}

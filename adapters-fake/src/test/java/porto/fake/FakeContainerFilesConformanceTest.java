package porto.fake;

import porto.conformance.ContainerFilesConformance;
import porto.ports.ContainerFiles;

class FakeContainerFilesConformanceTest extends ContainerFilesConformance {
    @Override
    protected Fixture newFixture() throws Exception {
        FakeFiles files = new FakeKernel().files();
        files.makeDirectory("/scratch", 0755, 0, 0);
        return new Fixture() {
            @Override
            public ContainerFiles files() {
                return files;
            }

            @Override
            public String scratch() {
                return "/scratch";
            }

            @Override
            public void makeDirectory(String path, int mode, int uid, int gid) throws Exception {
                files.makeDirectory(path, mode, uid, gid);
            }

            @Override
            public void makeFile(String path, byte[] data, int mode, int uid, int gid) throws Exception {
                files.makeFile(path, data, mode, uid, gid);
            }

            @Override
            public void makeSymlink(String path, String target) throws Exception {
                files.makeSymlink(path, target);
            }

            @Override
            public boolean exists(String path) {
                return files.exists(path);
            }

            @Override
            public void close() {}
        };
    }
}

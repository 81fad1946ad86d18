package porto.linux.layer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import porto.conformance.NeedsRoot;
import porto.conformance.layer.LayerFilesConformance;
import porto.conformance.layer.Tars;
import porto.ports.layer.LayerFiles;

class LinuxLayerFilesConformanceTest extends LayerFilesConformance {
    @Override
    protected Fixture newFixture() throws Exception {
        NeedsRoot.check("layer files on the real kernel");
        LinuxLayerFiles files = new LinuxLayerFiles();
        Path scratch = Files.createTempDirectory("porto-layer-conformance-");
        return new Fixture() {
            @Override
            public LayerFiles files() {
                return files;
            }

            @Override
            public String scratch() {
                return scratch.toString();
            }

            @Override
            public void writeArchive(String path, List<String> entries) throws Exception {
                Tars.write(Path.of(path), tar -> {
                    for (String e : entries) {
                        String[] p = e.split(" ", 3);
                        switch (p[0]) {
                            case "d" -> tar.dir(p[1] + "/");
                            case "f" -> tar.file(p[1], p.length > 2 ? p[2] : "");
                            case "l" -> tar.symlink(p[1], p[2]);
                            case "c" -> tar.device(p[1], Integer.parseInt(p[2].split(" ")[0]), Integer.parseInt(p[2].split(" ")[1]));
                            default -> throw new IllegalArgumentException(e);
                        }
                    }
                });
            }

            @Override
            public void close() throws Exception {
                files.removeTree(scratch.toString());
            }
        };
    }
}

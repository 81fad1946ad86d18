package porto.linux;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import porto.conformance.ContainerFilesConformance;
import porto.conformance.NeedsRoot;
import porto.ports.ContainerFiles;

/** {@link LinuxFiles} with a scratch directory as its place root; as root, to hand files to other users. */
class LinuxContainerFilesConformanceTest extends ContainerFilesConformance {
    @Override
    protected Fixture newFixture() throws Exception {
        NeedsRoot.check("the files suite on Linux");
        Path scratch = Files.createTempDirectory("porto-conformance-files").toRealPath();
        // Searchable by every user, as a place root is: readers walk the whole path with their own rights.
        Files.setPosixFilePermissions(scratch, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        LinuxFiles files = new LinuxFiles(scratch.toString());
        return new Fixture() {
            @Override
            public ContainerFiles files() {
                return files;
            }

            @Override
            public String scratch() {
                return scratch.toString();
            }

            @Override
            public void makeDirectory(String path, int mode, int uid, int gid) throws Exception {
                Path p = Files.createDirectory(Path.of(path));
                own(p, mode, uid, gid);
            }

            @Override
            public void makeFile(String path, byte[] data, int mode, int uid, int gid) throws Exception {
                Path p = Files.write(Path.of(path), data);
                own(p, mode, uid, gid);
            }

            private void own(Path p, int mode, int uid, int gid) throws Exception {
                Files.setAttribute(p, "unix:uid", uid);
                Files.setAttribute(p, "unix:gid", gid);
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(rwx(mode)));
            }

            @Override
            public void makeSymlink(String path, String target) throws Exception {
                Files.createSymbolicLink(Path.of(path), Path.of(target));
            }

            @Override
            public boolean exists(String path) {
                return Files.exists(Path.of(path), LinkOption.NOFOLLOW_LINKS);
            }

            @Override
            public void close() throws Exception {
                Scratch.removeTree(scratch);
            }
        };
    }

    static String rwx(int mode) {
        StringBuilder out = new StringBuilder();
        for (int shift = 6; shift >= 0; shift -= 3)
            for (int bit = 2; bit >= 0; bit--)
                out.append((mode >> (shift + bit) & 1) != 0 ? "rwx".charAt(2 - bit) : '-');
        return out.toString();
    }
}

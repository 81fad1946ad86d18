package porto.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A place on its own filesystem: an ext4 image made with the quota and project features and
 * loop-mounted with prjquota, so that it enforces project quota. A kernel without ext4 quota
 * support (CONFIG_QFMT_V2, as this host's) refuses that mount: then the image is made and mounted
 * without quota, {@link #quota} is false, and tests check the NotSupported answers instead.
 * Closing it releases every mount inside, unmounts it and frees its loop device.
 */
final class QuotaPlace implements AutoCloseable {
    final Path dir;
    /** Whether the place enforces project quota. */
    final boolean quota;
    private final Path image;

    QuotaPlace(Path scratch, long bytes) throws Exception {
        image = scratch.resolve("place.img");
        dir = Files.createDirectories(scratch.resolve("qplace"));
        try (var f = new java.io.RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(bytes);
        }
        require("mkfs.ext4", "-F", "-q", "-O", "quota,project", image.toString());
        boolean mounted = run("mount", "-o", "loop,prjquota", image.toString(), dir.toString()) == 0;
        if (!mounted) {
            require("mkfs.ext4", "-F", "-q", image.toString());
            require("mount", "-o", "loop", image.toString(), dir.toString());
        }
        quota = mounted;
    }

    private static int run(String... cmd) throws Exception {
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    }

    private static void require(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0)
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
    }

    @Override
    public void close() throws Exception {
        HostMounts.release(dir); // also unmounts dir itself; mount -o loop frees the device then
        for (String dev : HostMounts.loopsUnder(image.getParent()))
            HostMounts.run("losetup", "-d", dev);
    }
}

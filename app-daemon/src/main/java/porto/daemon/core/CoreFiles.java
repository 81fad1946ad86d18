package porto.daemon.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.zip.GZIPOutputStream;

/**
 * A core nobody takes, saved in the directory of core.default_pattern as upstream names it:
 * {@code <container with '/' as '%'>%<exe>.<pid>.S<signal>.<time>.core}, gzip-compressed when the
 * pattern ends in ".gz", readable by its owner and group (the container's owner, or the crashed task's
 * user on the host; root's for a task that was dumpable only by root).
 */
final class CoreFiles {
    private final CoreDump.Crash crash;
    private final String exeName;
    private final int ownerUid, ownerGid;

    CoreFiles(CoreDump.Crash crash, String exeName, int ownerUid, int ownerGid) {
        this.crash = crash;
        this.exeName = exeName;
        this.ownerUid = ownerUid;
        this.ownerGid = ownerGid;
    }

    Path save(String container, InputStream core) throws IOException {
        Path pattern = Path.of(crash.defaultPattern());
        Path dir = pattern.getParent() == null ? Path.of("/") : pattern.getParent();
        boolean gzip = pattern.toString().endsWith(".gz");
        String prefix = container.equals("/") ? "" : container.replace('/', '%') + "%";
        String name = prefix + exeName + "." + crash.pid() + ".S" + crash.signal() + "."
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")) + (gzip ? ".core.gz" : ".core");
        Path file = dir.resolve(name);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r--r-----")));
        try {
            if (crash.dumpable() != 2 && ownerUid >= 0)
                Files.setAttribute(file, "unix:uid", ownerUid);
            if (crash.dumpable() != 2 && ownerGid >= 0)
                Files.setAttribute(file, "unix:gid", ownerGid);
            try (OutputStream raw = Files.newOutputStream(file, StandardOpenOption.WRITE);
                 OutputStream out = gzip ? new GZIPOutputStream(raw, 1 << 16) : raw) {
                long bytes = core.transferTo(out);
                CoreDump.log("core of " + container + " saved in " + file + " (" + bytes + " bytes)");
            }
            return file;
        } catch (IOException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }
}

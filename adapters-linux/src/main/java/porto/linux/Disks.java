package porto.linux;

import static porto.ports.Errno.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import porto.ports.KernelException;

/** Block devices as the IO controllers see them: "major:minor" of whole disks, and their names. */
final class Disks {
    private final Path sysDevBlock;
    private final Path dev;

    Disks(Path sysDevBlock, Path dev) {
        this.sysDevBlock = sysDevBlock;
        this.dev = dev;
    }

    static Disks host() {
        return new Disks(Path.of("/sys/dev/block"), Path.of("/dev"));
    }

    /** "sda", "8:0" or a path on a mounted filesystem, to the whole disk's "major:minor". */
    String resolve(String diskOrPath) throws KernelException {
        String key = diskOrPath.trim();
        String number;
        if (key.matches("[0-9]+:[0-9]+")) {
            number = key;
        } else if (key.startsWith("/")) {
            number = deviceNumber(Path.of(key), "unix:dev", "path " + key);
        } else if (key.matches("[A-Za-z0-9._-]+")) {
            number = deviceNumber(dev.resolve(key), "unix:rdev", "disk " + key);
        } else {
            throw new KernelException(ENOENT, "disk not found: '" + key + "'");
        }
        Path sys = sysDevBlock.resolve(number);
        if (!Files.exists(sys))
            throw new KernelException(ENOENT, "disk not found: " + key + " (" + number + " is not a block device;"
                    + " tmpfs and overlay filesystems have no disk)");
        if (Files.exists(sys.resolve("partition"))) {
            String whole = CgroupFiles.read(sys.resolve("../dev"));
            if (whole != null && whole.trim().matches("[0-9]+:[0-9]+"))
                return whole.trim();
        }
        return number;
    }

    private static String deviceNumber(Path p, String attribute, String what) throws KernelException {
        long devNo;
        try {
            devNo = ((Number) Files.getAttribute(p, attribute)).longValue();
        } catch (IOException | UnsupportedOperationException e) {
            throw new KernelException(ENOENT, "disk not found: " + what + ": " + e.getMessage(), e);
        }
        // glibc's major()/minor() split of dev_t.
        long major = ((devNo >>> 8) & 0xfff) | ((devNo >>> 32) & ~0xfffL);
        long minor = (devNo & 0xff) | ((devNo >>> 12) & ~0xffL);
        return major + ":" + minor;
    }

    /** "8:0" to "sda"; the number itself when the kernel does not know it. */
    String name(String number) {
        try {
            return Files.readSymbolicLink(sysDevBlock.resolve(number)).getFileName().toString();
        } catch (IOException | UnsupportedOperationException e) {
            return number;
        }
    }

    /**
     * Per-disk sums by disk name, plus "hw": the total over physical disks (sd*, nvme*, vd*, as
     * upstream counts them). RAM disks are left out.
     */
    Map<String, Long> byName(Map<String, Long> byNumber) {
        Map<String, Long> out = new TreeMap<>();
        long hw = 0;
        for (var e : byNumber.entrySet()) {
            String name = name(e.getKey());
            if (name.startsWith("ram"))
                continue;
            out.merge(name, e.getValue(), Long::sum);
            if (name.startsWith("sd") || name.startsWith("nvme") || name.startsWith("vd"))
                hw += e.getValue();
        }
        out.put("hw", hw);
        return out;
    }
}

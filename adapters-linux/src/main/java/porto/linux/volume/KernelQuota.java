package porto.linux.volume;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Whether this kernel can have project quota at all, from its configuration (/proc/config.gz):
 * ext4 keeps quota in hidden files and needs CONFIG_QFMT_V2, xfs needs CONFIG_XFS_QUOTA.
 */
final class KernelQuota {
    private static volatile String config;

    private KernelQuota() {}

    private static String config() {
        String c = config;
        if (c != null)
            return c;
        Path gz = Path.of("/proc/config.gz");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            c = out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            c = "";
        }
        config = c;
        return c;
    }

    /** "" when the kernel's configuration is unknown or has what the filesystem needs, else why not. */
    static String missing(String filesystem) {
        String c = config();
        String option = switch (filesystem) {
            case "ext4" -> "CONFIG_QFMT_V2";
            case "xfs" -> "CONFIG_XFS_QUOTA";
            default -> null;
        };
        if (option == null || c.isEmpty())
            return "";
        if (c.contains("\n# " + option + " is not set") || c.contains("\n# CONFIG_QUOTA is not set"))
            return "; this kernel cannot have it: built without " + option;
        return "";
    }
}

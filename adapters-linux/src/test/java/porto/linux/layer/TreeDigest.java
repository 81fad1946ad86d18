package porto.linux.layer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A line per entry of a tree: type, mode with set-id bits, owner, time, size, content digest,
 * link target, device number, the extended attributes a layer keeps, and which names share an
 * inode. Two trees are the same layer when their lines are equal.
 */
final class TreeDigest {
    private TreeDigest() {}

    static List<String> of(Path root) throws Exception {
        List<Path> all;
        try (Stream<Path> walk = Files.walk(root)) {
            all = walk.sorted().toList();
        }
        Map<String, List<String>> inodes = new HashMap<>();
        Map<String, String> lines = new TreeMap<>();
        for (Path p : all) {
            String name = root.relativize(p).toString();
            Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            StringBuilder line = new StringBuilder(name.isEmpty() ? "." : name);
            line.append(" mode=").append(Integer.toOctalString(mode)).append(" owner=").append(a.get("uid")).append(':').append(a.get("gid"));
            line.append(" mtime=").append(((FileTime) a.get("lastModifiedTime")).toMillis() / 1000);
            switch (mode & 0170000) {
                case 0100000 -> line.append(" size=").append(a.get("size")).append(" sha256=").append(sha256(p));
                case 0120000 -> line.append(" -> ").append(Files.readSymbolicLink(p));
                case 0020000, 0060000 -> line.append(" rdev=").append(a.get("rdev"));
                default -> { }
            }
            Syscalls.lxattrs(p.toString()).forEach((k, v) -> {
                if (TarImport.kept(k))
                    line.append(' ').append(k).append('=').append(HexFormat.of().formatHex(v));
            });
            if ((mode & 0170000) != 0040000 && (Integer) a.get("nlink") > 1)
                inodes.computeIfAbsent(a.get("ino").toString(), k -> new ArrayList<>()).add(name);
            lines.put(name, line.toString());
        }
        for (List<String> names : inodes.values())
            for (String n : names)
                lines.put(n, lines.get(n) + " links=" + names);
        return new ArrayList<>(lines.values());
    }

    private static String sha256(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0)
                d.update(buf, 0, n);
            return HexFormat.of().formatHex(d.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package porto.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The mounts this process sees, from /proc/self/mountinfo (read by lines, as procfs wants). */
public final class MountTable {
    /** One line: where, what filesystem, from which device, with which options. */
    public record Entry(String mountPoint, String type, String source, String options, String superOptions) {}

    private MountTable() {}

    public static List<Entry> read() {
        List<Entry> out = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/self/mountinfo"));
        } catch (IOException e) {
            return out;
        }
        for (String line : lines) {
            String[] f = line.split(" ");
            int dash = -1;
            for (int i = 6; i < f.length; i++)
                if (f[i].equals("-")) {
                    dash = i;
                    break;
                }
            if (dash < 0 || dash + 2 >= f.length)
                continue;
            out.add(new Entry(unescape(f[4]), f[dash + 1], unescape(f[dash + 2]), f[5],
                    dash + 3 < f.length ? f[dash + 3] : ""));
        }
        return out;
    }

    /** mountinfo writes space, tab, newline and backslash as octal escapes. */
    public static String unescape(String s) {
        if (s.indexOf('\\') < 0)
            return s;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 4 <= s.length()) {
                try {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                    // not an escape
                }
            }
            b.append(c);
        }
        return b.toString();
    }

    /** The mount that holds a path: the last-mounted entry whose mount point is the longest prefix. */
    public static Entry holding(String path) {
        Entry best = null;
        for (Entry e : read()) {
            String mp = e.mountPoint();
            boolean covers = mp.equals("/") || path.equals(mp) || path.startsWith(mp + "/");
            if (covers && (best == null || mp.length() >= best.mountPoint().length()))
                best = e;
        }
        return best;
    }
}

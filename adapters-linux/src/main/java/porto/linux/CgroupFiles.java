package porto.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import porto.ports.KernelException;

/** Small file operations shared by both cgroup versions. */
final class CgroupFiles {
    private CgroupFiles() {}

    static void write(Path file, String value) throws KernelException {
        try {
            Files.write(file, value.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new KernelException(errno(e), "write " + value + " to " + file + ": " + e.getMessage(), e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return null;
        }
    }

    static long readLong(Path file) {
        String text = read(file);
        if (text == null)
            return -1;
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * The cgroup of {@code pid} in the hierarchy whose /proc/PID/cgroup line has {@code controllers}
     * ("freezer" for v1, "" for the unified v2 line), below {@code /root/}; null when it lies elsewhere.
     */
    static String cgroupBelow(int pid, String controllers, String root) {
        String text = read(Path.of("/proc", Integer.toString(pid), "cgroup"));
        if (text == null)
            return null;
        String prefix = "/" + root + "/";
        for (String line : text.split("\n")) {
            String[] f = line.split(":", 3);
            if (f.length < 3)
                continue;
            boolean match = controllers.isEmpty() ? f[0].equals("0") && f[1].isEmpty() : List.of(f[1].split(",")).contains(controllers);
            if (match)
                return f[2].startsWith(prefix) ? f[2].substring(prefix.length()) : null;
        }
        return null;
    }

    /** Value of "key N" in a flat keyed file such as memory.stat or cpu.stat; -1 if absent. */
    static long keyed(Path file, String key) {
        String text = read(file);
        if (text == null)
            return -1;
        for (String line : text.split("\n")) {
            int space = line.indexOf(' ');
            if (space > 0 && line.substring(0, space).equals(key)) {
                try {
                    return Long.parseLong(line.substring(space + 1).trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** Every "key N" line of a flat keyed file (memory.stat, cpu.stat); empty when unreadable. */
    static Map<String, Long> keyedAll(Path file) {
        Map<String, Long> out = new HashMap<>();
        String text = read(file);
        if (text == null)
            return out;
        for (String line : text.split("\n")) {
            int space = line.indexOf(' ');
            if (space <= 0)
                continue;
            try {
                out.put(line.substring(0, space), Long.parseLong(line.substring(space + 1).trim()));
            } catch (NumberFormatException e) {
                // Not a counter ("max", a nested map): not for this reader.
            }
        }
        return out;
    }

    /** The directory and all directories below it, deepest first. */
    static List<Path> treeDeepestFirst(Path dir) {
        List<Path> out = new ArrayList<>();
        collect(dir, out);
        return out;
    }

    /**
     * Names seen as control files (memory.stat, tasks, ...). Every cgroup directory holds dozens of
     * them; remembering their names saves a stat of each on every walk, which dominated walks of
     * large trees. A control file's name can never be a child cgroup's in the same hierarchy.
     */
    private static final Set<String> CONTROL_FILES = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static void collect(Path dir, List<Path> out) {
        if (!Files.isDirectory(dir))
            return;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path child : entries) {
                String name = child.getFileName().toString();
                if (CONTROL_FILES.contains(name))
                    continue;
                if (Files.isDirectory(child, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    collect(child, out);
                else
                    CONTROL_FILES.add(name);
            }
        } catch (IOException e) {
            // Vanished while walking: nothing below it.
        }
        out.add(dir);
    }

    /** Paths of every directory below {@code root}, relative to it ("a", "a/b"), skipping {@code skip}. */
    static java.util.Set<String> relativeTree(Path root, String skip) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (Path d : treeDeepestFirst(root)) {
            if (d.equals(root) || d.getFileName().toString().equals(skip))
                continue;
            out.add(root.relativize(d).toString());
        }
        return out;
    }

    /** Pids listed in {@code file} (cgroup.procs or tasks) of every directory in the tree. */
    static void collectIds(Path dir, String file, Set<Integer> into) {
        for (Path d : treeDeepestFirst(dir)) {
            String text = read(d.resolve(file));
            if (text == null)
                continue;
            for (String line : text.split("\n"))
                if (!line.isEmpty())
                    into.add(Integer.parseInt(line.trim()));
        }
    }

    /** rmdir of every cgroup directory in the tree, deepest first. */
    static void removeTree(Path dir) throws KernelException {
        for (Path d : treeDeepestFirst(dir)) {
            try {
                Files.deleteIfExists(d);
            } catch (NoSuchFileException e) {
                // Already gone.
            } catch (IOException e) {
                throw new KernelException(errno(e), "rmdir " + d + ": " + e.getMessage(), e);
            }
        }
    }

    static int errno(IOException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("Device or resource busy"))
            return 16;
        if (m.contains("No such file"))
            return 2;
        if (m.contains("Permission denied") || m.contains("Operation not permitted"))
            return 1;
        if (m.contains("Invalid argument"))
            return 22;
        if (m.contains("No space left"))
            return 28;
        if (m.contains("not supported"))
            return 95;
        return 5;
    }
}

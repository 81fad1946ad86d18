package porto.fake.layer;

import static porto.ports.Errno.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import porto.ports.KernelException;
import porto.ports.LaunchSpec;
import porto.ports.layer.LayerFiles;

/**
 * {@link LayerFiles} in memory. An archive here is a file of lines: "FAKE-ARCHIVE", then "d NAME",
 * "f NAME BASE64", "l NAME TARGET" (a symbolic link) or "c NAME MAJOR MINOR" (a device). Entry names
 * are checked as the real adapter does: ".." refuses the archive, a leading "/" is dropped, a parent
 * that is not a directory of the tree (a link) refuses it, devices other than whiteouts need leave.
 */
public final class FakeLayerFiles implements LayerFiles {
    static final String MAGIC = "FAKE-ARCHIVE";

    /** A file system node: a directory, a file (data), a link (target) or a device. */
    private record Node(char type, byte[] data, int uid, int gid, long mtime) {}

    private final Map<String, Node> nodes = new TreeMap<>();
    private final LongSupplier seconds;

    public FakeLayerFiles(LongSupplier seconds) {
        this.seconds = seconds;
        nodes.put("/", new Node('d', null, 0, 0, seconds.getAsLong()));
    }

    /** An archive of {@code entries} ("d NAME", "f NAME TEXT", "l NAME TARGET", "c NAME MAJOR MINOR"), for tests. */
    public static byte[] archive(List<String> entries) {
        StringBuilder out = new StringBuilder(MAGIC).append('\n');
        for (String e : entries) {
            String[] p = e.split(" ", 3);
            if (p[0].equals("f"))
                out.append("f ").append(p[1]).append(' ')
                        .append(Base64.getEncoder().encodeToString((p.length > 2 ? p[2] : "").getBytes(StandardCharsets.UTF_8)));
            else
                out.append(e);
            out.append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    private static String join(String dir, String name) {
        return dir.equals("/") ? "/" + name : dir + "/" + name;
    }

    private synchronized void put(String path, Node node) throws KernelException {
        Node up = nodes.get(parent(path));
        if (up == null)
            throw new KernelException(ENOENT, parent(path) + " does not exist");
        if (up.type() != 'd')
            throw new KernelException(ENOTDIR, parent(path) + " is not a directory");
        nodes.put(path, node);
    }

    @Override
    public synchronized void prepareDirectory(String path, int mode, int gid) throws KernelException {
        Node n = nodes.get(path);
        if (n != null && n.type() != 'd')
            throw new KernelException(ENOTDIR, path + " must be a directory");
        if (n == null) {
            if (!nodes.containsKey(parent(path)))
                prepareDirectory(parent(path), 0755, 0);
            put(path, new Node('d', null, 0, gid, seconds.getAsLong()));
        }
    }

    @Override
    public synchronized boolean exists(String path) {
        return nodes.containsKey(path);
    }

    @Override
    public synchronized boolean isDirectory(String path) {
        Node n = nodes.get(path);
        return n != null && n.type() == 'd';
    }

    @Override
    public synchronized List<String> subdirectories(String dir) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Node> e : nodes.entrySet())
            if (!e.getKey().equals(dir) && parent(e.getKey()).equals(dir) && e.getValue().type() == 'd')
                out.add(e.getKey().substring(e.getKey().lastIndexOf('/') + 1));
        return out.stream().sorted().toList();
    }

    @Override
    public synchronized void createDirectory(String path) throws KernelException {
        if (nodes.containsKey(path))
            throw new KernelException(EEXIST, path + " exists");
        put(path, new Node('d', null, 0, 0, seconds.getAsLong()));
    }

    @Override
    public synchronized void importArchive(String source, String target, ImportOptions options, LaunchSpec.Cred as)
            throws KernelException {
        Node src = nodes.get(source);
        if (src == null)
            throw new KernelException(ENOENT, source + " does not exist");
        if (src.type() != 'f')
            throw new ArchiveException(source + " is not an archive of the fake kernel");
        String[] lines = new String(src.data(), StandardCharsets.UTF_8).split("\n");
        if (lines.length == 0 || !lines[0].equals(MAGIC))
            throw new ArchiveException("cannot tell the archive's compression from its first bytes");
        int uid = as == null ? 0 : as.uid();
        int gid = as == null ? 0 : as.gid();
        for (int i = 1; i < lines.length; i++) {
            String[] p = lines[i].split(" ", 3);
            String name = clean(p[1]);
            if (name.isEmpty())
                continue;
            String path = join(target, name);
            Node up = nodes.get(parent(path));
            if (up == null || up.type() != 'd')
                throw new ArchiveException("archive entry " + p[1] + ": its parent is not a directory of the layer");
            switch (p[0]) {
                case "d" -> {
                    if (!isDirectory(path))
                        put(path, new Node('d', null, uid, gid, seconds.getAsLong()));
                }
                case "f" -> put(path, new Node('f', Base64.getDecoder().decode(p.length > 2 ? p[2] : ""), uid, gid, seconds.getAsLong()));
                case "l" -> put(path, new Node('l', p[2].getBytes(StandardCharsets.UTF_8), uid, gid, seconds.getAsLong()));
                case "c" -> {
                    if (!options.devicesAllowed() && !p[2].equals("0 0"))
                        throw new ArchiveException("archive entry " + p[1] + " is a device node: only root may import device nodes");
                    put(path, new Node('c', p[2].getBytes(StandardCharsets.UTF_8), uid, gid, seconds.getAsLong()));
                }
                default -> throw new ArchiveException("malformed archive line " + i);
            }
        }
    }

    private static String clean(String raw) throws ArchiveException {
        List<String> parts = new ArrayList<>();
        for (String part : raw.split("/")) {
            if (part.equals(".."))
                throw new ArchiveException("archive entry " + raw + " leads out of the layer with ..");
            if (!part.isEmpty() && !part.equals("."))
                parts.add(part);
        }
        return String.join("/", parts);
    }

    @Override
    public synchronized void exportArchive(String dir, String archive, Compression compression, LaunchSpec.Cred as)
            throws KernelException {
        if (nodes.containsKey(archive))
            throw new KernelException(EEXIST, archive + " exists");
        List<String> entries = new ArrayList<>();
        String prefix = dir + "/";
        for (Map.Entry<String, Node> e : nodes.entrySet()) {
            if (!e.getKey().startsWith(prefix))
                continue;
            String name = e.getKey().substring(prefix.length());
            Node n = e.getValue();
            entries.add(switch (n.type()) {
                case 'd' -> "d " + name;
                case 'f' -> "f " + name + " " + new String(n.data(), StandardCharsets.UTF_8);
                default -> n.type() + " " + name + " " + new String(n.data(), StandardCharsets.UTF_8);
            });
        }
        put(archive, new Node('f', archive(entries), as == null ? 0 : as.uid(), as == null ? 0 : as.gid(), seconds.getAsLong()));
    }

    @Override
    public synchronized void rename(String from, String to) throws KernelException {
        if (!nodes.containsKey(from))
            throw new KernelException(ENOENT, from + " does not exist");
        if (nodes.containsKey(to))
            throw new KernelException(EEXIST, to + " exists");
        Map<String, Node> moved = new TreeMap<>();
        for (var it = nodes.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().equals(from) || e.getKey().startsWith(from + "/")) {
                moved.put(to + e.getKey().substring(from.length()), e.getValue());
                it.remove();
            }
        }
        nodes.putAll(moved);
    }

    @Override
    public synchronized void removeTree(String path) {
        nodes.keySet().removeIf(k -> k.equals(path) || k.startsWith(path + "/"));
    }

    @Override
    public synchronized void writeFile(String path, byte[] data, int uid, int gid) throws KernelException {
        if (isDirectory(path))
            throw new KernelException(21, path + " is a directory");
        put(path, new Node('f', data.clone(), uid, gid, seconds.getAsLong()));
    }

    @Override
    public synchronized byte[] readFile(String path, int max) {
        Node n = nodes.get(path);
        if (n == null || n.type() != 'f')
            return null;
        return java.util.Arrays.copyOf(n.data(), Math.min(max, n.data().length));
    }

    @Override
    public synchronized Stat stat(String path) {
        Node n = nodes.get(path);
        return n == null ? null : new Stat(n.uid(), n.gid(), n.mtime());
    }

    @Override
    public synchronized void touch(String path) throws KernelException {
        Node n = nodes.get(path);
        if (n == null)
            throw new KernelException(ENOENT, path + " does not exist");
        nodes.put(path, new Node(n.type(), n.data(), n.uid(), n.gid(), seconds.getAsLong()));
    }
}

package porto.cli;

import java.util.Map;
import porto.rpc.Rpc;

/** vlist's table, column for column as upstream prints it. */
final class VolumeTable {
    private final Console io;
    private final boolean details;
    private final boolean verbose;
    private final boolean inodes;

    VolumeTable(Console io, boolean details, boolean verbose, boolean inodes) {
        this.io = io;
        this.details = details;
        this.verbose = verbose;
        this.inodes = inodes;
    }

    private static String left(String s, int w) {
        return s.length() >= w ? s : s + " ".repeat(w - s.length());
    }

    private static String right(String s, int w) {
        return s.length() >= w ? s : " ".repeat(w - s.length()) + s;
    }

    void header() {
        io.println(left("Volume", 40) + left("ID", 8) + left("Backend", 8) + left("Storage", 40) + left("Image", 20)
                + right("Limit", 10) + right("Used", 10) + right("Avail", 10) + right("Use%", 5) + " " + left("Containers", 30));
    }

    private static String size(Map<String, String> p, String name, int w, boolean raw) {
        String v = p.get(name);
        if (v == null)
            return right("-", w);
        try {
            long n = Long.parseUnsignedLong(v);
            return right(raw ? Long.toUnsignedString(n) : Format.size(n), w);
        } catch (NumberFormatException e) {
            return right("err", w);
        }
    }

    private static String percent(Map<String, String> p, String used, String avail, int w) {
        if (!p.containsKey(used) || !p.containsKey(avail))
            return right("-", w);
        try {
            double u = Long.parseUnsignedLong(p.get(used));
            double a = Long.parseUnsignedLong(p.get(avail));
            if (u + a == 0)
                return right("inf", w);
            return right(Long.toString(Math.round(100. * u / (u + a))), w - 1) + "%";
        } catch (NumberFormatException e) {
            return right("err", w);
        }
    }

    void show(Rpc.TVolumeDescription v) {
        Map<String, String> p = VolumeCommands.props(v);
        if (!details) {
            io.println(v.getPath());
        } else {
            StringBuilder b = new StringBuilder(left(v.getPath(), 40));
            if (v.getPath().length() > 40)
                b.append('\n').append(left(" ", 40));
            String storage = p.getOrDefault("storage", "");
            b.append(left(p.getOrDefault("id", ""), 8)).append(left(p.getOrDefault("backend", ""), 8)).append(left(storage, 40));
            if (storage.length() > 40)
                b.append('\n').append(left(" ", 96));
            String image = p.getOrDefault("image", "");
            if (!image.isEmpty()) {
                image = image.substring(image.lastIndexOf('/') + 1);
                b.append(left(image.substring(0, Math.min(20, image.length())), 20));
            } else {
                b.append(left("<none>", 20));
            }
            if (inodes) {
                b.append(size(p, "inode_limit", 10, true)).append(size(p, "inode_used", 10, true))
                        .append(size(p, "inode_available", 10, true)).append(percent(p, "inode_used", "inode_available", 5));
            } else {
                b.append(size(p, "space_limit", 10, false)).append(size(p, "space_used", 10, false))
                        .append(size(p, "space_available", 10, false)).append(percent(p, "space_used", "space_available", 5));
            }
            for (var l : v.getLinksList()) {
                b.append(' ').append(l.getContainer());
                if (!l.getTarget().isEmpty())
                    b.append('(').append(l.getTarget()).append(l.getReadOnly() ? " ro" : "").append(l.getRequired() ? " !" : "").append(')');
            }
            io.println(b.toString());
            if (v.getPath().length() > 40)
                io.println("");
        }
        if (!verbose)
            return;
        StringBuilder c = new StringBuilder("  " + left("containers", 20));
        for (var l : v.getLinksList())
            c.append(' ').append(l.getContainer());
        io.println(c.toString());
        for (var l : v.getLinksList())
            if (!l.getTarget().isEmpty())
                io.println("  " + left("link", 20) + " " + l.getContainer() + " " + l.getTarget()
                        + (l.getReadOnly() ? " ro" : "") + (l.getRequired() ? " !" : ""));
        for (var e : p.entrySet())
            io.println("  " + left(e.getKey(), 20) + (e.getValue().isEmpty() ? "" : " " + e.getValue()));
        io.println("");
    }
}

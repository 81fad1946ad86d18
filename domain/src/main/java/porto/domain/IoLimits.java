package porto.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import porto.ports.Cgroups;
import porto.ports.KernelException;

/**
 * io_limit and io_ops_limit: "{@code <disk>|<path>|fs [r|w]: <value>; ...}". A disk is a name
 * ("sda") or "major:minor"; a path means the disk of its filesystem (absolute on the host, or
 * starting with "." inside the container's root). "fs" limits need an offstream kernel.
 */
final class IoLimits {
    private IoLimits() {}

    /** Validates a value, resolving every disk now so a typo fails here; returns canonical text. */
    static String canonical(Cgroups cgroups, Container c, String text, boolean ops) throws PortoException {
        String property = ops ? "io_ops_limit" : "io_limit";
        String t = text.trim();
        if (t.isEmpty())
            return "";
        if (t.indexOf(':') < 0)
            throw fsUnsupported(property);
        String why = cgroups.ioLimitsUnsupported();
        if (why != null)
            throw new PortoException(ErrorCode.NotSupported, property + " is not supported: " + why);
        Map<String, String> out = new LinkedHashMap<>();
        for (var e : Values.parseMap(t, false).entrySet()) {
            Key key = key(e.getKey(), property);
            if (key.target().equals("fs"))
                throw fsUnsupported(property);
            device(cgroups, c, key.target());
            long value = ops ? Values.parseUnsigned(e.getValue()) : Values.parseSize(e.getValue());
            out.put(key.target() + (key.direction().isEmpty() ? "" : " " + key.direction()), Long.toString(value));
        }
        return Values.formatMap(out);
    }

    /** The limits to write, with disks resolved. */
    static List<Cgroups.IoLimit> resolve(Cgroups cgroups, Container c, String canonical, boolean ops) throws PortoException {
        List<Cgroups.IoLimit> out = new ArrayList<>();
        if (canonical.isBlank())
            return out;
        for (var e : Values.parseMap(canonical, false).entrySet()) {
            Key key = key(e.getKey(), ops ? "io_ops_limit" : "io_limit");
            String device = device(cgroups, c, key.target());
            long value = Long.parseLong(e.getValue());
            if (!key.direction().equals("w"))
                out.add(new Cgroups.IoLimit(device, true, ops, value));
            if (!key.direction().equals("r"))
                out.add(new Cgroups.IoLimit(device, false, ops, value));
        }
        return out;
    }

    /** A limit's key: the disk or path, and "r", "w" or "" for both. */
    record Key(String target, String direction) {}

    static Key key(String text, String property) throws PortoException {
        String k = text.trim();
        int space = k.lastIndexOf(' ');
        if (space > 0) {
            String dir = k.substring(space + 1);
            if (!dir.equals("r") && !dir.equals("w"))
                throw Values.invalid("bad " + property + " key '" + text + "': expected '<disk>|<path> [r|w]'");
            return new Key(k.substring(0, space).trim(), dir);
        }
        if (k.isEmpty())
            throw Values.invalid("bad " + property + " key '" + text + "': expected '<disk>|<path> [r|w]'");
        return new Key(k, "");
    }

    /** "major:minor" of the disk a key names. */
    static String device(Cgroups cgroups, Container c, String target) throws PortoException {
        String where = target;
        if (target.startsWith(".")) {
            String root = FilesystemProperties.ROOT.value(c);
            where = (root.equals("/") ? "" : root) + "/" + target.substring(1).replaceFirst("^/", "");
        }
        try {
            return cgroups.resolveDisk(where);
        } catch (KernelException e) {
            throw Values.invalid("disk not found for '" + target + "': " + e.getMessage());
        }
    }

    private static PortoException fsUnsupported(String property) {
        return new PortoException(ErrorCode.NotSupported, property + " for \"fs\" (filesystem level) needs an offstream"
                + " kernel (memory.fs_bps_limit); give a disk or a path instead, e.g. '/: 10M'");
    }
}

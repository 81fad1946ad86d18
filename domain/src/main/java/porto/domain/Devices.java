package porto.domain;

import porto.ports.ContainerFiles;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import porto.ports.Cgroups;
import porto.ports.ContainerFiles.FileFacts;
import porto.ports.LaunchSpec;

/**
 * The devices property: "{@code <device> [r][w][m][-][?] [name] [mode] [user] [group]; ...}".
 * Every container may use the manual's default devices; a container's own entries add to them or
 * (with "-") take them away. The devices cgroup enforces the list, and a chroot's /dev holds nodes
 * for exactly the permitted devices.
 */
final class Devices {
    /** One device a container may (or, with no access letters, may not) use. */
    record Device(String hostPath, boolean read, boolean write, boolean mknod, boolean optional,
                  String path, int mode, int uid, int gid, char type, int major, int minor) {

        boolean permitted() {
            return read || write || mknod;
        }

        String access() {
            String a = (read ? "r" : "") + (write ? "w" : "") + (mknod ? "m" : "");
            return (a.isEmpty() ? "-" : a) + (optional ? "?" : "");
        }

        Cgroups.DeviceRule rule() {
            // A node the task may use must also be creatable: porto makes it in a chroot's /dev.
            String a = (read ? "r" : "") + (write ? "w" : "") + (mknod || read || write ? "m" : "");
            return new Cgroups.DeviceRule(type, major, minor, a);
        }
    }

    /** The manual's defaults; /dev/console is a null device, ptys come from the container's devpts. */
    static final List<Device> DEFAULTS = List.of(
            node("/dev/null", "/dev/null", 1, 3, 0666),
            node("/dev/zero", "/dev/zero", 1, 5, 0666),
            node("/dev/full", "/dev/full", 1, 7, 0666),
            node("/dev/random", "/dev/random", 1, 8, 0666),
            node("/dev/urandom", "/dev/urandom", 1, 9, 0666),
            node("/dev/tty", "/dev/tty", 5, 0, 0666),
            node("/dev/null", "/dev/console", 1, 3, 0600),
            node("/dev/ptmx", "/dev/ptmx", 5, 2, 0666),
            new Device("/dev/pts/*", true, true, false, false, "/dev/pts/*", 0620, 0, 0, 'c', 136, -1));

    private static Device node(String host, String path, int major, int minor, int mode) {
        return new Device(host, true, true, false, false, path, mode, 0, 0, 'c', major, minor);
    }

    private Devices() {}

    /**
     * Parses a user's entries, checking each device on the host: DeviceNotFound for a missing
     * one, Permission when a non-root {@code caller} may not use it as asked.
     */
    static List<Device> parse(ContainerFiles files, UserDatabase users, Caller caller, String text) throws PortoException {
        List<Device> out = new ArrayList<>();
        for (String item : Values.splitList(text, ';')) {
            String entry = item.trim();
            if (entry.isEmpty())
                continue;
            String[] w = entry.split("\\s+");
            if (w.length < 2 || w.length > 6)
                throw Values.invalid("expected '<device> [r][w][m][-] [name] [mode] [user] [group]', got '" + entry + "'");
            String hostPath = devicePath(w[0], entry);
            boolean read = false, write = false, mknod = false, optional = false;
            for (char ch : w[1].toCharArray()) {
                switch (ch) {
                    case 'r' -> read = true;
                    case 'w' -> write = true;
                    case 'm' -> mknod = true;
                    case '?' -> optional = true;
                    case '-' -> { }
                    default -> throw Values.invalid("invalid device access '" + w[1] + "' in '" + entry
                            + "': expected letters of r, w, m, or '-'");
                }
            }
            FileFacts f = files.facts("/", hostPath);
            if (f == null || (f.kind() != FileFacts.Kind.CHAR_DEVICE && f.kind() != FileFacts.Kind.BLOCK_DEVICE)) {
                if (optional)
                    continue;
                throw new PortoException(ErrorCode.DeviceNotFound, (f == null ? "device " + hostPath + " does not exist"
                        : hostPath + " is not a device node") + " (in '" + entry + "')");
            }
            List<Integer> groups = users.groupsOf(caller.uid());
            if ((read && !f.permits(caller.uid(), groups, 4)) || (write && !f.permits(caller.uid(), groups, 2)))
                throw new PortoException(ErrorCode.Permission, "user " + users.userName(caller.uid()) + " may not "
                        + (read ? "read" : "") + (read && write ? " or " : "") + (write ? "write" : "") + " device " + hostPath);
            String path = w.length > 2 ? devicePath(w[2], entry) : hostPath;
            int mode = f.mode() & 0777;
            if (w.length > 3) {
                try {
                    mode = Integer.parseInt(w[3], 8);
                } catch (NumberFormatException e) {
                    mode = -1;
                }
                if (mode < 0 || mode > 0777)
                    throw Values.invalid("invalid device mode '" + w[3] + "' in '" + entry + "': expected octal 0..0777");
            }
            int uid = w.length > 4 ? users.resolveUid(w[4]) : f.uid();
            int gid = w.length > 5 ? users.resolveGid(w[5]) : f.gid();
            boolean changesNode = mode != (f.mode() & 0777) || uid != f.uid() || gid != f.gid();
            if (changesNode && !caller.isRoot() && caller.uid() != f.uid())
                throw new PortoException(ErrorCode.Permission, "only root or the owner of " + hostPath
                        + " may change its mode or owner inside a container");
            out.add(new Device(hostPath, read, write, mknod, optional, path, mode, uid, gid,
                    f.kind() == FileFacts.Kind.BLOCK_DEVICE ? 'b' : 'c', f.major(), f.minor()));
        }
        return out;
    }

    private static String devicePath(String text, String entry) throws PortoException {
        String p = Properties.absolutePath(text);
        if (!p.startsWith("/dev/") || !p.equals(text))
            throw Values.invalid("device path must be a normalized path in /dev, got '" + text + "' in '" + entry + "'");
        return p;
    }

    static String format(List<Device> devices, UserDatabase users) {
        List<String> out = new ArrayList<>();
        for (Device d : devices)
            out.add(d.hostPath() + " " + d.access() + " " + d.path() + " " + String.format("%04o", d.mode())
                    + " " + users.userName(d.uid()) + " " + users.groupName(d.gid()));
        return String.join("; ", out);
    }

    /**
     * The devices {@code c} may use: the defaults, then each ancestor's and its own entries, a later
     * entry replacing an earlier one for the same path inside. Entries are parsed again (as root:
     * their permissions were checked when set), so device numbers are the host's current ones.
     */
    static List<Device> effective(ContainerFiles files, UserDatabase users, Container c) throws PortoException {
        List<Container> chain = new ArrayList<>();
        for (Container p = c; !p.isHost(); p = p.parent)
            chain.add(0, p);
        Map<String, Device> byPath = new LinkedHashMap<>();
        for (Device d : DEFAULTS)
            byPath.put(d.path(), d);
        for (Container p : chain) {
            String own = p.config.get("devices");
            if (own != null)
                for (Device d : parse(files, users, Caller.ROOT, own))
                    byPath.put(d.path(), d);
        }
        return List.copyOf(byPath.values());
    }

    /** Whether {@code c} needs a devices cgroup of its own: first-level ones and those that set devices. */
    static boolean ownsCgroup(Container c) {
        return c.level == 1 || c.config.containsKey("devices");
    }

    static List<Cgroups.DeviceRule> rules(List<Device> devices) {
        List<Cgroups.DeviceRule> out = new ArrayList<>();
        for (Device d : devices)
            if (d.permitted())
                out.add(d.rule());
        return out;
    }

    /** Whether {@code rules} allow everything {@code r} does. */
    static boolean covered(Cgroups.DeviceRule r, List<Cgroups.DeviceRule> rules) {
        for (Cgroups.DeviceRule p : rules) {
            boolean same = p.type() == r.type() && p.major() == r.major() && (p.minor() < 0 || p.minor() == r.minor());
            if (same && r.access().chars().allMatch(ch -> p.access().indexOf(ch) >= 0))
                return true;
        }
        return false;
    }

    /** Nodes for a chroot's /dev: every permitted single device; ptmx is a link to the devpts one. */
    static List<LaunchSpec.Device> nodes(List<Device> devices) {
        List<LaunchSpec.Device> out = new ArrayList<>();
        for (Device d : devices)
            if ((d.read() || d.write()) && d.minor() >= 0 && !d.path().equals("/dev/ptmx"))
                out.add(new LaunchSpec.Device(d.type(), d.major(), d.minor(), d.path(), d.mode(), d.uid(), d.gid()));
        return out;
    }
}

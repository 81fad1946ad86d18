package porto.domain.volume;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import porto.domain.ErrorCode;
import porto.domain.PortoException;
import porto.domain.Values;
import porto.ports.Users;

/**
 * The volume properties of the manual with upstream's names: their descriptions, which may be
 * given at creation or changed by tune, and the parsing of given values into a {@link Volume}.
 */
public final class VolumeProperties {
    private VolumeProperties() {}

    /** One property: may it be given at creation, changed by tune. */
    public record Info(String name, String description, boolean atCreate, boolean tunable) {}

    private static final List<Info> ALL = List.of(
            new Info("backend", "plain|bind|tmpfs|quota|native|overlay|squash|loop|rbd|lvm (default: autodetect)", true, false),
            new Info("storage", "persistent data: a path or a name in place/porto_storage (default: internal)", true, false),
            new Info("ready", "construction complete (ro)", false, false),
            new Info("state", "volume state (ro)", false, false),
            new Info("private", "user-defined text, at most 4096 bytes", true, true),
            new Info("owner_user", "owner user (default: creator)", true, false),
            new Info("owner_group", "owner group (default: creator)", true, false),
            new Info("owner_container", "owner container (default: self)", true, false),
            new Info("user", "directory user (default: creator)", true, false),
            new Info("group", "directory group (default: creator)", true, false),
            new Info("permissions", "directory permissions (default: 0775)", true, false),
            new Info("creator", "container user group (ro)", false, false),
            new Info("read_only", "true or false (default: false)", true, false),
            new Info("containers", "container;... initial links (default: self)", true, false),
            new Info("target_container", "container whose root the path is in (default: self)", true, false),
            new Info("layers", "top-layer;...;bottom-layer: paths or names in place/porto_layers", true, false),
            new Info("place", "place for layers and default storage", true, false),
            new Info("space_limit", "disk space limit (default: 0, unlimited)", true, true),
            new Info("inode_limit", "disk inode limit (default: 0, unlimited)", true, true),
            new Info("space_guarantee", "disk space guarantee (default: 0)", true, true),
            new Info("inode_guarantee", "disk inode guarantee (default: 0)", true, true),
            new Info("space_used", "current disk space usage (ro)", false, false),
            new Info("inode_used", "current disk inode usage (ro)", false, false),
            new Info("space_available", "available disk space (ro)", false, false),
            new Info("inode_available", "available disk inodes (ro)", false, false),
            new Info("id", "volume id (ro)", false, false),
            new Info("build_time", "when construction completed (ro)", false, false),
            new Info("change_time", "when the volume last changed (ro)", false, false),
            new Info("device_name", "block device of the volume (ro)", false, false),
            new Info("place_key", "key of the place for accounting (ro)", false, false));

    public static List<Info> all() {
        return ALL;
    }

    static Info find(String name) {
        for (Info i : ALL)
            if (i.name.equals(name))
                return i;
        return null;
    }

    /** Rejects unknown names and values only the daemon sets. */
    static void checkNames(Map<String, String> given, boolean tune) throws PortoException {
        for (String name : given.keySet()) {
            Info i = find(name);
            if (i == null)
                throw new PortoException(ErrorCode.InvalidProperty, "Invalid volume property: " + name);
            if (tune ? !i.tunable : !i.atCreate)
                throw new PortoException(ErrorCode.InvalidProperty, tune && i.atCreate
                        ? "Volume property " + name + " cannot be changed" : "Read-only volume property: " + name);
        }
    }

    /** The requested limits and guarantees, checked to be consistent. */
    record Limits(long space, long inodes, long spaceGuarantee, long inodeGuarantee) {
        static Limits of(Map<String, String> given, Volume base) throws PortoException {
            Limits l = new Limits(
                    size(given, "space_limit", base == null ? 0 : base.spaceLimit),
                    count(given, "inode_limit", base == null ? 0 : base.inodeLimit),
                    size(given, "space_guarantee", base == null ? 0 : base.spaceGuarantee),
                    count(given, "inode_guarantee", base == null ? 0 : base.inodeGuarantee));
            if (l.space != 0 && l.space < l.spaceGuarantee)
                throw new PortoException(ErrorCode.InvalidValue, "Space guarantree bigger than limit");
            if (l.inodes != 0 && l.inodes < l.inodeGuarantee)
                throw new PortoException(ErrorCode.InvalidValue, "Inode guarantree bigger than limit");
            return l;
        }

        boolean any() {
            return space != 0 || inodes != 0;
        }
    }

    private static long size(Map<String, String> given, String name, long otherwise) throws PortoException {
        String v = given.get(name);
        if (v == null)
            return otherwise;
        try {
            return Values.parseSize(v);
        } catch (PortoException e) {
            throw new PortoException(ErrorCode.InvalidValue, name + ": " + e.getMessage());
        }
    }

    private static long count(Map<String, String> given, String name, long otherwise) throws PortoException {
        String v = given.get(name);
        if (v == null)
            return otherwise;
        try {
            return Values.parseSize(v); // upstream accepts suffixes for inodes too
        } catch (PortoException e) {
            throw new PortoException(ErrorCode.InvalidValue, name + ": " + e.getMessage());
        }
    }

    /** Fills a new volume from the given values; what depends on the place and backend is left to the service. */
    static void apply(Volume v, Map<String, String> given, Users users) throws PortoException {
        checkNames(given, false);
        if (given.containsKey("backend"))
            v.backend = Backend.parse(given.get("backend"));
        v.storage = given.getOrDefault("storage", "");
        v.privateValue = privateValue(given.getOrDefault("private", ""));
        if (given.containsKey("owner_user"))
            v.ownerUid = uid(users, given.get("owner_user"));
        if (given.containsKey("owner_group"))
            v.ownerGid = gid(users, given.get("owner_group"));
        if (given.containsKey("user"))
            v.uid = uid(users, given.get("user"));
        if (given.containsKey("group"))
            v.gid = gid(users, given.get("group"));
        if (given.containsKey("permissions"))
            v.permissions = permissions(given.get("permissions"));
        if (given.containsKey("read_only")) {
            try {
                v.readOnly = Values.parseBool(given.get("read_only"));
            } catch (PortoException e) {
                throw new PortoException(ErrorCode.InvalidValue, "read_only: " + e.getMessage());
            }
        }
        v.layers = new ArrayList<>(Values.splitList(given.getOrDefault("layers", ""), ';').stream()
                .map(String::trim).filter(s -> !s.isEmpty()).toList());
        for (String layer : v.layers)
            checkLayer(layer);
        Limits limits = Limits.of(given, null);
        v.spaceLimit = limits.space;
        v.inodeLimit = limits.inodes;
        v.spaceGuarantee = limits.spaceGuarantee;
        v.inodeGuarantee = limits.inodeGuarantee;
    }

    static String privateValue(String text) throws PortoException {
        if (text.length() > 4096)
            throw new PortoException(ErrorCode.InvalidValue, "private value is longer than 4096 bytes");
        return text;
    }

    static int permissions(String text) throws PortoException {
        try {
            int mode = Integer.parseInt(text.trim(), 8);
            if (mode < 0 || mode > 07777)
                throw new NumberFormatException();
            return mode;
        } catch (NumberFormatException e) {
            throw new PortoException(ErrorCode.InvalidValue, "permissions: expected octal mode like 0775, got '" + text + "'");
        }
    }

    static int uid(Users users, String text) throws PortoException {
        OptionalInt id = users.uid(text);
        if (id.isPresent())
            return id.getAsInt();
        if (text.matches("[0-9]+"))
            return Integer.parseInt(text);
        throw new PortoException(ErrorCode.InvalidValue, "Invalid user: " + text);
    }

    static int gid(Users users, String text) throws PortoException {
        OptionalInt id = users.gid(text);
        if (id.isPresent())
            return id.getAsInt();
        if (text.matches("[0-9]+"))
            return Integer.parseInt(text);
        throw new PortoException(ErrorCode.InvalidValue, "Invalid group: " + text);
    }

    /** A layer is an absolute normal path or a name without '/'; names starting with '_' are the daemon's. */
    static void checkLayer(String layer) throws PortoException {
        if (layer.startsWith("/")) {
            if (!isNormal(layer))
                throw new PortoException(ErrorCode.InvalidPath, "Layer path must be normalized: " + layer);
        } else {
            checkName(layer, "layer");
        }
    }

    /** Names of layers and storages, as upstream allows them. */
    static void checkName(String name, String what) throws PortoException {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || !name.matches("[A-Za-z0-9_.@:+\\-]+"))
            throw new PortoException(ErrorCode.InvalidValue, "Invalid " + what + " name: '" + name + "'");
        if (name.startsWith("_") && !name.startsWith("_weak_"))
            throw new PortoException(ErrorCode.InvalidValue, "The " + what + " name cannot start with '_': " + name);
    }

    /** An absolute path without ".", "..", empty components or a trailing '/'. */
    static boolean isNormal(String path) {
        if (!path.startsWith("/"))
            return false;
        if (path.equals("/"))
            return true;
        if (path.endsWith("/"))
            return false;
        for (String part : path.substring(1).split("/", -1))
            if (part.isEmpty() || part.equals(".") || part.equals(".."))
                return false;
        return true;
    }

    /** Upstream's text of a volume's properties, for list and get. */
    static Map<String, String> describe(Volume v, Users users, porto.ports.volume.VolumeStorage.Usage used, porto.ports.volume.VolumeStorage.Usage available) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("backend", v.backend.text());
        if (!v.storage.isEmpty())
            m.put("storage", v.storage);
        m.put("ready", Values.formatBool(v.state == Volume.State.READY));
        m.put("state", v.state.text());
        m.put("private", v.privateValue);
        m.put("owner_user", users.userName(v.ownerUid).orElse(Integer.toString(v.ownerUid)));
        m.put("owner_group", users.groupName(v.ownerGid).orElse(Integer.toString(v.ownerGid)));
        m.put("owner_container", v.ownerContainer);
        m.put("user", users.userName(v.uid).orElse(Integer.toString(v.uid)));
        m.put("group", users.groupName(v.gid).orElse(Integer.toString(v.gid)));
        m.put("permissions", String.format("%04o", v.permissions));
        m.put("creator", v.creator);
        m.put("read_only", Values.formatBool(v.readOnly));
        m.put("containers", String.join(";", v.containers()));
        if (!v.layers.isEmpty())
            m.put("layers", String.join(";", v.layers));
        m.put("place", v.place);
        m.put("place_key", v.place);
        m.put("space_limit", Long.toString(v.spaceLimit));
        m.put("inode_limit", Long.toString(v.inodeLimit));
        m.put("space_guarantee", Long.toString(v.spaceGuarantee));
        m.put("inode_guarantee", Long.toString(v.inodeGuarantee));
        if (used != null) {
            m.put("space_used", Long.toString(used.bytes()));
            m.put("inode_used", Long.toString(used.inodes()));
        }
        if (available != null) {
            m.put("space_available", Long.toString(available.bytes()));
            m.put("inode_available", Long.toString(available.inodes()));
        }
        m.put("id", v.id);
        if (!v.loopDevice.isEmpty())
            m.put("device_name", v.loopDevice.substring(v.loopDevice.lastIndexOf('/') + 1));
        m.put("build_time", Long.toString(v.buildTime / 1000));
        m.put("change_time", Long.toString(v.changeTime / 1000));
        return m;
    }

}

package porto.domain.layer;

import porto.domain.ErrorCode;
import porto.domain.PortoException;

/**
 * A layer, storage or meta storage of a place, and where upstream keeps it: a layer in
 * {@code PLACE/porto_layers/NAME}, a storage in {@code PLACE/porto_storage/NAME}, a meta storage
 * in {@code PLACE/porto_storage/_meta_NAME} holding its own layers ({@code _layer_NAME}) and
 * storages, which are named "META/NAME". Beside each, {@code _private_NAME} holds the private
 * value; its owner is the owner, its modification time the last use.
 */
public record StorageRef(Kind kind, String place, String name) {
    public enum Kind { LAYER, STORAGE, META }

    static final String LAYERS = "porto_layers";
    static final String STORAGE = "porto_storage";
    static final String WEAK_PREFIX = "_weak_";
    static final String IMPORT_PREFIX = "_import_";
    static final String REMOVE_PREFIX = "_remove_";
    static final String PRIVATE_PREFIX = "_private_";
    static final String META_PREFIX = "_meta_";
    static final String META_LAYER = "_layer_";
    private static final String[] RESERVED = {"_tmp_", IMPORT_PREFIX, REMOVE_PREFIX, "_asyncremove_", PRIVATE_PREFIX,
        META_PREFIX, META_LAYER};
    private static final String NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-@:.";

    /** A checked reference: the name is upstream's (one "META/" prefix allowed except for a meta storage itself). */
    public static StorageRef of(Kind kind, String place, String name) throws PortoException {
        check(name, kind == Kind.META);
        return new StorageRef(kind, place, name);
    }

    static void check(String name, boolean single) throws PortoException {
        int slash = name.indexOf('/');
        if (!single && slash >= 0) {
            check(name.substring(0, slash), true);
            check(name.substring(slash + 1), true);
            return;
        }
        for (int i = 0; i < name.length(); i++)
            if (NAME_CHARS.indexOf(name.charAt(i)) < 0)
                throw new PortoException(ErrorCode.InvalidValue, "forbidden character " + String.format("%#x", (int) name.charAt(i))
                        + " in name '" + name + "'");
        boolean reserved = name.isEmpty() || name.equals(".") || name.equals("..");
        for (String prefix : RESERVED)
            reserved |= name.startsWith(prefix);
        if (reserved)
            throw new PortoException(ErrorCode.InvalidValue, "invalid layer name '" + name + "'");
    }

    /** Whether the name is acceptable (listing skips the rest: temporary and metadata entries). */
    static boolean valid(String name) {
        try {
            check(name, true);
            return true;
        } catch (PortoException e) {
            return false;
        }
    }

    String meta() {
        int slash = name.indexOf('/');
        return slash < 0 ? null : name.substring(0, slash);
    }

    /** The name without its meta storage. */
    String firstName() {
        return name.substring(name.indexOf('/') + 1);
    }

    boolean weak() {
        return firstName().startsWith(WEAK_PREFIX);
    }

    /** The directory that holds this entry. */
    String base() {
        return switch (kind) {
            case LAYER -> meta() == null ? place + "/" + LAYERS : place + "/" + STORAGE + "/" + META_PREFIX + meta();
            case STORAGE -> meta() == null ? place + "/" + STORAGE : place + "/" + STORAGE + "/" + META_PREFIX + meta();
            case META -> place + "/" + STORAGE;
        };
    }

    private String leaf() {
        return switch (kind) {
            case LAYER -> meta() == null ? name : META_LAYER + firstName();
            case STORAGE -> firstName();
            case META -> META_PREFIX + name;
        };
    }

    public String path() {
        return base() + "/" + leaf();
    }

    /** The path of a sibling with {@code prefix} before the name: _private_, _import_, _remove_N. */
    String sibling(String prefix) {
        return base() + "/" + prefix + leaf();
    }

    String kindName() {
        return switch (kind) {
            case LAYER -> "Layer";
            case STORAGE -> "Storage";
            case META -> "MetaStorage";
        };
    }
}

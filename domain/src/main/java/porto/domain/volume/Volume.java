package porto.domain.volume;

import java.util.ArrayList;
import java.util.List;

/**
 * A volume: a directory tree made by a backend at {@link #path}, alive while it has links.
 * Construction happens in the volume's internals, {@code place/porto_volumes/ID}: the backend
 * builds at {@link #internalPath()} and, when the client chose the path, that is bound there.
 * Fields are set by {@link VolumeService} under its lock.
 */
public final class Volume {
    /** BUILDING until every mount is made; a volume found BUILDING after a restart is torn down. */
    public enum State {
        BUILDING("building"), READY("ready"), DESTROYING("destroying");

        final String text;

        State(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    String id;
    String path;
    boolean autoPath;
    String place;
    Backend backend;
    /** As given: "" (internal), a name under place/porto_storage, or an absolute path. */
    String storage = "";
    /** The directory (or image file) that holds the data. */
    String storagePath;
    /** Whether the storage outlives the volume (named or given storage). */
    boolean keepStorage;
    List<String> layers = new ArrayList<>();
    boolean readOnly;
    int uid;
    int gid;
    int permissions = 0775;
    int ownerUid;
    int ownerGid;
    String ownerContainer = "/";
    String creator = "";
    String privateValue = "";
    long spaceLimit;
    long inodeLimit;
    long spaceGuarantee;
    long inodeGuarantee;
    String loopDevice = "";
    long buildTime;
    long changeTime;
    State state = State.BUILDING;
    final List<VolumeLink> links = new ArrayList<>();

    Volume(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public String path() {
        return path;
    }

    public String place() {
        return place;
    }

    public Backend backend() {
        return backend;
    }

    public State state() {
        return state;
    }

    public List<String> layers() {
        return List.copyOf(layers);
    }

    public List<VolumeLink> links() {
        return List.copyOf(links);
    }

    public boolean readOnly() {
        return readOnly;
    }

    public String ownerContainer() {
        return ownerContainer;
    }

    public long spaceLimit() {
        return spaceLimit;
    }

    public long changeTimeMillis() {
        return changeTime;
    }

    public long spaceGuarantee() {
        return spaceGuarantee;
    }

    public long inodeGuarantee() {
        return inodeGuarantee;
    }

    /** place/porto_volumes/ID: everything the volume makes for itself. */
    String internals() {
        return place + "/" + VolumeService.VOLUMES_DIR + "/" + id;
    }

    /** Where the backend builds; the volume's path itself for the quota backend. */
    String internalPath() {
        return backend == Backend.QUOTA ? path : internals() + "/volume";
    }

    VolumeLink link(String container, String target) {
        for (VolumeLink l : links)
            if (l.container().equals(container) && l.target().equals(target))
                return l;
        return null;
    }

    boolean linkedTo(String container) {
        for (VolumeLink l : links)
            if (l.container().equals(container))
                return true;
        return false;
    }

    /** Names of linked containers in link order, each once. */
    List<String> containers() {
        List<String> out = new ArrayList<>();
        for (VolumeLink l : links)
            if (!out.contains(l.container()))
                out.add(l.container());
        return out;
    }
}

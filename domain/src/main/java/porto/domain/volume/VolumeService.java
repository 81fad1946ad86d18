package porto.domain.volume;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import porto.domain.Caller;
import porto.domain.ErrorCode;
import porto.domain.PortoException;
import porto.ports.Clock;
import porto.ports.KernelException;
import porto.ports.StateStore;
import porto.ports.Users;
import porto.ports.volume.VolumeStorage;

/**
 * The volume requests. One lock guards the volumes and is held only for work in memory: a
 * volume is registered BUILDING (and recorded) before its kernel work, which runs unlocked, and
 * becomes READY after it; a volume is marked DESTROYING before its teardown. The container side
 * is asked about containers before the lock is taken, never under it.
 */
public final class VolumeService {
    public static final String VOLUMES_DIR = "porto_volumes";
    public static final String LAYERS_DIR = "porto_layers";
    public static final String STORAGE_DIR = "porto_storage";

    /** Turns a container name as the client wrote it ("self", relative) into a host-absolute one. */
    public interface Names {
        String resolve(String name) throws PortoException;
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Volume> byPath = new LinkedHashMap<>();
    final VolumeStorage storage;
    final VolumeBuilder builder;
    final StateStore store;
    final Users users;
    final Clock clock;
    private final String defaultPlace;
    private Containers containers = Containers.HOST_ONLY;
    private LayerUse layerUse = LayerUse.NONE;
    private long lastId;

    public VolumeService(VolumeStorage storage, StateStore store, Users users, Clock clock, String defaultPlace) {
        this.storage = storage;
        this.builder = new VolumeBuilder(storage);
        this.store = store;
        this.users = users;
        this.clock = clock;
        this.defaultPlace = defaultPlace;
    }

    /** Wires the container side (done once, before requests). */
    public void setContainers(Containers containers) {
        this.containers = containers;
    }

    /** Wires the layer side (done once, before requests). */
    public void setLayerUse(LayerUse layerUse) {
        this.layerUse = layerUse;
    }

    public String defaultPlace() {
        return defaultPlace;
    }

    /** Takes back the volumes an earlier daemon recorded (after the containers are restored). */
    public void restore(java.util.function.Consumer<String> log) {
        VolumeRestore.restore(this, containers, log);
    }

    void restoredIds(long max) {
        lastId = Math.max(lastId, max);
    }

    // ---- create ----

    /** Creates a volume: checked, registered BUILDING, built with the lock released, recorded READY. */
    public Volume create(Caller caller, Names names, String path, Map<String, String> given) throws PortoException {
        return VolumeCreation.create(this, caller, names, path, given);
    }

    /** The volume is built: its layers are in use. */
    void useLayers(Volume v) {
        for (String name : VolumePlaces.placeLayers(v))
            layerUse.used(v.place, name);
    }

    /** The volume is gone: its layers are released (a weak one unused now goes). */
    void releaseLayers(Volume v) {
        for (String name : VolumePlaces.placeLayers(v))
            layerUse.released(v.place, name);
    }

    String requireContainer(String name) throws PortoException {
        if (!containers.exists(name))
            throw new PortoException(ErrorCode.ContainerDoesNotExist, "container " + name + " does not exist");
        return name;
    }

    /** A fresh id: neither recorded nor left as a directory in the place (lock held). */
    long nextId(String place) {
        long id = lastId + 1;
        while (storage.exists(place + "/" + VOLUMES_DIR + "/" + id) || idTaken(Long.toString(id)))
            id++;
        lastId = id;
        return id;
    }

    private boolean idTaken(String id) {
        for (Volume v : byPath.values())
            if (v.id.equals(id))
                return true;
        return false;
    }

    // ---- link and unlink (VolumeLinks) ----

    public void link(Caller caller, String path, String container, String target, boolean readOnly, boolean required)
            throws PortoException {
        VolumeLinks.link(this, caller, path, container, target, readOnly, required);
    }

    /**
     * Removes the links of {@code container} ("***": every container) with {@code target}
     * ("***": every target, "": the link without a mount); the last link gone destroys the volume.
     */
    public void unlink(Caller caller, String path, String container, String target, boolean strict) throws PortoException {
        VolumeLinks.unlink(this, caller, path, container, target, strict);
    }

    /** A container is gone: its links go, and the volumes left without links are destroyed. */
    public void containerDestroyed(String name) {
        VolumeLinks.containerDestroyed(this, name);
    }

    /** Tears down a volume marked DESTROYING and drops it. */
    void destroy(Volume v) throws PortoException {
        KernelException failed = null;
        try {
            builder.teardown(v);
        } catch (KernelException e) {
            failed = e;
        }
        lock.lock();
        try {
            byPath.remove(v.path);
            store.remove(VolumeRecords.key(v));
        } finally {
            lock.unlock();
        }
        releaseLayers(v);
        if (failed != null)
            throw kernelError("Cannot destroy volume " + v.path, failed);
    }

    // ---- reads and tune ----

    public List<Volume> list(String path, String container) throws PortoException {
        lock.lock();
        try {
            if (path != null && !path.isEmpty()) {
                Volume v = byPath.get(path);
                if (v == null)
                    throw notFound(path);
                return List.of(v);
            }
            List<Volume> out = new ArrayList<>();
            for (Volume v : byPath.values())
                if (container == null || container.isEmpty() || v.linkedTo(container))
                    out.add(v);
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** How many volumes there are, and how many links they have (GetSystem's volume_count, volume_links). */
    public long count() {
        return VolumeQueries.count(this, false);
    }

    public long linkCount() {
        return VolumeQueries.count(this, true);
    }

    /** Upstream's properties of a volume, with usage read from the kernel. */
    public Map<String, String> describe(Volume v) {
        VolumeStorage.Usage[] usage = v.state == Volume.State.READY ? builder.usage(v) : new VolumeStorage.Usage[2];
        lock.lock();
        try {
            return VolumeProperties.describe(v, users, usage[0], usage[1]);
        } finally {
            lock.unlock();
        }
    }

    public void tune(Caller caller, String path, Map<String, String> given) throws PortoException {
        VolumePermissions.requireWriter(users, caller);
        VolumeProperties.checkNames(given, true);
        Volume v;
        VolumeProperties.Limits limits;
        lock.lock();
        try {
            v = ready(path);
            VolumePermissions.requireControl(users, caller, v);
            limits = VolumeProperties.Limits.of(given, v);
            if (limits.spaceGuarantee() != v.spaceGuarantee || limits.inodeGuarantee() != v.inodeGuarantee)
                VolumePlaces.checkGuarantee(this, v, limits.spaceGuarantee(), limits.inodeGuarantee());
            v.state = Volume.State.BUILDING;
        } finally {
            lock.unlock();
        }
        try {
            if (limits.space() != v.spaceLimit || limits.inodes() != v.inodeLimit)
                builder.resize(v, limits.space(), limits.inodes());
        } catch (KernelException e) {
            throw kernelError("Cannot resize volume " + path, e);
        } finally {
            lock.lock();
            try {
                v.state = Volume.State.READY;
            } finally {
                lock.unlock();
            }
        }
        lock.lock();
        try {
            v.spaceLimit = limits.space();
            v.inodeLimit = limits.inodes();
            v.spaceGuarantee = limits.spaceGuarantee();
            v.inodeGuarantee = limits.inodeGuarantee();
            if (given.containsKey("private"))
                v.privateValue = VolumeProperties.privateValue(given.get("private"));
            v.changeTime = clock.nowMillis();
            save(v);
        } finally {
            lock.unlock();
        }
    }

    /** Checks that the volume's mounts are in place; a message of what is wrong, "" when all is well. */
    public String check(Caller caller, String path) throws PortoException {
        return VolumeQueries.check(this, path);
    }

    /** VolumeNotFound unless a volume or a link is at this host path, VolumeNotReady unless that volume is ready. */
    public void requireAt(String hostPath, String shown) throws PortoException {
        VolumeQueries.requireAt(this, hostPath, shown);
    }

    /** Paths of the volumes whose layers include layer {@code name} of place {@code place}: such a layer is in use. */
    public List<String> volumesUsingLayer(String place, String name) {
        return VolumeQueries.volumesUsingLayer(this, place, name);
    }

    /** Paths of the volumes {@code container} owns. */
    public List<String> owned(String container) {
        return VolumeQueries.owned(this, container);
    }

    /** The container's links as upstream prints them: "path [target] [ro] [!]". */
    public List<String> linked(String container) {
        return VolumeQueries.linked(this, container);
    }

    /** Sum of space_limit of the volumes owned by the container or its descendants, by place key, with "total". */
    public Map<String, Long> placeUsage(String container) {
        return VolumeQueries.placeUsage(this, container);
    }

    /** What a volume claims of its owner's place_limit: its place, "tmpfs", or nothing (null). */
    public static String placeKey(Backend backend, String place) {
        return VolumeQueries.placeKey(backend, place);
    }

    // ---- helpers for the package ----

    Volume ready(String path) throws PortoException {
        Volume v = byPath.get(path);
        if (v == null)
            throw notFound(path);
        if (v.state != Volume.State.READY)
            throw new PortoException(ErrorCode.VolumeNotReady, "Volume " + path + " is " + v.state.text());
        return v;
    }

    static PortoException notFound(String path) {
        return new PortoException(ErrorCode.VolumeNotFound, "Volume " + path + " not found");
    }

    /** Every volume, for the package's checks (called with the lock held). */
    Iterable<Volume> volumes() {
        return byPath.values();
    }

    Containers containers() {
        return containers;
    }

    ReentrantLock lock() {
        return lock;
    }

    Map<String, Volume> byPath() {
        return byPath;
    }

    void save(Volume v) {
        try {
            store.save(VolumeRecords.key(v), VolumeRecords.toRecord(v));
        } catch (KernelException e) {
            throw new IllegalStateException("cannot record volume " + v.path + ": " + e.getMessage(), e);
        }
    }

    static PortoException kernelError(String what, KernelException e) {
        ErrorCode code = switch (e.errno()) {
            case 28, 122 -> ErrorCode.NoSpace; // ENOSPC, EDQUOT
            case 2 -> ErrorCode.InvalidPath;
            case 13, 1 -> ErrorCode.Permission;
            case 16 -> ErrorCode.Busy;
            case 95, 19 -> ErrorCode.NotSupported; // EOPNOTSUPP, ENODEV
            default -> ErrorCode.Unknown;
        };
        return new PortoException(code, what + ": " + e.getMessage(), e.errno());
    }
}

package porto.domain.layer;

import static porto.ports.Errno.*;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import porto.domain.ErrorCode;
import porto.domain.PortoException;
import porto.ports.KernelException;
import porto.ports.LaunchSpec;
import porto.ports.layer.LayerFiles;
import porto.ports.layer.LayerFiles.Compression;

/**
 * Layers, storages and meta storages of places, by upstream's rules: names, owners (the importer,
 * kept in {@code _private_NAME}), who may change what (root controls everything; a member of group
 * porto what it owns or what has no owner; anyone else only reads), Busy while a volume uses one,
 * and weak layers removed once unused. Imports unpack into {@code _import_NAME} and are renamed
 * into place when complete, so a layer is either whole or absent.
 */
public final class LayerService {
    private final LayerFiles files;
    private final Places places;
    private final LongSupplier nowSeconds;
    private final java.util.function.IntSupplier portoGid;
    private volatile LayerUsers users = LayerUsers.NONE;
    /** No project quota on places yet: limits of meta storages are refused (NotSupported). */
    private final MetaQuota quota = MetaQuota.NONE;
    /** Paths an import or removal works on; a second request on one answers Busy. */
    private final Set<String> active = new HashSet<>();
    private final AtomicLong removals = new AtomicLong();

    public LayerService(LayerFiles files, Places places, LongSupplier nowSeconds, java.util.function.IntSupplier portoGid) {
        this.files = files;
        this.places = places;
        this.nowSeconds = nowSeconds;
        this.portoGid = portoGid;
    }

    /** Who uses layers and storages (the volumes), once they exist. */
    public void setUsers(LayerUsers users) {
        this.users = users;
    }

    public Places places() {
        return places;
    }

    private static void requireWriter(LayerClient client) throws PortoException {
        if (!client.writer())
            throw new PortoException(ErrorCode.Permission, "Write access denied: needs root or group porto");
    }

    private static void requireControl(LayerClient client, StorageMeta meta, String what) throws PortoException {
        if (!client.controls(meta.ownerUid()))
            throw new PortoException(ErrorCode.Permission, "Cannot " + what + " " + meta.ref().name() + ": user " + client.uid()
                    + " does not own it (owner " + meta.ownerUid() + ")");
    }

    private static LaunchSpec.Cred cred(LayerClient client) {
        return client.root() ? null : new LaunchSpec.Cred(client.uid(), client.gid(), client.groups());
    }

    /** The place's directories as upstream makes them: owner root, group porto, 0700 (created only in the default place). */
    private void preparePlace(String place, StorageRef.Kind kind) throws PortoException {
        String base = place + "/" + (kind == StorageRef.Kind.LAYER ? StorageRef.LAYERS : StorageRef.STORAGE);
        boolean isDefault = place.equals(places.defaultPlace());
        if (!files.isDirectory(base) && !isDefault && kind == StorageRef.Kind.LAYER)
            throw new PortoException(ErrorCode.InvalidValue, base + " must be directory");
        try {
            files.prepareDirectory(base, 0700, portoGid.getAsInt());
        } catch (KernelException e) {
            throw new PortoException(ErrorCode.InvalidValue, e.getMessage(), e.errno());
        }
        removeJunk(base);
    }

    /** What a daemon that died while importing or removing left: half-imported and half-removed entries no request works on. */
    private void removeJunk(String base) {
        for (String name : files.subdirectories(base)) {
            String path = base + "/" + name;
            boolean junk = name.startsWith(StorageRef.IMPORT_PREFIX) || name.startsWith(StorageRef.REMOVE_PREFIX);
            synchronized (active) {
                if (!junk || active.contains(path))
                    continue;
                active.add(path);
            }
            try {
                removeQuietly(path);
            } finally {
                end(path);
            }
        }
    }

    private void begin(String path, String what) throws PortoException {
        synchronized (active) {
            if (!active.add(path))
                throw new PortoException(ErrorCode.Busy, what + " is being imported or removed right now");
        }
    }

    private void end(String path) {
        synchronized (active) {
            active.remove(path);
        }
    }

    private static Compression compression(String name) throws PortoException {
        if (name == null || name.isEmpty())
            return null;
        Compression c = Compression.named(name);
        if (c == null)
            throw new PortoException(ErrorCode.InvalidValue, "unknown archive compression " + name + " (tar, tgz, txz, tzst)");
        return c;
    }

    private static String absolute(String archive) throws PortoException {
        if (archive == null || !archive.startsWith("/"))
            throw new PortoException(ErrorCode.InvalidValue, "archive path must be absolute: " + archive);
        return archive;
    }

    /** Upstream's error for a failed unpack or pack: Permission for the client's rights, InvalidValue for bad archives. */
    private static PortoException archiveFailure(String what, KernelException e) {
        if (e instanceof LayerFiles.ArchiveException)
            return new PortoException(ErrorCode.InvalidValue, what + ": " + e.getMessage());
        if (e.errno() == EACCES || e.errno() == EPERM)
            return new PortoException(ErrorCode.Permission, what + ": " + e.getMessage(), e.errno());
        if (e.errno() == ENOENT)
            return new PortoException(ErrorCode.InvalidValue, what + ": archive not found: " + e.getMessage(), e.errno());
        if (e.errno() == EEXIST)
            return new PortoException(ErrorCode.InvalidValue, what + ": archive already exists: " + e.getMessage(), e.errno());
        return new PortoException(ErrorCode.Unknown, what + ": " + e.getMessage(), e.errno());
    }

    /** importLayer / importStorage: unpacks {@code archive} (a file, or for root a directory) as a new entry, or into it when merging. */
    public void importArchive(LayerClient client, StorageRef.Kind kind, String place, String name, String archive,
            boolean merge, String privateValue, String compress) throws PortoException {
        requireWriter(client);
        StorageRef ref = StorageRef.of(kind, places.resolve(place), name);
        Compression compression = compression(compress);
        absolute(archive);
        preparePlace(ref.place(), StorageRef.Kind.LAYER);
        preparePlace(ref.place(), StorageRef.Kind.STORAGE);
        if (ref.meta() != null && !files.isDirectory(ref.base()))
            throw new PortoException(ErrorCode.VolumeNotFound, "MetaStorage " + ref.meta() + " not found");
        String temp = ref.sibling(StorageRef.IMPORT_PREFIX);
        begin(temp, ref.name());
        try {
            boolean exists = files.exists(ref.path());
            if (exists && !merge)
                throw new PortoException(ErrorCode.LayerAlreadyExists, ref.kindName() + " " + ref.name() + " already exists");
            if (exists) {
                requireControl(client, StorageMeta.load(files, ref), "merge into");
                checkUnused(ref);
                rename(ref.path(), temp);
            } else {
                files.removeTree(temp); // left by a daemon that died while importing
                files.createDirectory(temp);
            }
            try {
                files.importArchive(archive, temp, new LayerFiles.ImportOptions(compression, client.root(),
                        !merge && kind == StorageRef.Kind.LAYER), cred(client));
                StorageMeta.save(files, new StorageRef(ref.kind(), ref.place(), ref.name()), client.uid(), client.gid(),
                        privateValue == null ? "" : privateValue);
                rename(temp, ref.path());
            } catch (KernelException e) {
                // As upstream, a failed merge loses the layer it was merged into.
                removeQuietly(temp);
                removeQuietly(ref.sibling(StorageRef.PRIVATE_PREFIX));
                throw archiveFailure("cannot import " + ref.name() + " from " + archive, e);
            } catch (PortoException e) {
                removeQuietly(temp);
                removeQuietly(ref.sibling(StorageRef.PRIVATE_PREFIX));
                throw e;
            }
        } catch (KernelException e) {
            throw new PortoException(ErrorCode.Unknown, "cannot import " + ref.name() + ": " + e.getMessage(), e.errno());
        } finally {
            end(temp);
        }
    }

    private void rename(String from, String to) throws PortoException {
        try {
            files.rename(from, to);
        } catch (KernelException e) {
            throw new PortoException(ErrorCode.Unknown, e.getMessage(), e.errno());
        }
    }

    private void removeQuietly(String path) {
        try {
            files.removeTree(path);
        } catch (KernelException e) {
            // what is left is junk that the next import of the name removes
        }
    }

    private void checkUnused(StorageRef ref) throws PortoException {
        String user = switch (ref.kind()) {
            case LAYER -> users.layerUser(ref.place(), ref.name());
            case STORAGE -> users.storageUser(ref.place(), ref.name());
            case META -> files.subdirectories(ref.path()).isEmpty() ? null : ref.path() + " is not empty";
        };
        if (user != null)
            throw new PortoException(ErrorCode.Busy, ref.kindName() + " " + ref.name() + " in use by " + user);
    }

    /** exportLayer / exportStorage: packs an entry into a new archive created with the client's rights. */
    public void exportArchive(LayerClient client, StorageRef.Kind kind, String place, String name, String archive, String compress)
            throws PortoException {
        requireWriter(client);
        StorageRef ref = StorageRef.of(kind, places.resolve(place), name);
        StorageMeta meta = StorageMeta.load(files, ref);
        requireControl(client, meta, "export");
        absolute(archive);
        Compression compression = compression(compress);
        if (compression == null)
            compression = Compression.ofFileName(archive);
        if (kind == StorageRef.Kind.STORAGE)
            checkUnused(ref);
        try {
            files.exportArchive(ref.path(), archive, compression, cred(client));
        } catch (KernelException e) {
            throw archiveFailure("cannot export " + ref.name() + " to " + archive, e);
        }
    }

    /** removeLayer / removeStorage / RemoveMetaStorage. */
    public void remove(LayerClient client, StorageRef.Kind kind, String place, String name) throws PortoException {
        requireWriter(client);
        StorageRef ref = StorageRef.of(kind, places.resolve(place), name);
        remove(ref, client, false);
    }

    private void remove(StorageRef ref, LayerClient client, boolean weak) throws PortoException {
        StorageMeta meta = StorageMeta.load(files, ref);
        if (!weak)
            requireControl(client, meta, "remove");
        begin(ref.path(), ref.name());
        String temp = ref.sibling(StorageRef.REMOVE_PREFIX + removals.incrementAndGet() + "_");
        begin(temp, ref.name());
        try {
            checkUnused(ref);
            rename(ref.path(), temp);
            removeQuietly(ref.sibling(StorageRef.PRIVATE_PREFIX));
            if (ref.kind() == StorageRef.Kind.META)
                quota.remove(temp);
            files.removeTree(temp);
        } catch (KernelException e) {
            throw new PortoException(ErrorCode.Unknown, "cannot remove " + ref.name() + ": " + e.getMessage(), e.errno());
        } finally {
            end(temp);
            end(ref.path());
        }
    }

    /**
     * A volume stopped using layer {@code name} of {@code place}: a weak layer nobody else uses is
     * removed, whoever owns it. For the volume domain to call.
     */
    public void layerReleased(String place, String name) {
        try {
            StorageRef ref = StorageRef.of(StorageRef.Kind.LAYER, place, name);
            if (ref.weak() && files.isDirectory(ref.path()) && users.layerUser(place, name) == null)
                remove(ref, null, true);
        } catch (PortoException e) {
            // in use again, or already gone
        }
    }

    /** A volume uses layer or storage {@code name} now: its last usage restarts. For the volume domain to call. */
    public void touch(StorageRef.Kind kind, String place, String name) {
        try {
            StorageRef ref = StorageRef.of(kind, place, name);
            String priv = ref.sibling(StorageRef.PRIVATE_PREFIX);
            files.touch(files.exists(priv) ? priv : ref.path());
        } catch (PortoException | KernelException e) {
            // nothing to touch
        }
    }

    public String getPrivate(String place, String name) throws PortoException {
        return StorageMeta.load(files, StorageRef.of(StorageRef.Kind.LAYER, places.resolve(place), name)).privateValue();
    }

    /** setlayerprivate, and the private value of a storage or meta storage. */
    public void setPrivate(LayerClient client, StorageRef.Kind kind, String place, String name, String value) throws PortoException {
        requireWriter(client);
        StorageMeta meta = StorageMeta.load(files, StorageRef.of(kind, places.resolve(place), name));
        requireControl(client, meta, "set private of");
        StorageMeta.save(files, meta.ref(), meta.ownerUid(), meta.ownerGid(), value);
    }

    /** One entry of a listing, with its last usage in seconds. */
    public record Listed(StorageMeta meta, long lastUsage) {}

    /** listLayers: the place's layers and those of its meta storages ("META/NAME"), matching {@code mask} when given. */
    public List<Listed> listLayers(String place, String mask) throws PortoException {
        return StorageListing.layers(files, places.resolve(place), mask, nowSeconds.getAsLong());
    }

    /** listStorage: storages, meta storages and the storages in them. */
    public List<Listed> listStorage(String place, String mask) throws PortoException {
        return StorageListing.storages(files, places.resolve(place), mask, nowSeconds.getAsLong());
    }

    /**
     * The directory of an existing layer or storage for a volume to use, its last usage restarted;
     * LayerNotFound or VolumeNotFound when there is none. For the volume domain.
     */
    public String use(StorageRef.Kind kind, String place, String name) throws PortoException {
        StorageRef ref = StorageRef.of(kind, places.resolve(place), name);
        StorageMeta.load(files, ref);
        touch(kind, ref.place(), name);
        return ref.path();
    }

    /** CreateMetaStorage: a directory for layers and storages of one owner, with optional limits. */
    public void createMeta(LayerClient client, String place, String name, String privateValue, long spaceLimit, long inodeLimit)
            throws PortoException {
        requireWriter(client);
        StorageRef ref = StorageRef.of(StorageRef.Kind.META, places.resolve(place), name);
        preparePlace(ref.place(), StorageRef.Kind.STORAGE);
        try {
            files.createDirectory(ref.path());
        } catch (KernelException e) {
            throw new PortoException(e.errno() == EEXIST ? ErrorCode.VolumeAlreadyExists : ErrorCode.Unknown,
                    "cannot create meta storage " + name + ": " + e.getMessage(), e.errno());
        }
        try {
            quota.set(ref.path(), spaceLimit, inodeLimit);
            StorageMeta.save(files, ref, client.uid(), client.gid(), privateValue == null ? "" : privateValue);
        } catch (PortoException e) {
            removeQuietly(ref.path());
            removeQuietly(ref.sibling(StorageRef.PRIVATE_PREFIX));
            throw e;
        }
    }

    /** ResizeMetaStorage: a new private value and/or new limits. */
    public void resizeMeta(LayerClient client, String place, String name, String privateValue, Long spaceLimit, Long inodeLimit)
            throws PortoException {
        requireWriter(client);
        StorageRef ref = StorageRef.of(StorageRef.Kind.META, places.resolve(place), name);
        StorageMeta meta = StorageMeta.load(files, ref);
        requireControl(client, meta, "resize");
        if (privateValue != null)
            StorageMeta.save(files, ref, meta.ownerUid(), meta.ownerGid(), privateValue);
        if (spaceLimit != null || inodeLimit != null)
            quota.set(ref.path(), spaceLimit == null ? 0 : spaceLimit, inodeLimit == null ? 0 : inodeLimit);
    }
}

package porto.domain.volume;

import java.util.ArrayList;
import java.util.List;
import porto.domain.ErrorCode;
import porto.domain.PortoException;
import porto.ports.KernelException;
import porto.ports.volume.VolumeStorage;

/**
 * The kernel work of each backend: configure (checks that need the filesystem), build, tear
 * down, resize and account. Everything a volume makes is below its internals or named in its
 * record, so tearing down needs nothing but the record.
 */
final class VolumeBuilder {
    static final String LOOP_IMAGE = "loop.img";
    private final VolumeStorage storage;

    VolumeBuilder(VolumeStorage storage) {
        this.storage = storage;
    }

    /** Picks the backend as upstream does when none is given: loop, overlay, native, plain. */
    Backend autodetect(Volume v) {
        boolean quota = storage.projectQuotaUnsupported(v.place + "/" + VolumeService.VOLUMES_DIR) == null;
        boolean limits = v.spaceLimit != 0 || v.inodeLimit != 0;
        if ((limits && !quota) || (v.storagePath != null && storage.isRegularFile(v.storagePath)))
            return Backend.LOOP;
        if (!v.layers.isEmpty() && storage.filesystemUnsupported("overlay") == null)
            return Backend.OVERLAY;
        return quota ? Backend.NATIVE : Backend.PLAIN;
    }

    /** The backend's own rules on the other properties, with upstream's codes. */
    void configure(Volume v) throws PortoException {
        boolean limits = v.spaceLimit != 0 || v.inodeLimit != 0;
        boolean given = !v.storage.isEmpty();
        switch (v.backend) {
            case PLAIN -> {
                if (limits)
                    throw invalid("Plain backend have no support of quota");
            }
            case BIND -> {
                if (!given)
                    throw invalid("bind backed require storage");
                if (limits)
                    throw invalid("bind backend doesn't support quota");
                if (!v.layers.isEmpty())
                    throw invalid("bind backend doesn't support layers");
            }
            case TMPFS -> {
                if (v.spaceLimit == 0)
                    throw invalid("tmpfs backend requires space_limit");
                if (given)
                    throw invalid("tmpfs backed doesn't support storage");
                if (!v.layers.isEmpty())
                    throw invalid("tmpfs backed doesn't support layers");
            }
            case QUOTA -> {
                if (v.autoPath)
                    throw invalid("Quota backend requires path");
                if (!limits)
                    throw invalid("Quota backend requires space_limit");
                if (v.readOnly)
                    throw invalid("Quota backed doesn't support read_only");
                if (given)
                    throw invalid("Quota backed doesn't support storage");
                if (!v.layers.isEmpty())
                    throw invalid("Quota backed doesn't support layers");
                requireQuota(v.path);
            }
            case NATIVE -> {
                if (limits)
                    requireQuota(parentOrSelf(v.storagePath));
            }
            case OVERLAY, SQUASH -> {
                String why = storage.filesystemUnsupported("overlay");
                if (why != null)
                    throw new PortoException(ErrorCode.NotSupported, "overlay not supported: " + why);
                if (v.layers.isEmpty())
                    throw invalid(v.backend.text() + " require layers");
                if (v.backend == Backend.SQUASH) {
                    why = storage.filesystemUnsupported("squashfs");
                    if (why != null)
                        throw new PortoException(ErrorCode.NotSupported, "squashfs not supported: " + why);
                }
                if (limits)
                    requireQuota(parentOrSelf(v.storagePath));
            }
            case LOOP -> {
                if (!storage.exists(loopImage(v)) && v.spaceLimit == 0)
                    throw invalid("loop backend requires space_limit");
                if (v.inodeLimit != 0)
                    throw new PortoException(ErrorCode.NotSupported, "loop backend cannot limit inodes of an existing ext4: inode_limit");
            }
            case RBD -> throw new PortoException(ErrorCode.NotSupported,
                    "rbd backend needs a Ceph cluster and the rbd kernel module, which this host does not have");
            case LVM -> throw new PortoException(ErrorCode.NotSupported,
                    "lvm backend needs device-mapper, which this kernel lacks");
        }
        if (!v.layers.isEmpty() && v.readOnly && v.backend != Backend.OVERLAY && v.backend != Backend.SQUASH)
            throw invalid("Cannot copy layers to read-only volume");
    }

    private static PortoException invalid(String message) {
        return new PortoException(ErrorCode.InvalidProperty, message);
    }

    /** NotSupported naming the filesystem when project quota cannot limit below {@code dir}. */
    void requireQuota(String dir) throws PortoException {
        String why = storage.projectQuotaUnsupported(dir);
        if (why != null)
            throw new PortoException(ErrorCode.NotSupported, "space_limit/inode_limit need project quota: " + why);
    }

    /** Storage of the volume may not exist yet: its place's filesystem decides. */
    private String parentOrSelf(String path) {
        String p = path;
        while (!storage.exists(p) && p.lastIndexOf('/') > 0)
            p = p.substring(0, p.lastIndexOf('/'));
        return p;
    }

    String loopImage(Volume v) {
        return storage.isRegularFile(v.storagePath) ? v.storagePath : v.storagePath + "/" + LOOP_IMAGE;
    }

    /** Makes the volume; on failure the caller tears down whatever was made. */
    void build(Volume v, List<String> layerDirs) throws KernelException, PortoException {
        String internals = v.internals();
        String at = v.internalPath();
        storage.makeDirectory(internals, 0, 0, 0755);
        switch (v.backend) {
            case PLAIN, BIND, NATIVE -> {
                if (v.backend != Backend.BIND)
                    makeStorageDirectory(v);
                if (v.backend == Backend.NATIVE && limited(v))
                    storage.setProjectQuota(v.storagePath, v.spaceLimit, v.inodeLimit);
                storage.makeDirectory(at, 0, 0, 0755);
                storage.bind(v.storagePath, at, false);
            }
            case TMPFS -> {
                storage.makeDirectory(at, 0, 0, 0755);
                storage.mountTmpfs(at, v.spaceLimit, v.inodeLimit, v.uid, v.gid, v.permissions);
            }
            case QUOTA -> storage.setProjectQuota(v.path, v.spaceLimit, v.inodeLimit);
            case OVERLAY, SQUASH -> buildOverlay(v, layerDirs);
            case LOOP -> buildLoop(v);
            default -> throw new PortoException(ErrorCode.NotSupported, "backend " + v.backend.text());
        }
        if (!v.layers.isEmpty() && v.backend != Backend.OVERLAY && v.backend != Backend.SQUASH)
            for (int i = layerDirs.size() - 1; i >= 0; i--)
                storage.copyTree(layerDirs.get(i), at);
        if (!v.autoPath && v.backend != Backend.QUOTA)
            storage.bind(at, v.path, v.readOnly);
        else if (v.readOnly)
            storage.remount(at, true);
    }

    private static boolean limited(Volume v) {
        return v.spaceLimit != 0 || v.inodeLimit != 0;
    }

    /** A fresh storage directory takes the volume's user, group and permissions; a kept one keeps its own. */
    private void makeStorageDirectory(Volume v) throws KernelException {
        if (storage.exists(v.storagePath))
            return;
        storage.makeDirectory(v.storagePath, v.uid, v.gid, v.permissions);
    }

    private void buildOverlay(Volume v, List<String> layerDirs) throws KernelException {
        List<String> lower = new ArrayList<>(layerDirs);
        if (v.backend == Backend.SQUASH) {
            String image = layerDirs.get(0);
            String squash = v.internals() + "/lower"; // not "squash": that is the default storage
            v.loopDevice = storage.attachLoop(image, true);
            storage.makeDirectory(squash, 0, 0, 0755);
            storage.mountDevice(v.loopDevice, "squashfs", squash, true);
            lower.set(0, squash);
        }
        boolean fresh = !storage.exists(v.storagePath);
        storage.makeDirectory(v.storagePath, 0, 0, 0755);
        String upper = v.storagePath + "/upper";
        String work = v.storagePath + "/work";
        if (fresh || !storage.exists(upper))
            storage.makeDirectory(upper, v.uid, v.gid, v.permissions);
        storage.makeDirectory(work, 0, 0, 0700);
        if (limited(v))
            storage.setProjectQuota(v.storagePath, v.spaceLimit, v.inodeLimit);
        String at = v.internalPath();
        storage.makeDirectory(at, 0, 0, 0755);
        storage.mountOverlay(at, lower, upper, work);
    }

    private void buildLoop(Volume v) throws KernelException {
        String image = loopImage(v);
        boolean fresh = !storage.exists(image);
        if (fresh) {
            if (!storage.isRegularFile(v.storagePath))
                storage.makeDirectory(v.storagePath, 0, 0, 0755);
            storage.makeExt4Image(image, v.spaceLimit);
        }
        v.loopDevice = storage.attachLoop(image, false);
        String at = v.internalPath();
        storage.makeDirectory(at, 0, 0, 0755);
        storage.mountDevice(v.loopDevice, "ext4", at, false);
        if (fresh)
            storage.setOwner(at, v.uid, v.gid, v.permissions);
    }

    /**
     * Undoes a volume from its record alone: link binds, the path's bind, mounts in the internals,
     * the loop device, the quota, the internals and a storage that is not kept. Errors are
     * collected and the rest is still done; the first is thrown at the end.
     */
    void teardown(Volume v) throws KernelException {
        List<KernelException> errors = new ArrayList<>();
        for (VolumeLink l : v.links)
            if (l.mounted())
                unmountIfMounted(l.hostTarget(), errors);
        if (!v.autoPath && v.backend != Backend.QUOTA)
            unmountIfMounted(v.path, errors);
        for (String m : storage.mountsUnder(v.internals()))
            unmountIfMounted(m, errors);
        if (v.loopDevice.isEmpty()) // attached by a build the daemon did not live to record
            v.loopDevice = attachedImage(v) == null ? "" : storage.loopOf(attachedImage(v)).orElse("");
        if (!v.loopDevice.isEmpty()) {
            try {
                storage.detachLoop(v.loopDevice);
            } catch (KernelException e) {
                errors.add(e);
            }
        }
        if (v.backend.limitsByProjectQuota() && limited(v)) {
            String dir = v.backend == Backend.QUOTA ? v.path : v.storagePath;
            try {
                if (storage.exists(dir))
                    storage.clearProjectQuota(dir);
            } catch (KernelException e) {
                errors.add(e);
            }
        }
        try {
            if (!v.keepStorage && v.storagePath != null && !v.storagePath.isEmpty() && !v.storagePath.startsWith(v.internals() + "/"))
                storage.removeTree(v.storagePath);
            storage.removeTree(v.internals());
        } catch (KernelException e) {
            errors.add(e);
        }
        if (!errors.isEmpty())
            throw errors.get(0);
    }

    /** The file a loop or squash volume attaches to a loop device. */
    private String attachedImage(Volume v) {
        if (v.backend == Backend.LOOP && v.storagePath != null && !v.storagePath.isEmpty())
            return loopImage(v);
        if (v.backend == Backend.SQUASH && !v.layers.isEmpty()) {
            String top = v.layers.get(0);
            return top.startsWith("/") ? top : v.place + "/" + VolumeService.LAYERS_DIR + "/" + top;
        }
        return null;
    }

    private void unmountIfMounted(String path, List<KernelException> errors) {
        try {
            if (storage.isMountPoint(path))
                storage.unmount(path);
        } catch (KernelException e) {
            errors.add(e);
        }
    }

    /** Space and inodes taken, as upstream reports them: the quota's count, else the filesystem's. */
    VolumeStorage.Usage[] usage(Volume v) {
        try {
            if (v.backend.limitsByProjectQuota() && limited(v)) {
                VolumeStorage.Usage used = storage.projectUsage(v.backend == Backend.QUOTA ? v.path : v.storagePath);
                VolumeStorage.FsInfo fs = storage.fsInfo(v.internalPath());
                long space = v.spaceLimit == 0 ? fs.freeBytes() : Math.max(0, Math.min(fs.freeBytes(), v.spaceLimit - used.bytes()));
                long inodes = v.inodeLimit == 0 ? fs.freeInodes() : Math.max(0, Math.min(fs.freeInodes(), v.inodeLimit - used.inodes()));
                return new VolumeStorage.Usage[] {used, new VolumeStorage.Usage(space, inodes)};
            }
            VolumeStorage.FsInfo fs = storage.fsInfo(v.internalPath());
            return new VolumeStorage.Usage[] {
                new VolumeStorage.Usage(fs.totalBytes() - fs.freeBytes(), fs.totalInodes() - fs.freeInodes()),
                new VolumeStorage.Usage(fs.freeBytes(), fs.freeInodes())};
        } catch (KernelException e) {
            return new VolumeStorage.Usage[] {null, null};
        }
    }

    /** Applies new limits to a built volume. */
    void resize(Volume v, long space, long inodes) throws KernelException, PortoException {
        switch (v.backend) {
            case TMPFS -> {
                if (space == 0)
                    throw invalid("tmpfs backend requires space_limit");
                storage.remountTmpfs(v.internalPath(), space, inodes);
            }
            case QUOTA, NATIVE, OVERLAY, SQUASH -> {
                String dir = v.backend == Backend.QUOTA ? v.path : v.storagePath;
                requireQuota(dir);
                storage.setProjectQuota(dir, space, inodes);
            }
            case LOOP -> {
                if (space < v.spaceLimit)
                    throw new PortoException(ErrorCode.NotSupported, "Online shrink is not supported yet");
                if (inodes != v.inodeLimit)
                    throw new PortoException(ErrorCode.NotSupported, "loop backend cannot limit inodes: inode_limit");
                storage.growExt4Image(loopImage(v), v.loopDevice, space);
            }
            default -> throw invalid(v.backend.text() + " backend has no support of quota");
        }
    }
}

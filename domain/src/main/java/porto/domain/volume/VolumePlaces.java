package porto.domain.volume;

import java.util.ArrayList;
import java.util.List;
import porto.domain.ErrorCode;
import porto.domain.PortoException;
import porto.ports.KernelException;
import porto.ports.volume.VolumeStorage;

/**
 * Where a volume lives: its place (with porto_volumes, porto_layers and porto_storage), its
 * layers and storage resolved in it, the checks that volumes do not overlap, and the space
 * guarantees of a place, which together never exceed what its filesystem can give.
 */
final class VolumePlaces {
    private VolumePlaces() {}

    private static final List<String> SYSTEM = List.of("/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64",
            "/libx32", "/proc", "/root", "/sbin", "/sys", "/usr", "/var", "/run");

    static boolean isSystemPath(String path) {
        if (path.equals("/"))
            return true;
        for (String s : SYSTEM)
            if (path.equals(s) || path.startsWith(s + "/"))
                return true;
        return false;
    }

    static void resolvePlace(VolumeService s, porto.domain.Caller caller, Volume v, String given) throws PortoException {
        String place = given == null || given.isEmpty() ? s.defaultPlace() : given;
        if (!VolumeProperties.isNormal(place))
            throw new PortoException(ErrorCode.InvalidPath, "Place path must be normalized: " + place);
        if (!place.equals(s.defaultPlace()) && !s.storage.isDirectory(place))
            throw new PortoException(ErrorCode.InvalidPath, "Place " + place + " does not exist");
        if (!place.equals(s.defaultPlace()) && isSystemPath(place))
            throw new PortoException(ErrorCode.InvalidPath, "Place " + place + " in system directory");
        // Making porto_volumes in a directory is the client's to ask only where it may write.
        if (!place.equals(s.defaultPlace()) && !s.storage.isDirectory(place + "/" + VolumeService.VOLUMES_DIR))
            VolumePermissions.requireWritable(s.storage, s.users, caller, place, "Place");
        try {
            s.storage.makeDirectory(place + "/" + VolumeService.VOLUMES_DIR, 0, 0, 0755);
        } catch (KernelException e) {
            throw VolumeService.kernelError("Cannot prepare place " + place, e);
        }
        v.place = place;
    }

    /** Host directories of the layers, top first; LayerNotFound for one that is missing. */
    static List<String> resolveLayers(VolumeService s, Volume v) throws PortoException {
        List<String> dirs = new ArrayList<>();
        for (int i = 0; i < v.layers.size(); i++) {
            String layer = v.layers.get(i);
            String dir = layer.startsWith("/") ? layer : v.place + "/" + VolumeService.LAYERS_DIR + "/" + layer;
            if (!s.storage.exists(dir))
                throw new PortoException(ErrorCode.LayerNotFound, "Layer not found " + dir);
            if (layer.startsWith("/") && isSystemPath(dir))
                throw new PortoException(ErrorCode.InvalidPath, "Layer path " + dir + " in system directory");
            boolean squashImage = i == 0 && (v.backend == Backend.SQUASH) && s.storage.isRegularFile(dir);
            if (!squashImage && !s.storage.isDirectory(dir))
                throw new PortoException(ErrorCode.InvalidPath, "Layer must be a directory: " + dir);
            if (v.backend == Backend.SQUASH && i == 0 && !squashImage)
                throw new PortoException(ErrorCode.InvalidValue, "squash backend expects a squashfs image as top layer: " + dir);
            dirs.add(dir);
        }
        return dirs;
    }

    /** The volume's layers that are layers of its place (by name or by their path there), by name. */
    static List<String> placeLayers(Volume v) {
        String dir = v.place + "/" + VolumeService.LAYERS_DIR + "/";
        List<String> names = new ArrayList<>();
        for (String layer : v.layers) {
            String name = layer.startsWith(dir) ? layer.substring(dir.length()) : layer;
            if (!name.startsWith("/") && !name.isEmpty() && !name.contains("/"))
                names.add(name);
        }
        return names;
    }

    static void checkVolumePath(VolumeService s, String path) throws PortoException {
        if (isSystemPath(path))
            throw new PortoException(ErrorCode.InvalidPath, "Volume path " + path + " in system directory");
        if (!s.storage.isDirectory(path))
            throw new PortoException(ErrorCode.InvalidPath, "Volume path does not exist: " + path);
    }

    static void resolveStorage(VolumeService s, Volume v) throws PortoException {
        if (v.backend == Backend.RBD || v.backend == Backend.LVM)
            return; // their storage names remote things; the backend itself answers
        if (v.storage.isEmpty()) {
            v.keepStorage = false;
            return;
        }
        if (v.storage.startsWith("/")) {
            if (!VolumeProperties.isNormal(v.storage))
                throw new PortoException(ErrorCode.InvalidPath, "Storage path must be normalized");
            if (!s.storage.exists(v.storage))
                throw new PortoException(ErrorCode.InvalidPath, "Storage path does not exist: " + v.storage);
            if (isSystemPath(v.storage))
                throw new PortoException(ErrorCode.InvalidPath, "Storage in system directory: " + v.storage);
            v.storagePath = v.storage;
        } else {
            VolumeProperties.checkName(v.storage, "storage");
            String dir = v.place + "/" + VolumeService.STORAGE_DIR;
            try {
                s.storage.makeDirectory(dir, 0, 0, 0700);
            } catch (KernelException e) {
                throw VolumeService.kernelError("Cannot prepare " + dir, e);
            }
            v.storagePath = dir + "/" + v.storage;
        }
        v.keepStorage = true;
    }

    /** With the lock held: the new volume's path and storage against every other volume. */
    static void checkConflicts(VolumeService s, Volume v) throws PortoException {
        for (Volume o : s.volumes()) {
            if (o.backend != Backend.BIND && inside(v.path, o.path))
                throw new PortoException(ErrorCode.InvalidPath, "Volume path " + v.path + " overlaps with volume " + o.path);
            if (v.path.equals(o.internals()) || inside(v.path, o.internals()) || inside(o.path, v.path))
                throw new PortoException(ErrorCode.InvalidPath, "Volume path " + v.path + " overlaps with volume " + o.path);
            if (v.storagePath != null && v.storagePath.equals(o.storagePath) && (!v.readOnly || !o.readOnly)
                    && !(v.backend == Backend.BIND && o.backend == Backend.BIND))
                throw new PortoException(ErrorCode.Busy, "Storage already in use by volume " + o.path);
            for (VolumeLink l : o.links)
                if (l.mounted() && l.hostTarget().equals(v.path))
                    throw new PortoException(ErrorCode.Busy, "Volume path " + v.path + " is used by volume " + o.path);
        }
    }

    /** With the lock held: a link's mount point may not be another volume's path or link. */
    static void checkTarget(VolumeService s, Volume v, String hostTarget) throws PortoException {
        if (isSystemPath(hostTarget))
            throw new PortoException(ErrorCode.InvalidPath, "Link target " + hostTarget + " in system directory");
        for (Volume o : s.volumes()) {
            if (o.path.equals(hostTarget))
                throw new PortoException(ErrorCode.Busy, "Link target " + hostTarget + " is volume " + o.path);
            for (VolumeLink l : o.links)
                if (l.mounted() && l.hostTarget().equals(hostTarget))
                    throw new PortoException(ErrorCode.Busy, "Link target " + hostTarget + " is used by volume " + o.path);
        }
        if (hostTarget.equals(v.path) || inside(v.path, hostTarget))
            throw new PortoException(ErrorCode.InvalidPath, "Link target " + hostTarget + " is inside volume " + v.path);
    }

    /** Whether {@code path} is strictly below {@code dir}. */
    static boolean inside(String path, String dir) {
        return path.startsWith(dir.endsWith("/") ? dir : dir + "/");
    }

    /**
     * With the lock held: what the place's filesystem has free, less what other volumes' guarantees
     * still claim (guarantee minus usage), must cover the new guarantee; NoSpace when not.
     */
    static void checkGuarantee(VolumeService s, Volume v, long space, long inodes) throws PortoException {
        if (space == 0 && inodes == 0)
            return;
        VolumeStorage.FsInfo fs;
        try {
            fs = s.storage.fsInfo(v.place);
        } catch (KernelException e) {
            throw VolumeService.kernelError("Cannot read the capacity of place " + v.place, e);
        }
        long claimedSpace = 0;
        long claimedInodes = 0;
        for (Volume o : s.volumes()) {
            if (o == v || !o.place.equals(v.place) || o.backend == Backend.TMPFS)
                continue;
            VolumeStorage.Usage used = o.state == Volume.State.READY ? s.builder.usage(o)[0] : null;
            long usedBytes = used == null || !accountedByQuota(o) ? 0 : used.bytes();
            long usedInodes = used == null || !accountedByQuota(o) ? 0 : used.inodes();
            claimedSpace += Math.max(0, o.spaceGuarantee - usedBytes);
            claimedInodes += Math.max(0, o.inodeGuarantee - usedInodes);
        }
        long ownUsed = 0;
        long ownInodes = 0;
        if (v.state == Volume.State.READY && accountedByQuota(v)) {
            VolumeStorage.Usage used = s.builder.usage(v)[0];
            if (used != null) {
                ownUsed = used.bytes();
                ownInodes = used.inodes();
            }
        }
        if (space > 0 && fs.freeBytes() - claimedSpace < space - ownUsed)
            throw new PortoException(ErrorCode.NoSpace, "Not enough space for volume guarantee: need " + space
                    + ", place " + v.place + " has " + Math.max(0, fs.freeBytes() - claimedSpace) + " not guaranteed to others");
        if (inodes > 0 && fs.freeInodes() - claimedInodes < inodes - ownInodes)
            throw new PortoException(ErrorCode.NoSpace, "Not enough inodes for volume guarantee: need " + inodes
                    + ", place " + v.place + " has " + Math.max(0, fs.freeInodes() - claimedInodes) + " not guaranteed to others");
    }

    /** Usage that counts against a guarantee: a project's own count, or an image's filesystem. */
    private static boolean accountedByQuota(Volume v) {
        return v.backend == Backend.LOOP || (v.backend.limitsByProjectQuota() && (v.spaceLimit != 0 || v.inodeLimit != 0));
    }
}

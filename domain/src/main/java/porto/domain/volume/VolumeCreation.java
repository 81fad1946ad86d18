package porto.domain.volume;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import porto.domain.Caller;
import porto.domain.ErrorCode;
import porto.domain.PortoException;
import porto.ports.KernelException;

/**
 * The creation of a volume: its properties checked, its place, layers, storage and path resolved
 * (the container side asked before the volume lock is taken), registered BUILDING and recorded
 * under the lock, built with the lock released, and recorded READY; a failed build is undone.
 */
final class VolumeCreation {
    private VolumeCreation() {}

    static Volume create(VolumeService s, Caller caller, VolumeService.Names names, String path, Map<String, String> given)
            throws PortoException {
        VolumePermissions.requireWriter(s.users, caller);
        Volume v = new Volume("?");
        v.uid = caller.uid();
        v.gid = caller.gid();
        v.ownerUid = caller.uid();
        v.ownerGid = caller.gid();
        v.ownerContainer = caller.container();
        v.creator = caller.container() + " " + s.users.userName(caller.uid()).orElse(Integer.toString(caller.uid()))
                + " " + s.users.groupName(caller.gid()).orElse(Integer.toString(caller.gid()));
        VolumeProperties.apply(v, given, s.users);
        VolumePermissions.checkOwnerChange(s.users, caller, v);
        if (given.containsKey("owner_container"))
            v.ownerContainer = names.resolve(given.get("owner_container"));
        List<String> linkTo = new ArrayList<>();
        for (String c : porto.domain.Values.splitList(given.getOrDefault("containers", "self"), ';'))
            if (!c.isBlank())
                linkTo.add(s.requireContainer(names.resolve(c.trim())));
        if (linkTo.isEmpty())
            linkTo.add(s.requireContainer(caller.container()));
        String targetRoot = s.containers().hostRoot(names.resolve(given.getOrDefault("target_container", "self")));
        VolumePlaces.resolvePlace(s, caller, v, given.get("place"));
        List<String> layerDirs = VolumePlaces.resolveLayers(s, v);
        if (path != null && !path.isEmpty()) {
            if (!VolumeProperties.isNormal(path))
                throw new PortoException(ErrorCode.InvalidPath, "Volume path must be normalized: " + path);
            v.path = targetRoot.equals("/") ? path : targetRoot + path;
            VolumePlaces.checkVolumePath(s, v.path);
            VolumePermissions.requireWritable(s.storage, s.users, caller, v.path, "Volume path");
        } else {
            v.autoPath = true;
        }
        s.lock().lock();
        try {
            v.id = Long.toString(s.nextId(v.place));
            if (v.autoPath)
                v.path = v.internals() + "/volume";
            VolumePlaces.resolveStorage(s, v);
            if (v.storage.startsWith("/"))
                VolumePermissions.requireWritable(s.storage, s.users, caller, v.storagePath, "Storage");
            if (v.backend == null)
                v.backend = s.builder.autodetect(v);
            if (v.storagePath == null)
                v.storagePath = v.internals() + "/" + v.backend.text();
            s.builder.configure(v);
            if (s.byPath().containsKey(v.path))
                throw new PortoException(ErrorCode.VolumeAlreadyExists, "Volume already exists: " + v.path);
            VolumePlaces.checkConflicts(s, v);
            VolumePlaces.checkGuarantee(s, v, v.spaceGuarantee, v.inodeGuarantee);
            for (String c : linkTo)
                if (v.link(c, "") == null)
                    v.links.add(new VolumeLink(c, "", false, false, ""));
            v.changeTime = s.clock.nowMillis();
            s.byPath().put(v.path, v);
            s.save(v); // BUILDING: a daemon that dies from here on tears it down when it comes back
        } finally {
            s.lock().unlock();
        }
        try {
            s.builder.build(v, layerDirs);
        } catch (KernelException e) {
            forget(s, v);
            throw VolumeService.kernelError("Cannot build volume " + v.path, e);
        } catch (PortoException | RuntimeException e) {
            forget(s, v);
            throw e;
        }
        s.lock().lock();
        try {
            v.state = Volume.State.READY;
            v.buildTime = s.clock.nowMillis();
            v.changeTime = v.buildTime;
            s.save(v);
        } finally {
            s.lock().unlock();
        }
        s.useLayers(v);
        return v;
    }

    /** Undoes a volume that failed to build and drops it. */
    private static void forget(VolumeService s, Volume v) {
        try {
            s.builder.teardown(v);
        } catch (KernelException ignored) {
            // what could not be undone is reported by the mounts it left; the record goes anyway
        }
        s.lock().lock();
        try {
            s.byPath().remove(v.path);
            s.store.remove(VolumeRecords.key(v));
        } finally {
            s.lock().unlock();
        }
        s.releaseLayers(v);
    }
}

package porto.domain.volume;

import java.util.ArrayList;
import java.util.List;
import porto.domain.Caller;
import porto.domain.ErrorCode;
import porto.domain.PortoException;
import porto.ports.KernelException;

/** Links of volumes to containers: made, removed, dropped with their container; the last one gone destroys the volume. */
final class VolumeLinks {
    private VolumeLinks() {}

    static void link(VolumeService s, Caller caller, String path, String container, String target, boolean readOnly, boolean required)
            throws PortoException {
        VolumePermissions.requireWriter(s.users, caller);
        s.requireContainer(container);
        String root = s.containers().hostRoot(container);
        if (!target.isEmpty() && !VolumeProperties.isNormal(target))
            throw new PortoException(ErrorCode.InvalidPath, "Link target must be a normal absolute path: " + target);
        String hostTarget = target.isEmpty() ? "" : root.equals("/") ? target : root + target;
        Volume v;
        s.lock().lock();
        try {
            v = s.ready(path);
            VolumePermissions.requireControl(s.users, caller, v);
            if (v.link(container, target) != null)
                throw new PortoException(ErrorCode.VolumeAlreadyLinked, "Volume already linked: " + path + " to " + container);
            if (!hostTarget.isEmpty())
                VolumePlaces.checkTarget(s, v, hostTarget);
            v.state = Volume.State.BUILDING; // busy while its new mount is made
        } finally {
            s.lock().unlock();
        }
        try {
            if (!hostTarget.isEmpty()) {
                if (!s.storage.exists(hostTarget))
                    s.storage.makeDirectory(hostTarget, 0, 0, 0755);
                s.storage.bind(v.path, hostTarget, readOnly || v.readOnly);
            }
        } catch (KernelException e) {
            throw VolumeService.kernelError("Cannot link volume " + path + " at " + hostTarget, e);
        } finally {
            s.lock().lock();
            try {
                v.state = Volume.State.READY;
            } finally {
                s.lock().unlock();
            }
        }
        s.lock().lock();
        try {
            v.links.add(new VolumeLink(container, target, readOnly, required, hostTarget));
            v.changeTime = s.clock.nowMillis();
            s.save(v);
        } finally {
            s.lock().unlock();
        }
    }

    /**
     * Removes the links of {@code container} ("***": every container) with {@code target}
     * ("***": every target, "": the link without a mount); the last link gone destroys the volume.
     */
    static void unlink(VolumeService s, Caller caller, String path, String container, String target, boolean strict) throws PortoException {
        VolumePermissions.requireWriter(s.users, caller);
        List<VolumeLink> gone = new ArrayList<>();
        Volume v;
        boolean destroy;
        s.lock().lock();
        try {
            v = s.ready(path);
            VolumePermissions.requireControl(s.users, caller, v);
            for (VolumeLink l : v.links)
                if ((container.equals("***") || l.container().equals(container)) && (target.equals("***") || l.target().equals(target)))
                    gone.add(l);
            if (gone.isEmpty())
                throw new PortoException(ErrorCode.VolumeNotLinked, "Volume " + path + " is not linked to " + container);
            v.links.removeAll(gone);
            destroy = v.links.isEmpty();
            v.state = destroy ? Volume.State.DESTROYING : v.state;
            v.changeTime = s.clock.nowMillis();
            s.save(v);
        } finally {
            s.lock().unlock();
        }
        // The links are gone from the volume, so its teardown no longer knows their mounts.
        PortoException failed = null;
        for (VolumeLink l : gone)
            if (l.mounted() && s.storage.isMountPoint(l.hostTarget())) {
                try {
                    s.storage.unmount(l.hostTarget());
                } catch (KernelException e) {
                    failed = VolumeService.kernelError("Cannot unmount " + l.hostTarget(), e);
                }
            }
        if (destroy)
            s.destroy(v);
        if (failed != null)
            throw failed;
    }

    /** A container is gone: its links go, and the volumes left without links are destroyed. */
    static void containerDestroyed(VolumeService s, String name) {
        List<Volume> doomed = new ArrayList<>();
        List<VolumeLink> unmount = new ArrayList<>();
        s.lock().lock();
        try {
            for (Volume v : s.byPath().values()) {
                if (v.state == Volume.State.DESTROYING)
                    continue;
                List<VolumeLink> gone = v.links.stream().filter(l -> l.container().equals(name)).toList();
                if (gone.isEmpty())
                    continue;
                v.links.removeAll(gone);
                unmount.addAll(gone.stream().filter(VolumeLink::mounted).toList());
                if (v.links.isEmpty()) {
                    v.state = Volume.State.DESTROYING;
                    doomed.add(v);
                }
                s.save(v);
            }
        } finally {
            s.lock().unlock();
        }
        for (VolumeLink l : unmount) {
            try {
                if (s.storage.isMountPoint(l.hostTarget()))
                    s.storage.unmount(l.hostTarget());
            } catch (KernelException ignored) {
                // the container's root goes with it
            }
        }
        for (Volume v : doomed) {
            try {
                s.destroy(v);
            } catch (PortoException ignored) {
                // destroy has dropped the record; leftovers are removed at the next start
            }
        }
    }
}

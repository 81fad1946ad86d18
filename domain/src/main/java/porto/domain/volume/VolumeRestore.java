package porto.domain.volume;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import porto.ports.KernelException;

/**
 * Taking volumes back after a restart: READY volumes are kept as they are (their mounts survive
 * the daemon), their links to containers that are gone are dropped; volumes recorded BUILDING or
 * DESTROYING (the daemon died in the middle) and volumes left without links are torn down, as
 * are directories in the default place's porto_volumes that no record names.
 */
final class VolumeRestore {
    private VolumeRestore() {}

    static void restore(VolumeService s, Containers containers, Consumer<String> log) {
        List<Volume> doomed = new ArrayList<>();
        List<Volume> kept = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        long maxId = 0;
        // Containers are asked before the volume lock is taken, as everywhere.
        for (Map.Entry<String, Map<String, String>> e : s.store.loadAll().entrySet()) {
            if (!e.getKey().startsWith(VolumeRecords.PREFIX))
                continue;
            Volume v = VolumeRecords.fromRecord(e.getValue());
            if (v == null) {
                log.accept("volume record " + e.getKey() + " is damaged, dropped");
                s.store.remove(e.getKey());
                continue;
            }
            ids.add(v.id);
            try {
                maxId = Math.max(maxId, Long.parseLong(v.id));
            } catch (NumberFormatException ignored) {
                // ids are numbers; a strange one only does not move the counter
            }
            v.links.removeIf(l -> !containers.exists(l.container()));
            if (v.state != Volume.State.READY || v.links.isEmpty()) {
                log.accept("volume " + v.path + " (" + v.state.text() + ", " + v.links.size() + " links) is torn down");
                v.state = Volume.State.DESTROYING;
                doomed.add(v);
            } else {
                kept.add(v);
            }
        }
        s.lock().lock();
        try {
            for (Volume v : kept)
                s.save(v);
            for (Volume v : kept)
                s.byPath().put(v.path, v);
            for (Volume v : doomed)
                s.byPath().put(v.path, v);
            s.restoredIds(maxId);
        } finally {
            s.lock().unlock();
        }
        for (Volume v : doomed) {
            try {
                s.destroy(v);
            } catch (porto.domain.PortoException e) {
                log.accept("cannot tear down volume " + v.path + ": " + e.getMessage());
            }
        }
        removeUnrecorded(s, ids, log);
    }

    /** Directories of porto_volumes in the default place that belong to no record: a build cut short before it was recorded. */
    private static void removeUnrecorded(VolumeService s, Set<String> ids, Consumer<String> log) {
        String dir = s.defaultPlace() + "/" + VolumeService.VOLUMES_DIR;
        for (String name : s.storage.list(dir)) {
            if (ids.contains(name))
                continue;
            String internals = dir + "/" + name;
            try {
                for (String m : s.storage.mountsUnder(internals))
                    s.storage.unmount(m);
                s.storage.removeTree(internals);
                log.accept("removed leftover volume directory " + internals);
            } catch (KernelException e) {
                log.accept("cannot remove leftover " + internals + ": " + e.getMessage());
            }
        }
    }
}

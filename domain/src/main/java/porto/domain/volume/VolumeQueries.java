package porto.domain.volume;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import porto.domain.ErrorCode;
import porto.domain.PortoException;

/** What containers and layers need to know of volumes: owned and linked volumes, place usage, layers in use. */
final class VolumeQueries {
    private VolumeQueries() {}

    /** Paths of the volumes whose layers include layer {@code name} of place {@code place}: such a layer is in use. */
    static List<String> volumesUsingLayer(VolumeService s, String place, String name) {
        String dir = place + "/" + VolumeService.LAYERS_DIR + "/" + name;
        s.lock().lock();
        try {
            List<String> out = new ArrayList<>();
            for (Volume v : s.byPath().values())
                if ((v.place.equals(place) && v.layers.contains(name)) || v.layers.contains(dir))
                    out.add(v.path);
            return out;
        } finally {
            s.lock().unlock();
        }
    }


    /** The number of volumes, or of their links. */
    static long count(VolumeService s, boolean links) {
        s.lock().lock();
        try {
            return links ? s.byPath().values().stream().mapToLong(v -> v.links.size()).sum() : s.byPath().size();
        } finally {
            s.lock().unlock();
        }
    }

    /** Paths of the volumes {@code container} owns. */
    static List<String> owned(VolumeService s, String container) {
        s.lock().lock();
        try {
            return s.byPath().values().stream().filter(v -> v.ownerContainer.equals(container)).map(v -> v.path).toList();
        } finally {
            s.lock().unlock();
        }
    }

    /** The container's links as upstream prints them: "path [target] [ro] [!]". */
    static List<String> linked(VolumeService s, String container) {
        List<String> out = new ArrayList<>();
        s.lock().lock();
        try {
            for (Volume v : s.byPath().values())
                for (VolumeLink l : v.links)
                    if (l.container().equals(container))
                        out.add(v.path + (l.mounted() ? " " + l.target() : "") + (l.readOnly() ? " ro" : "") + (l.required() ? " !" : ""));
        } finally {
            s.lock().unlock();
        }
        return out;
    }

    /**
     * Sum of space_limit of the volumes owned by the container or its descendants, by place key
     * as upstream claims it ("tmpfs" for tmpfs, nothing for bind and quota), with "total".
     */
    static Map<String, Long> placeUsage(VolumeService s, String container) {
        Map<String, Long> out = new LinkedHashMap<>();
        s.lock().lock();
        try {
            for (Volume v : s.byPath().values()) {
                boolean mine = v.ownerContainer.equals(container) || container.equals("/")
                        || v.ownerContainer.startsWith(container + "/");
                String key = placeKey(v.backend, v.place);
                if (!mine || key == null)
                    continue;
                out.merge("total", v.spaceLimit, Long::sum);
                out.merge(key, v.spaceLimit, Long::sum);
            }
        } finally {
            s.lock().unlock();
        }
        return out;
    }

    /** What a volume claims of its owner's place_limit: its place, "tmpfs", or nothing (null). */
    static String placeKey(Backend backend, String place) {
        if (backend == Backend.BIND || backend == Backend.QUOTA)
            return null;
        return backend == Backend.TMPFS ? "tmpfs" : place;
    }

    /** VolumeNotFound unless a volume or a link is at this host path, VolumeNotReady unless that volume is ready. */
    static void requireAt(VolumeService s, String hostPath, String shown) throws PortoException {
        s.lock().lock();
        try {
            for (Volume v : s.byPath().values()) {
                boolean here = v.path.equals(hostPath) || v.links.stream().anyMatch(l -> l.mounted() && l.hostTarget().equals(hostPath));
                if (!here)
                    continue;
                if (v.state != Volume.State.READY)
                    throw new PortoException(ErrorCode.VolumeNotReady, "Required volume " + shown + " not ready");
                return;
            }
        } finally {
            s.lock().unlock();
        }
        throw new PortoException(ErrorCode.VolumeNotFound, "Required volume " + shown + " not found");
    }

    /** Checks that the volume's mounts are in place; a message of what is wrong, "" when all is well. */
    static String check(VolumeService s, String path) throws PortoException {
        Volume v;
        s.lock().lock();
        try {
            v = s.ready(path);
        } finally {
            s.lock().unlock();
        }
        List<String> problems = new ArrayList<>();
        if (v.backend != Backend.QUOTA && !s.storage.isMountPoint(v.internalPath()))
            problems.add("not mounted: " + v.internalPath());
        if (!v.autoPath && v.backend != Backend.QUOTA && !s.storage.isMountPoint(v.path))
            problems.add("not mounted: " + v.path);
        for (VolumeLink l : v.links)
            if (l.mounted() && !s.storage.isMountPoint(l.hostTarget()))
                problems.add("link not mounted: " + l.hostTarget());
        return String.join("; ", problems);
    }
}

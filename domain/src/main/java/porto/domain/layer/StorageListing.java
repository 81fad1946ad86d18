package porto.domain.layer;

import java.util.ArrayList;
import java.util.List;
import porto.domain.Masks;
import porto.domain.PortoException;
import porto.ports.layer.LayerFiles;

/** The listings of a place: its layers and storages, and those of its meta storages. */
final class StorageListing {
    private StorageListing() {}

    /** listLayers: the place's layers and those of its meta storages ("META/NAME"), matching {@code mask} when given. */
    static List<LayerService.Listed> layers(LayerFiles files, String p, String mask, long now) {
        List<StorageRef> refs = new ArrayList<>();
        for (String n : files.subdirectories(p + "/" + StorageRef.LAYERS))
            if (StorageRef.valid(n))
                refs.add(new StorageRef(StorageRef.Kind.LAYER, p, n));
        for (String meta : metaNames(files, p))
            for (String n : files.subdirectories(p + "/" + StorageRef.STORAGE + "/" + StorageRef.META_PREFIX + meta))
                if (n.startsWith(StorageRef.META_LAYER) && StorageRef.valid(n.substring(StorageRef.META_LAYER.length())))
                    refs.add(new StorageRef(StorageRef.Kind.LAYER, p, meta + "/" + n.substring(StorageRef.META_LAYER.length())));
        return listed(files, refs, mask, now);
    }

    /** listStorage: storages, meta storages and the storages in them. */
    static List<LayerService.Listed> storages(LayerFiles files, String p, String mask, long now) {
        List<StorageRef> refs = new ArrayList<>();
        for (String n : files.subdirectories(p + "/" + StorageRef.STORAGE))
            if (StorageRef.valid(n))
                refs.add(new StorageRef(StorageRef.Kind.STORAGE, p, n));
        for (String meta : metaNames(files, p)) {
            refs.add(new StorageRef(StorageRef.Kind.META, p, meta));
            for (String n : files.subdirectories(p + "/" + StorageRef.STORAGE + "/" + StorageRef.META_PREFIX + meta))
                if (StorageRef.valid(n))
                    refs.add(new StorageRef(StorageRef.Kind.STORAGE, p, meta + "/" + n));
        }
        return listed(files, refs, mask, now);
    }

    private static List<String> metaNames(LayerFiles files, String place) {
        List<String> out = new ArrayList<>();
        for (String n : files.subdirectories(place + "/" + StorageRef.STORAGE))
            if (n.startsWith(StorageRef.META_PREFIX) && StorageRef.valid(n.substring(StorageRef.META_PREFIX.length())))
                out.add(n.substring(StorageRef.META_PREFIX.length()));
        return out;
    }

    private static List<LayerService.Listed> listed(LayerFiles files, List<StorageRef> refs, String mask, long now) {
        List<LayerService.Listed> out = new ArrayList<>();
        for (StorageRef ref : refs) {
            if (mask != null && !mask.isEmpty() && !Masks.matches(ref.name(), mask))
                continue;
            try {
                StorageMeta meta = StorageMeta.load(files, ref);
                out.add(new LayerService.Listed(meta, meta.lastUsage(now)));
            } catch (PortoException e) {
                // removed meanwhile
            }
        }
        return out;
    }

}

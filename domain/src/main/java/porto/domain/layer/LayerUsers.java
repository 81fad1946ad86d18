package porto.domain.layer;

/**
 * Who uses layers and storages: the volumes. The daemon asks before it removes or replaces one;
 * the volume domain answers.
 */
public interface LayerUsers {
    /** A description of a volume (its path) that uses layer {@code name} of {@code place}; null when none does. */
    String layerUser(String place, String name);

    /** The same for storage {@code name} of {@code place}. */
    String storageUser(String place, String name);

    /** Nobody uses anything: until volumes exist. */
    LayerUsers NONE = new LayerUsers() {
        @Override
        public String layerUser(String place, String name) {
            return null;
        }

        @Override
        public String storageUser(String place, String name) {
            return null;
        }
    };
}

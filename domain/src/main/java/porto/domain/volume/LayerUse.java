package porto.domain.volume;

/**
 * What the layer side hears of volumes: a volume began or stopped using a layer of a place
 * ({@code porto_layers/NAME}). It restarts the layer's last usage, and removes a weak layer
 * nobody uses any more. Called without the volume lock held.
 */
public interface LayerUse {
    void used(String place, String name);

    void released(String place, String name);

    /** Nobody listens (volumes alone, in tests). */
    LayerUse NONE = new LayerUse() {
        @Override
        public void used(String place, String name) {}

        @Override
        public void released(String place, String name) {}
    };
}

package porto.domain;

import java.util.List;
import java.util.Map;

/** What containers show of volumes (the volume side answers; nothing when there are no volumes). */
public interface ContainerVolumes {
    /** Host paths of the volumes whose owner container is {@code container}. */
    List<String> owned(String container);

    /** The container's links as upstream prints them: "path [target] [ro] [!]". */
    List<String> linked(String container);

    /** Sum of space_limit of the volumes the container owns, by place, with "total". */
    Map<String, Long> placeUsage(String container);

    /** The daemon's default place. */
    String defaultPlace();

    /** VolumeNotFound or VolumeNotReady unless every path (in the container's root) is a ready volume or link. */
    default void checkRequired(String container, List<String> paths) throws PortoException {}

    ContainerVolumes NONE = new ContainerVolumes() {
        @Override
        public List<String> owned(String container) {
            return List.of();
        }

        @Override
        public List<String> linked(String container) {
            return List.of();
        }

        @Override
        public Map<String, Long> placeUsage(String container) {
            return Map.of();
        }

        @Override
        public String defaultPlace() {
            return "/place";
        }
    };
}

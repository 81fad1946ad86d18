package porto.domain.volume;

/**
 * One link of a volume to a container: a reference that keeps the volume alive, and, when
 * {@code target} is set, a bind of the volume at that path inside the container's root
 * ({@code hostTarget} is the same place seen from the host).
 *
 * @param container absolute container name ("/" for the host)
 * @param target    path inside the container, "" for a link without a mount
 */
public record VolumeLink(String container, String target, boolean readOnly, boolean required, String hostTarget) {
    public VolumeLink {
        if (target == null)
            target = "";
        if (hostTarget == null)
            hostTarget = "";
    }

    public boolean mounted() {
        return !target.isEmpty();
    }
}

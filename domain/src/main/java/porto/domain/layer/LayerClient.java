package porto.domain.layer;

import java.util.List;

/**
 * The client of a layer request as upstream's rules need it: its ids and groups (for the files it
 * names), whether it is root (super user: controls everything, may import device nodes) and whether
 * it may change anything at all (root or group porto; others only read).
 */
public record LayerClient(int uid, int gid, List<Integer> groups, boolean root, boolean writer) {
    /** Whether this client controls what {@code ownerUid} owns (-1: an unknown owner, controlled by anyone). */
    boolean controls(int ownerUid) {
        return root || ownerUid == uid || ownerUid < 0;
    }
}

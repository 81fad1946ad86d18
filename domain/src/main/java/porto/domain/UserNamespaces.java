package porto.domain;

import java.util.ArrayList;
import java.util.List;
import porto.ports.LaunchSpec;
import porto.ports.LaunchSpec.IdRange;

/**
 * The user namespace of a container with userns=true. As upstream, root inside is the task's user
 * and group outside, and every other id but root's keeps its number; the task then runs as root
 * inside. Only a container that root owns gets those other ids: for a user's container they would
 * let its task become any other user of the host, so it maps its user and group, and the user's
 * supplementary groups as themselves. The tasks of the containers below enter that namespace too.
 */
final class UserNamespaces {
    private static final long LAST_ID = 4294967294L; // (uid_t)-1 is no id

    private UserNamespaces() {}

    /** The kernel takes at most this many lines in one id map (since Linux 4.15). */
    static final int MAX_MAP_LINES = 340;

    /**
     * {@code groups}: the supplementary groups of the task's user. In a user's container each keeps
     * its number, so the task keeps them: setgroups inside cannot drop one (which would let it pass
     * a "negative" group permission) nor add one the user is not in (only mapped ids can be set).
     */
    static LaunchSpec.UserNamespace of(int uid, int gid, List<Integer> groups, boolean everyId) {
        List<IdRange> gids = map(Integer.toUnsignedLong(gid), everyId);
        if (!everyId)
            for (int g : groups)
                if (g != 0 && g != gid && gids.size() < MAX_MAP_LINES
                        && gids.stream().noneMatch(r -> r.inside() == Integer.toUnsignedLong(g)))
                    gids.add(new IdRange(Integer.toUnsignedLong(g), Integer.toUnsignedLong(g), 1));
        return new LaunchSpec.UserNamespace(map(Integer.toUnsignedLong(uid), everyId), gids);
    }

    /** Upstream's map of {@code id}: 0 is id, the ids below and above it are themselves. */
    static List<IdRange> map(long id, boolean everyId) {
        List<IdRange> out = new ArrayList<>();
        out.add(new IdRange(0, id, 1));
        if (!everyId)
            return out;
        if (id > 1)
            out.add(new IdRange(1, 1, id - 1));
        if (id < LAST_ID)
            out.add(new IdRange(id + 1, id + 1, LAST_ID - id));
        return out;
    }

    /**
     * The task's identity inside {@code ns}: its user and group as ids there, root standing for the
     * namespace's own root (as upstream, a root task of a container below is that root), with the
     * groups that have an id there. A user with no id there cannot run in it.
     */
    static LaunchSpec.Identity inside(LaunchSpec.Identity host, LaunchSpec.UserNamespace ns, String container)
            throws PortoException {
        long uid = host.uid() == 0 ? 0 : IdRange.inside(ns.uids(), Integer.toUnsignedLong(host.uid()));
        long gid = host.gid() == 0 ? 0 : IdRange.inside(ns.gids(), Integer.toUnsignedLong(host.gid()));
        if (uid < 0 || gid < 0)
            throw new PortoException(ErrorCode.Permission, "the user " + Integer.toUnsignedString(host.uid()) + " and group "
                    + Integer.toUnsignedString(host.gid()) + " of " + container + " have no ids in the user namespace it runs in");
        List<Integer> groups = new ArrayList<>();
        for (int g : host.groups()) {
            long in = g == 0 ? 0 : IdRange.inside(ns.gids(), Integer.toUnsignedLong(g));
            if (in >= 0 && !groups.contains((int) in))
                groups.add((int) in);
        }
        return new LaunchSpec.Identity((int) uid, (int) gid, groups, host.umask(), host.capBound(), uid == 0 ? 0 : host.capAmbient(),
                host.noNewPrivs());
    }
}

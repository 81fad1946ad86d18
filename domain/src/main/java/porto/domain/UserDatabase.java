package porto.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import porto.ports.LaunchSpec;
import porto.ports.Users;

/**
 * The host's users and groups as the domain asks about them: names shown for ids (the id itself
 * when the database has no name), names a user types resolved to ids, and the groups and
 * credentials a client's paths are opened with.
 */
final class UserDatabase {
    private final Users users;

    UserDatabase(Users users) {
        this.users = users;
    }

    String userName(int uid) {
        return users.userName(uid).orElse(Integer.toString(uid));
    }

    String groupName(int gid) {
        return users.groupName(gid).orElse(Integer.toString(gid));
    }

    /** A user name or a numeric uid; InvalidValue for a name the database does not know. */
    int resolveUid(String v) throws PortoException {
        String t = v.trim();
        if (t.matches("[0-9]+"))
            return Integer.parseInt(t);
        return users.uid(t).orElseThrow(() -> new PortoException(ErrorCode.InvalidValue, "unknown user '" + v + "'"));
    }

    /** A group name or a numeric gid; InvalidValue for a name the database does not know. */
    int resolveGid(String v) throws PortoException {
        String t = v.trim();
        if (t.matches("[0-9]+"))
            return Integer.parseInt(t);
        return users.gid(t).orElseThrow(() -> new PortoException(ErrorCode.InvalidValue, "unknown group '" + v + "'"));
    }

    boolean exists(int uid) {
        return users.userName(uid).isPresent();
    }

    List<Integer> groupsOf(int uid) {
        return users.groupsOf(uid);
    }

    OptionalInt gid(String group) {
        return users.gid(group);
    }

    Optional<String> home(int uid) {
        return users.home(uid);
    }

    /** The credentials files are opened with for {@code who}; null for root, who may open anything. */
    LaunchSpec.Cred credentials(Caller who) {
        if (who.isRoot())
            return null;
        List<Integer> groups = new ArrayList<>();
        groups.add(who.gid());
        if (exists(who.uid()))
            for (int g : groupsOf(who.uid()))
                if (!groups.contains(g))
                    groups.add(g);
        return new LaunchSpec.Cred(who.uid(), who.gid(), groups);
    }
}

package porto.domain;

import java.util.List;
import java.util.OptionalInt;

/**
 * Who may change what, per the manual's "Security" section: root and members of group "porto"
 * have write access; a container may be changed by its owner, by anyone whose user the owner's
 * "<user>-containers" group (or "porto-containers") includes, and by clients inside an ancestor of
 * it. Clients inside containers are further confined to their write scope ({@link ClientScope}).
 */
final class Permissions {
    private Permissions() {}

    static void requireNotHost(Container c) throws PortoException {
        if (c.isHost())
            throw new PortoException(ErrorCode.Permission, "the host container cannot be changed");
    }

    static void checkCreate(ClientScope scope, UserDatabase users, Caller caller, Container parent) throws PortoException {
        scope.checkWriteScope(parent, true);
        OwnerContainers.check(caller, parent);
        if (caller.isRoot())
            return;
        requirePortoGroup(users, caller);
        if (!parent.isHost())
            checkOwner(users, caller, parent);
    }

    static void checkWrite(ClientScope scope, UserDatabase users, Caller caller, Container c) throws PortoException {
        scope.checkWriteScope(c, false);
        OwnerContainers.check(caller, c);
        if (caller.isRoot())
            return;
        requirePortoGroup(users, caller);
        checkOwner(users, caller, c);
    }

    private static void checkOwner(UserDatabase users, Caller caller, Container c) throws PortoException {
        if (c.ownerUid == caller.uid())
            return;
        if (caller.inContainer() && ContainerName.isWithin(c.name, caller.container()))
            return; // a sub-container of the client's own container
        List<Integer> ownerGroups = users.groupsOf(c.ownerUid);
        OptionalInt shared = users.gid("porto-containers");
        if (shared.isPresent() && ownerGroups.contains(shared.getAsInt()))
            return;
        OptionalInt personal = users.gid(users.userName(caller.uid()) + "-containers");
        if (personal.isPresent() && ownerGroups.contains(personal.getAsInt()))
            return;
        throw new PortoException(ErrorCode.Permission, "Permission error");
    }

    private static void requirePortoGroup(UserDatabase users, Caller caller) throws PortoException {
        OptionalInt porto = users.gid("porto");
        if (porto.isPresent() && (caller.gid() == porto.getAsInt() || users.groupsOf(caller.uid()).contains(porto.getAsInt())))
            return;
        throw new PortoException(ErrorCode.Permission, "Permission error: write access needs root or group porto");
    }
}

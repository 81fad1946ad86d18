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

    static void checkCreate(ContainerService s, Caller caller, Container parent) throws PortoException {
        ClientScope.of(s, caller).checkWriteScope(parent, true);
        OwnerContainers.check(caller, parent);
        if (caller.isRoot())
            return;
        requirePortoGroup(s, caller);
        if (!parent.isHost())
            checkOwner(s, caller, parent);
    }

    static void checkWrite(ContainerService s, Caller caller, Container c) throws PortoException {
        ClientScope.of(s, caller).checkWriteScope(c, false);
        OwnerContainers.check(caller, c);
        if (caller.isRoot())
            return;
        requirePortoGroup(s, caller);
        checkOwner(s, caller, c);
    }

    private static void checkOwner(ContainerService s, Caller caller, Container c) throws PortoException {
        if (c.ownerUid == caller.uid())
            return;
        if (caller.inContainer() && ContainerName.isWithin(c.name, caller.container()))
            return; // a sub-container of the client's own container
        List<Integer> ownerGroups = s.kernel.users().groupsOf(c.ownerUid);
        OptionalInt shared = s.kernel.users().gid("porto-containers");
        if (shared.isPresent() && ownerGroups.contains(shared.getAsInt()))
            return;
        OptionalInt personal = s.kernel.users().gid(s.userName(caller.uid()) + "-containers");
        if (personal.isPresent() && ownerGroups.contains(personal.getAsInt()))
            return;
        throw new PortoException(ErrorCode.Permission, "Permission error");
    }

    private static void requirePortoGroup(ContainerService s, Caller caller) throws PortoException {
        OptionalInt porto = s.kernel.users().gid("porto");
        if (porto.isPresent() && (caller.gid() == porto.getAsInt() || s.kernel.users().groupsOf(caller.uid()).contains(porto.getAsInt())))
            return;
        throw new PortoException(ErrorCode.Permission, "Permission error: write access needs root or group porto");
    }
}

package porto.domain.volume;

import java.util.OptionalInt;
import porto.domain.Caller;
import porto.domain.ErrorCode;
import porto.domain.PortoException;
import porto.ports.Users;

/**
 * Who may do what with volumes, as for containers: changes need root or group porto; a volume is
 * controlled by root and by its owner user (or a member of the owner's "USER-containers" group).
 */
final class VolumePermissions {
    private VolumePermissions() {}

    static void requireWriter(Users users, Caller caller) throws PortoException {
        if (caller.isRoot())
            return;
        OptionalInt porto = users.gid("porto");
        if (porto.isPresent() && (caller.gid() == porto.getAsInt() || users.groupsOf(caller.uid()).contains(porto.getAsInt())))
            return;
        throw new PortoException(ErrorCode.Permission, "Permission error: volumes need root or group porto");
    }

    static void requireControl(Users users, Caller caller, Volume v) throws PortoException {
        if (caller.isRoot() || caller.uid() == v.ownerUid)
            return;
        String owner = users.userName(v.ownerUid).orElse(null);
        OptionalInt shared = owner == null ? OptionalInt.empty() : users.gid(owner + "-containers");
        if (shared.isPresent() && users.groupsOf(caller.uid()).contains(shared.getAsInt()))
            return;
        throw new PortoException(ErrorCode.Permission, "Permission error: volume " + v.path + " belongs to "
                + (owner == null ? Integer.toString(v.ownerUid) : owner));
    }

    /** A path the client names for the volume or its storage must be writable by it, reached without links. */
    static void requireWritable(porto.ports.volume.VolumeStorage storage, Users users, Caller caller, String path, String what)
            throws PortoException {
        if (caller.isRoot())
            return;
        java.util.List<Integer> groups = new java.util.ArrayList<>(users.groupsOf(caller.uid()));
        groups.add(caller.gid());
        if (!storage.writableBy(path, caller.uid(), groups))
            throw new PortoException(ErrorCode.Permission, what + " " + path + " is not writable by "
                    + users.userName(caller.uid()).orElse(Integer.toString(caller.uid())) + " (or is reached through a link)");
    }

    /** Only root may give a volume to another user, or to a group the client is not in. */
    static void checkOwnerChange(Users users, Caller caller, Volume v) throws PortoException {
        if (caller.isRoot())
            return;
        if (v.ownerUid != caller.uid() || v.uid != caller.uid())
            throw new PortoException(ErrorCode.Permission, "Changing owner or user is not permitted");
        for (int gid : new int[] {v.ownerGid, v.gid})
            if (gid != caller.gid() && !users.groupsOf(caller.uid()).contains(gid))
                throw new PortoException(ErrorCode.Permission, "Changing owner group is not permitted");
    }
}

package porto.domain;

import static porto.ports.Errno.*;

import porto.ports.ContainerFiles;
import porto.ports.KernelException;
import porto.ports.LaunchSpec;

/**
 * The rule for every path a client names: it is resolved and opened as that client, never with
 * the daemon's rights followed by a look at the last file's permission bits. The files port does
 * the walk with the user's credentials; this decides whose they are and what a refusal means.
 */
final class PathAccess {
    private PathAccess() {}

    static boolean refused(KernelException e) {
        return e.errno() == EACCES || e.errno() == EPERM || e.errno() == EROFS;
    }

    /** A user-set stream path as a path inside the container's filesystem (relative ones are in cwd). */
    static String streamInside(Properties properties, Container c, String configured) throws PortoException {
        if (configured.startsWith("/"))
            return configured;
        String cwd = properties.value(c, "cwd");
        return (cwd.endsWith("/") ? cwd : cwd + "/") + configured;
    }

    /** Whether {@code path} of {@code stream}_path names a file in the task's filesystem (not stored output, not a descriptor). */
    static boolean isUserFile(String path) {
        return !path.startsWith("/dev/fd/") && !path.equals("/dev/null");
    }

    /**
     * Refuses with Permission, saying {@code what} may not be done, unless {@code who} may do each
     * of {@code wants} with {@code path} inside {@code root}, the whole path walked with their
     * rights. A path that does not exist is left to the caller to report.
     */
    static void require(ContainerFiles files, UserDatabase users, String root, String path, Caller who, String what,
                        ContainerFiles.Access... wants) throws PortoException {
        LaunchSpec.Cred as = users.credentials(who);
        if (as == null)
            return;
        try {
            for (ContainerFiles.Access want : wants)
                files.checkAccess(root, path, want, as);
        } catch (KernelException e) {
            if (refused(e))
                throw new PortoException(ErrorCode.Permission, "user " + users.userName(who.uid()) + " may not " + what
                        + ": " + e.getMessage());
        }
    }

    /**
     * The manual: setting a stream path "requires write permissions to the target" (read, for
     * stdin). Checked as {@code who} when the path is set and again at start, since the file system
     * may change in between. Only a refusal counts: a directory that does not exist yet may be made
     * before the start, and the launcher opens the file as the client anyway.
     */
    static void checkStream(ContainerFiles files, UserDatabase users, Properties properties, Container c, String stream, String path, Caller who) throws PortoException {
        LaunchSpec.Cred as = users.credentials(who);
        if (as == null || !isUserFile(path))
            return;
        ContainerFiles.Access want = stream.equals("stdin") ? ContainerFiles.Access.READ : ContainerFiles.Access.WRITE;
        String inside = streamInside(properties, c, path);
        try {
            files.checkAccess(FilesystemPlanner.hostRoot(c), inside, want, as);
        } catch (KernelException e) {
            if (refused(e))
                throw new PortoException(ErrorCode.Permission, "user " + users.userName(who.uid()) + " may not "
                        + (want == ContainerFiles.Access.READ ? "read " : "write ") + inside + " (" + stream + "_path of "
                        + c.name + "): " + e.getMessage());
        }
    }
}

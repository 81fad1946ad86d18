package porto.domain;

/**
 * virt_mode as upstream 5.3.15 names it: app, os, host, job, fuse. app and os are the manual's;
 * host runs the task in the host's namespaces (no pid, mount or uts namespace of its own, no
 * root) and lets a root-owned container keep every capability; job and fuse need what this daemon
 * does not have, so they are refused with the reason.
 */
final class VirtModes {
    private VirtModes() {}

    static String parse(String value) throws PortoException {
        String v = value.trim();
        return switch (v) {
            case "app", "os", "host" -> v;
            case "job" -> throw new PortoException(ErrorCode.NotSupported, "virt_mode=job is not supported: a job runs"
                    + " in its parent's cgroups as a process group, and this daemon stops, kills and freezes containers"
                    + " through their own cgroups");
            case "fuse" -> throw new PortoException(ErrorCode.NotSupported, "virt_mode=fuse is not supported:"
                    + " it needs /dev/fuse and user namespaces set up for its fuse daemon and the children that join it,"
                    + " which this daemon does not do");
            default -> throw Values.invalid("expected virt_mode app, os, host, job or fuse, got '" + value + "'");
        };
    }

    static boolean isHost(Container c) throws PortoException {
        return !c.isHost() && ContextProperties.VIRT_MODE.value(c).equals("host");
    }

    /** A container in host mode, or the host itself (upstream's root container is in host mode). */
    private static boolean inHostMode(Container c) throws PortoException {
        return c.isHost() || isHost(c);
    }

    /** What upstream checks at the start of a host-mode container ({@code containers}: the tree, by name). */
    static void checkStart(Container c, Caller caller, java.util.Map<String, Container> containers) throws PortoException {
        if (!isHost(c))
            return;
        if (!inHostMode(c.parent))
            throw new PortoException(ErrorCode.Permission, "For virt_mode=host parent must be in the same mode");
        if (caller.inContainer()) {
            Container client = containers.get(caller.container());
            if (client == null || !inHostMode(client))
                throw new PortoException(ErrorCode.Permission, "For virt_mode=host client must be in the same mode");
        }
        if (!FilesystemProperties.ROOT.value(c).equals("/"))
            throw Values.invalid("Cannot change root in this virt_mode (host)");
    }

    /** host mode shares the host's mount and uts namespaces: nothing may ask for new ones. */
    static void checkNamespaces(Container c, boolean newMount, String hostname) throws PortoException {
        if (isHost(c) && (newMount || !hostname.isEmpty()))
            throw Values.invalid("Cannot change mount-namespace in this virt_mode (host): no binds, hostname or etc files");
    }
}

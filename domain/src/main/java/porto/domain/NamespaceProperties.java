package porto.domain;

import static porto.domain.Property.STOPPED_ONLY;

/**
 * userns, unshare_on_exec and cgroupfs: namespaces a container's task gets beyond isolate and net
 * (what they make at start: {@link LaunchPlanner}).
 */
final class NamespaceProperties {
    private NamespaceProperties() {}

    static final TypedProperty<Boolean> USERNS = TypedProperty.bool("userns",
            "new user namespace: the task is root inside, its user and group outside", STOPPED_ONLY, false)
            .onSet((c, on) -> checkUserns(c, on));
    static final TypedProperty<Boolean> UNSHARE_ON_EXEC = TypedProperty.bool("unshare_on_exec",
            "a new mount namespace right before exec: what the task mounts stays its own", STOPPED_ONLY, false);
    static final TypedProperty<String> CGROUPFS = TypedProperty.of("cgroupfs",
            "cgroup filesystem at /sys/fs/cgroup in a new cgroup namespace: none|ro|rw", STOPPED_ONLY,
            NamespaceProperties::parseCgroupfs, t -> t, "none");

    static void register(Properties p) {
        p.add(USERNS.entry());
        p.add(UNSHARE_ON_EXEC.entry());
        p.add(CGROUPFS.entry());
    }

    /** As upstream: host mode shares the host's namespaces, a user namespace among them. */
    static void checkUserns(Container c, boolean on) throws PortoException {
        if (on && VirtModes.isHost(c))
            throw Values.invalid("userns=true incompatible with virt_mode host");
    }

    private static String parseCgroupfs(String text) throws PortoException {
        String t = text.trim();
        if (!t.equals("none") && !t.equals("ro") && !t.equals("rw"))
            throw Values.invalid("Unknown cgroupfs value: '" + text + "' (none, ro or rw)");
        return t;
    }

    /** As upstream: a writable cgroup filesystem only where portod.conf enables it (enable_rw_cgroupfs). */
    static void checkStart(Container c) throws PortoException {
        if (CGROUPFS.value(c).equals("rw") && !c.defaults.enableRwCgroupfs())
            throw new PortoException(ErrorCode.Permission, "Cgroup namespaces disabled in portod.conf: rw access to cgroupfs "
                    + "denied for " + c.name + " (container.enable_rw_cgroupfs is false)");
    }
}

package porto.domain;

import static porto.domain.Property.STOPPED_ONLY;

/**
 * Upstream properties this daemon accepts at their default value only: any other value is
 * refused NotSupported with what is missing, so a client written for upstream gets a clear answer
 * instead of an unknown property, and a value that would change nothing is never silently kept.
 */
final class UnsupportedProperties {
    private UnsupportedProperties() {}

    static final TypedProperty<Boolean> USERNS = TypedProperty.bool("userns",
            "new user namespace (not supported by this portod)", STOPPED_ONLY, false)
            .onSet((c, on) -> refuse(on, "userns", "containers in their own user namespace are not implemented by this portod"));
    static final TypedProperty<Boolean> UNSHARE_ON_EXEC = TypedProperty.bool("unshare_on_exec",
            "unshare the mount namespace at exec (not supported by this portod)", STOPPED_ONLY, false)
            .onSet((c, on) -> refuse(on, "unshare_on_exec", "unsharing namespaces at exec is not implemented by this portod"));
    static final TypedProperty<String> CGROUPFS = TypedProperty.of("cgroupfs",
            "cgroup filesystem inside the container: none|ro|rw (only none is supported)", STOPPED_ONLY,
            UnsupportedProperties::parseCgroupfs, t -> t, "none")
            .onSet((c, mode) -> refuse(!mode.equals("none"), "cgroupfs",
                    "mounting the cgroup filesystem inside a container is not implemented by this portod"));

    static void register(Properties p) {
        p.add(USERNS.entry());
        p.add(UNSHARE_ON_EXEC.entry());
        p.add(CGROUPFS.entry());
    }

    private static String parseCgroupfs(String text) throws PortoException {
        String t = text.trim();
        if (!t.equals("none") && !t.equals("ro") && !t.equals("rw"))
            throw Values.invalid("cgroupfs is none, ro or rw, got '" + text + "'");
        return t;
    }

    private static void refuse(boolean unsupported, String name, String why) throws PortoException {
        if (unsupported)
            throw new PortoException(ErrorCode.NotSupported, name + " is not supported: " + why);
    }
}

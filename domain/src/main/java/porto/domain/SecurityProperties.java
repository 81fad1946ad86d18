package porto.domain;

import static porto.domain.Property.STOPPED_ONLY;

/** The manual's "Security" properties beyond isolation: capabilities and devices. */
final class SecurityProperties {
    private SecurityProperties() {}

    /** Devices are checked on the host's files with the caller's rights, and shown with the user database's names. */
    static void register(Properties p, porto.ports.ContainerFiles files, UserDatabase users) {
        p.add(Property.settable("capabilities", "limit capabilities: CAP;... (capabilities[CAP]: true|false)", STOPPED_ONLY,
                c -> Capabilities.format(Capabilities.of(c).bound()),
                (c, who, v) -> Capabilities.format(Capabilities.parse(v)), true).asFlags());
        p.add(Property.settable("capabilities_ambient", "raise ambient capabilities: CAP;...", STOPPED_ONLY,
                c -> "", (c, who, v) -> Capabilities.format(Capabilities.parse(v)), true).asFlags());
        p.add(Property.readOnly("capabilities_allowed", "bounding set the container would get",
                c -> Capabilities.format(Capabilities.of(c).bound()), true).asFlags());
        p.add(Property.readOnly("capabilities_ambient_allowed", "capabilities the container may raise as ambient",
                c -> Capabilities.format(Capabilities.of(c).allowed()), true).asFlags());
        p.add(Property.settable("devices", "devices: <device> [r][w][m][-] [name] [mode] [user] [group];...", STOPPED_ONLY,
                c -> "", (c, who, v) -> Devices.format(Devices.parse(files, users, who, v), users), false));
    }
}

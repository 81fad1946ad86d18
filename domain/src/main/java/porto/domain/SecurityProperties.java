package porto.domain;

import static porto.domain.Property.STOPPED_ONLY;

/** The manual's "Security" properties beyond isolation: capabilities and devices. */
final class SecurityProperties {
    private SecurityProperties() {}

    static void register(Properties p) {
        p.add(Property.settable("capabilities", "limit capabilities: CAP;... (capabilities[CAP]: true|false)", STOPPED_ONLY,
                (s, c) -> Capabilities.format(Capabilities.of(c).bound()),
                (s, c, who, v) -> Capabilities.format(Capabilities.parse(v)), true).asFlags());
        p.add(Property.settable("capabilities_ambient", "raise ambient capabilities: CAP;...", STOPPED_ONLY,
                (s, c) -> "", (s, c, who, v) -> Capabilities.format(Capabilities.parse(v)), true).asFlags());
        p.add(Property.readOnly("capabilities_allowed", "bounding set the container would get",
                (s, c) -> Capabilities.format(Capabilities.of(c).bound()), true).asFlags());
        p.add(Property.readOnly("capabilities_ambient_allowed", "capabilities the container may raise as ambient",
                (s, c) -> Capabilities.format(Capabilities.of(c).allowed()), true).asFlags());
        p.add(Property.settable("devices", "devices: <device> [r][w][m][-] [name] [mode] [user] [group];...", STOPPED_ONLY,
                (s, c) -> "", (s, c, who, v) -> Devices.format(Devices.parse(s, who, v), s), false));
    }
}

package porto.domain;

import static porto.domain.Property.ANY_STATE;
import static porto.domain.Property.STOPPED_ONLY;

/**
 * Upstream properties this daemon accepts at their default value only: any other value is
 * refused NotSupported with what is missing, so a client written for upstream gets a clear answer
 * instead of an unknown property, and a value that would change nothing is never silently kept.
 */
final class UnsupportedProperties {
    private UnsupportedProperties() {}

    static final TypedProperty<String> CORE_COMMAND = TypedProperty.of("core_command",
            "command that receives the container's core dumps (not supported by this portod)", ANY_STATE, t -> t.trim(), t -> t, "")
            .onSet((c, command) -> refuse(!command.isEmpty(), "core_command",
                    "core dumps are not forwarded: this portod installs no core_pattern handler (portod core)"));
    static final TypedProperty<Boolean> PRESSURIZE_ON_DEATH = TypedProperty.bool("pressurize_on_death",
            "shrink a dead container's memory soft limit (not supported by this portod)", ANY_STATE, false)
            .defaultFor(c -> c.defaults.pressurizeOnDeath())
            .onSet((c, on) -> refuse(on, "pressurize_on_death",
                    "this portod does not lower memory soft limits of dead containers (memory.soft_limit_in_bytes is not written)"));

    static void register(Properties p) {
        p.add(CORE_COMMAND.entry());
        p.add(PRESSURIZE_ON_DEATH.entry());
        p.add(Property.readOnly("seize_pid", "pid of the task that seizes the main process (not supported by this portod)",
                c -> {
                    throw new PortoException(ErrorCode.NotSupported, "seize_pid: this portod seizes no tasks: container tasks are "
                            + "children of portod-native master, which reaps them itself");
                }, false));
    }

    private static void refuse(boolean unsupported, String name, String why) throws PortoException {
        if (unsupported)
            throw new PortoException(ErrorCode.NotSupported, name + " is not supported: " + why);
    }
}

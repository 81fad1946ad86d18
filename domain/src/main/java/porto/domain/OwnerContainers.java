package porto.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * owner_containers, as upstream: a ';' list of containers whose clients may change this one. A
 * client inside a container may write only when its container is one of them or below one; an
 * empty list (the default) restricts nothing, and clients on the host are never restricted.
 * Names are resolved as the setting client names them ("self", relative to its namespace) and
 * kept host-relative.
 */
final class OwnerContainers {
    private OwnerContainers() {}

    static final String NAME = "owner_containers";

    /** Names are resolved in the setting client's scope, which the tree and the registry give. */
    static void register(Properties p, ContainerTree tree) {
        p.add(Property.settable(NAME, "containers whose clients have write access to this one: <name>;...", Property.ANY_STATE,
                c -> "", (c, caller, text) -> canonical(tree, p, caller, text), false));
    }

    private static String canonical(ContainerTree tree, Properties p, Caller caller, String text) throws PortoException {
        ClientScope scope = ClientScope.of(tree, p, caller);
        List<String> names = new ArrayList<>();
        for (String name : Values.splitList(text, ';')) {
            String trimmed = name.trim();
            if (trimmed.isEmpty())
                continue;
            String resolved = scope.resolve(trimmed);
            if (resolved.isEmpty())
                throw Values.invalid("owner_containers: empty container name");
            names.add(Values.escape(resolved));
        }
        return String.join(";", names);
    }

    /** Permission unless the client's container is allowed by {@code target}'s owner_containers. */
    static void check(Caller caller, Container target) throws PortoException {
        if (!caller.inContainer())
            return;
        String value = target.config.getOrDefault(NAME, "");
        if (value.isEmpty())
            return;
        for (String allowed : Values.splitList(value, ';'))
            if (ContainerName.isWithin(caller.container(), allowed))
                return;
        throw new PortoException(ErrorCode.Permission, "write access denied: client container "
                + caller.container() + " is not allowed by owner_containers of " + target.name);
    }
}

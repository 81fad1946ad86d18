package porto.daemon;

import porto.domain.ContainerName;

/**
 * Translates names as clients write them into names relative to the host, and back. Clients on
 * the host see the whole tree: "/porto/a" and "a" are the same container, "self" and "." are the
 * host.
 */
final class Names {
    private Names() {}

    static String resolve(String name) {
        if (name == null)
            return "";
        if (name.equals("/") || name.equals("self") || name.equals(".") || name.equals("/porto"))
            return ContainerName.HOST;
        if (name.startsWith(ContainerName.ABSOLUTE_PREFIX))
            return name.substring(ContainerName.ABSOLUTE_PREFIX.length());
        if (name.startsWith("self/"))
            return name.substring("self/".length());
        return name;
    }
}

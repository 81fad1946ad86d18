package porto.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * What one client sees of the container tree, per the manual's "Name" and "Security" sections.
 *
 * <p>A client on the host sees every container by its full name. A client inside a container is
 * confined by {@code enable_porto} and {@code porto_namespace} of its container and every ancestor:
 * names it writes are relative to its porto namespace ("child" is "ns/child"), "/porto/a" is absolute,
 * "self" is its own container and "." the parent of its namespace. It may always look at the host,
 * its own container, the ancestors of it and everything in its namespace or below its container.
 *
 * <p>Built under the tree lock from the tree as it is at that moment.
 */
public final class ClientScope {
    private final Caller caller;
    private final AccessLevel level;
    private final String namespace;
    private final String writeNamespace;

    private ClientScope(Caller caller, AccessLevel level, String namespace, String writeNamespace) {
        this.caller = caller;
        this.level = level;
        this.namespace = namespace;
        this.writeNamespace = writeNamespace;
    }

    /** A client on the host: it sees and may do everything its credentials allow. */
    static ClientScope host(Caller caller) {
        return new ClientScope(caller, AccessLevel.FULL, "", "");
    }

    /** The scope of an identified caller (see {@link ContainerService#identify}). */
    static ClientScope of(ContainerTree tree, Properties properties, Caller caller) throws PortoException {
        if (!caller.inContainer())
            return host(caller);
        Container ct = tree.containers().get(caller.container());
        if (ct == null)
            throw new PortoException(ErrorCode.Permission, "the client's container " + caller.container() + " no longer exists");
        if (ct.state() != State.RUNNING && ct.state() != State.META)
            throw new PortoException(ErrorCode.Permission, "clients in a " + ct.state().text() + " container cannot use porto");
        // Requests from a container are made on behalf of its owner.
        caller = new Caller(caller.pid(), ct.ownerUid, ct.ownerGid, ct.name, caller.startTime());
        AccessLevel level = AccessLevel.FULL;
        for (Container p = ct; !p.isHost(); p = p.parent) {
            AccessLevel own = accessLevel(properties, p);
            if (own.compareTo(level) < 0)
                level = own;
        }
        if (level == AccessLevel.NONE)
            throw new PortoException(ErrorCode.Permission, "porto is disabled in container " + ct.name + " (enable_porto=false)");
        return new ClientScope(caller, level, namespaceOf(properties, ct, false), namespaceOf(properties, ct, true));
    }

    /** The deepest of {@code names} that is {@code cgroupPath} or a prefix of it; the host when none is. */
    static String deepestContainer(java.util.Set<String> names, String cgroupPath) {
        for (String p = cgroupPath; p != null && !p.isEmpty(); p = p.contains("/") ? p.substring(0, p.lastIndexOf('/')) : null)
            if (names.contains(p))
                return p;
        return ContainerName.HOST;
    }

    static AccessLevel accessLevel(Properties properties, Container c) throws PortoException {
        return AccessLevel.parse(properties.value(c, "enable_porto"));
    }

    /**
     * The name prefix a client in {@code c} works in: the porto_namespace values from the nearest
     * isolating ancestor (enable_porto=isolate: that container's own name) down to {@code c}.
     */
    static String namespaceOf(Properties properties, Container c, boolean forWrites) throws PortoException {
        String ns = "";
        for (Container p = c; !p.isHost(); p = p.parent) {
            AccessLevel own = accessLevel(properties, p);
            if (own.isolatesReads() || (forWrites && own.isolatesWrites()))
                return p.name + "/" + ns;
            ns = ContextProperties.PORTO_NAMESPACE.value(p) + ns;
        }
        return ns;
    }

    public Caller caller() {
        return caller;
    }

    /** The client's own container, or {@link ContainerName#HOST}. */
    public String container() {
        return caller.container();
    }

    /** The prefix of names this client writes without "/porto/", "" on the host. */
    public String namespace() {
        return namespace;
    }

    boolean canWrite() {
        return level.canWrite();
    }

    /**
     * The host-relative name of a container named by this client, after "self", ".", "/porto/..."
     * and ".." components are applied; Permission when the result is outside what it may see.
     */
    public String resolve(String name) throws PortoException {
        String self = caller.container();
        String full;
        if (name.equals(ContainerName.HOST) || name.equals("/porto"))
            return ContainerName.HOST;
        else if (name.equals("self"))
            full = self;
        else if (name.equals("."))
            return dot();
        else if (name.startsWith("self/"))
            full = self.equals(ContainerName.HOST) ? name.substring(5) : self + "/" + name.substring(5);
        else if (name.startsWith(ContainerName.ABSOLUTE_PREFIX))
            full = name.substring(ContainerName.ABSOLUTE_PREFIX.length());
        else if (name.isEmpty())
            return name; // no container has this name; the caller reports it
        else
            full = namespace + name;
        full = normalize(full);
        if (full == null)
            throw new PortoException(ErrorCode.InvalidValue, "container name " + name + " climbs above the host");
        if (!canSee(full))
            throw new PortoException(ErrorCode.Permission, "container " + name + " is out of the client's namespace");
        return full;
    }

    /** Mask text as the client wrote it, made host-relative (no "self" or ".." in masks). */
    public String resolveMask(String mask) {
        if (mask.startsWith(ContainerName.ABSOLUTE_PREFIX))
            return mask.substring(ContainerName.ABSOLUTE_PREFIX.length());
        return namespace + mask;
    }

    /** How this client names a host-relative container, or null when it may not list it. */
    public String relative(String name) {
        if (name.equals(ContainerName.HOST))
            return name;
        if (name.startsWith(namespace))
            return name.substring(namespace.length());
        return null;
    }

    /** As {@link #relative}, but an absolute "/porto/..." name for visible containers outside the namespace. */
    public String display(String name) {
        String rel = relative(name);
        if (rel != null)
            return rel;
        return ContainerName.absolute(name);
    }

    /** ".": the common parent of all containers in the namespace. */
    private String dot() {
        return namespace.isEmpty() ? ContainerName.HOST : namespace.substring(0, namespace.length() - 1);
    }

    /** The host, ".", anything in the namespace, the client's container, its ancestors and descendants. */
    public boolean canSee(String name) {
        String self = caller.container();
        return name.equals(ContainerName.HOST) || name.equals(dot()) || name.startsWith(namespace)
                || ContainerName.isWithin(name, self) || ContainerName.isWithin(self, name);
    }

    /**
     * Whether this client may change {@code target} ({@code forChild}: create a child in it). The
     * target must be in the client's write namespace or below its container; owners are checked by
     * {@link Permissions}.
     */
    void checkWriteScope(Container target, boolean forChild) throws PortoException {
        if (!level.canWrite())
            throw new PortoException(ErrorCode.Permission, "write access denied: porto is read-only in container "
                    + caller.container() + " (enable_porto=" + level.text() + ")");
        String self = caller.container();
        String name = target.name;
        boolean inScope;
        if (target.isHost())
            inScope = writeNamespace.isEmpty() && forChild;
        else
            inScope = name.startsWith(writeNamespace)
                    || (forChild && name.equals(trimSlash(writeNamespace)))
                    || (ContainerName.isWithin(name, self) && !name.equals(self))
                    || (forChild && name.equals(self));
        if (!inScope)
            throw new PortoException(ErrorCode.Permission, "write access denied: container "
                    + (target.isHost() ? "/" : name) + " is out of the client's scope");
    }

    private static String trimSlash(String ns) {
        return ns.endsWith("/") ? ns.substring(0, ns.length() - 1) : ns;
    }

    /** Applies "." and ".." components; null when ".." would climb above the host. */
    static String normalize(String name) {
        if (name.equals(ContainerName.HOST))
            return name;
        List<String> parts = new ArrayList<>();
        for (String part : name.split("/", -1)) {
            if (part.equals("..")) {
                if (parts.isEmpty())
                    return null;
                parts.remove(parts.size() - 1);
            } else if (!part.equals(".")) {
                parts.add(part);
            }
        }
        return parts.isEmpty() ? ContainerName.HOST : String.join("/", parts);
    }
}

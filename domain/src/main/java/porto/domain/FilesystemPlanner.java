package porto.domain;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import porto.ports.ContainerFiles;
import porto.ports.ContainerFiles.FileFacts;
import porto.ports.LaunchSpec;

/**
 * The filesystem a task will see: its root, bind mounts, the files porto shows in a chroot's /etc
 * and the device nodes of its /dev. Also where paths a client names are checked against that
 * client's rights, before anything is started.
 *
 * <p>A task starts inside the filesystem of its nearest ancestor that runs a task (the "holder"),
 * so {@code root} and bind sources are paths there; {@link #hostRoot} is the same place seen from
 * the host, used for the checks (binds inside an ancestor are not seen from the host).
 */
final class FilesystemPlanner {
    /** Where porto shows its socket inside a root; clients look for it there. */
    static final String SOCKET_INSIDE = "/run/portod.socket";

    private final ContainerFiles files;
    private final UserDatabase users;
    private final Properties properties;

    FilesystemPlanner(ContainerFiles files, UserDatabase users, Properties properties) {
        this.files = files;
        this.users = users;
        this.properties = properties;
    }

    /** What the filesystem part of a launch needs, and the files to write before it. */
    record Plan(LaunchSpec.Filesystem filesystem, Map<String, byte[]> files) {}

    /** The nearest ancestor that runs a task when started (a command, or a meta container that isolates). */
    static Container holder(Container c) throws PortoException {
        for (Container p = c.parent; !p.isHost(); p = p.parent) {
            String command = ContextProperties.COMMAND.value(p);
            if (!command.isEmpty() || ContextProperties.ISOLATE.value(p))
                return p;
        }
        return null;
    }

    /** The container's root as a host path: its holder's root, then its own root within that. */
    static String hostRoot(Container c) throws PortoException {
        Container h = holder(c);
        String base = h == null ? "/" : hostRoot(h);
        String own = FilesystemProperties.ROOT.value(c);
        if (own.equals("/"))
            return base;
        return base.equals("/") ? own : base + own;
    }

    Plan plan(Container c, Caller caller, String workDir) throws PortoException {
        Container h = holder(c);
        String parentRoot = h == null ? "/" : hostRoot(h);
        String root = FilesystemProperties.ROOT.value(c);
        boolean ownRoot = !root.equals("/");
        if (ownRoot)
            checkRoot(c, parentRoot, root, caller);
        List<LaunchSpec.Bind> binds = new ArrayList<>();
        for (Binds.Bind b : FilesystemProperties.BIND.value(c)) {
            checkBindSource(parentRoot, b, caller);
            binds.add(new LaunchSpec.Bind(b.source(), b.target(), b.readOnly()));
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        if (ownRoot) // a task without a root of its own shares its holder's /etc
            etcFiles(c, parentRoot.equals("/"), workDir, binds, files);
        boolean socket = false;
        if (ownRoot && ClientScope.accessLevel(properties, c) != AccessLevel.NONE) {
            if (h == null || parentRoot.equals("/"))
                socket = true; // the daemon's own socket, from the host
            else
                binds.add(new LaunchSpec.Bind(SOCKET_INSIDE, SOCKET_INSIDE, false, true)); // the parent's
        }
        List<LaunchSpec.Device> nodes = ownRoot ? Devices.nodes(Devices.effective(this.files, users, c)) : List.of();
        return new Plan(new LaunchSpec.Filesystem(ownRoot ? root : null, FilesystemProperties.ROOT_READONLY.value(c),
                binds, nodes, socket), files);
    }

    /** True when the container's "/" is not the host's, through its own root or its holder's. */
    static boolean inChroot(Container c) throws PortoException {
        return !hostRoot(c).equals("/");
    }

    /**
     * /etc/hosts and /etc/resolv.conf of the host (bind_dns), the container's own resolv.conf and
     * hostname. Files porto writes live in the container's working directory on the host, so they
     * can be shown only when the task starts from the host's filesystem.
     */
    private void etcFiles(Container c, boolean fromHost, String workDir, List<LaunchSpec.Bind> binds,
                          Map<String, byte[]> files) throws PortoException {
        String resolv = FilesystemProperties.RESOLV_CONF.value(c);
        String hosts = FilesystemProperties.ETC_HOSTS.value(c);
        boolean bindDns = FilesystemProperties.BIND_DNS.value(c);
        if (!hosts.isEmpty()) {
            if (!fromHost)
                throw new PortoException(ErrorCode.NotSupported, "etc_hosts is not supported for a container started inside "
                        + "another container's root; set it on the outermost one");
            files.put(workDir + "/hosts", lines(hosts));
            binds.add(new LaunchSpec.Bind(workDir + "/hosts", "/etc/hosts", true));
        } else if (bindDns) {
            binds.add(new LaunchSpec.Bind("/etc/hosts", "/etc/hosts", true));
        }
        if (!resolv.isEmpty()) {
            if (!fromHost)
                throw new PortoException(ErrorCode.NotSupported, "resolv_conf is not supported for a container started inside "
                        + "another container's root; set it on the outermost one");
            StringBuilder text = new StringBuilder();
            for (String line : Values.splitList(resolv, ';'))
                if (!line.isBlank())
                    text.append(line.trim()).append('\n');
            files.put(workDir + "/resolv.conf", text.toString().getBytes(StandardCharsets.UTF_8));
            binds.add(new LaunchSpec.Bind(workDir + "/resolv.conf", "/etc/resolv.conf", true));
        } else if (bindDns) {
            binds.add(new LaunchSpec.Bind("/etc/resolv.conf", "/etc/resolv.conf", true));
        }
        String hostname = ContextProperties.HOSTNAME.value(c);
        if (!hostname.isEmpty() && fromHost) {
            files.put(workDir + "/hostname", (hostname + "\n").getBytes(StandardCharsets.UTF_8));
            // The manual wants a regular /etc/hostname in the root; without one there is nothing to cover.
            binds.add(new LaunchSpec.Bind(workDir + "/hostname", "/etc/hostname", true, true));
        }
    }

    /** "a;b" as the lines of a file. */
    private static byte[] lines(String text) {
        StringBuilder out = new StringBuilder();
        for (String line : Values.splitList(text, ';'))
            if (!line.isBlank())
                out.append(line.trim()).append('\n');
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void checkRoot(Container c, String parentRoot, String root, Caller caller) throws PortoException {
        PathAccess.require(files, users, parentRoot, root, caller, "use " + root + " as a root: it needs write permission there",
                ContainerFiles.Access.READ, ContainerFiles.Access.WRITE);
        FileFacts f = files.facts(parentRoot, root);
        if (f == null)
            throw new PortoException(ErrorCode.InvalidPath, "root " + root + " of " + c.name + " does not exist");
        if (f.kind() != FileFacts.Kind.DIRECTORY)
            throw new PortoException(ErrorCode.InvalidPath, "root " + root + " of " + c.name + " is not a directory");
        // The manual: setting root requires write permission to it. Read access alone would let a
        // user make /etc the root of a task that gets the chroot capabilities (DAC_OVERRIDE, ...).
        if (!f.permits(caller.uid(), groups(caller), 7))
            throw new PortoException(ErrorCode.Permission, "user " + users.userName(caller.uid()) + " may not use " + root
                    + " as a root: it needs write permission there");
    }

    private void checkBindSource(String parentRoot, Binds.Bind b, Caller caller) throws PortoException {
        String what = "bind " + b.source() + (b.readOnly() ? " read-only" : " read-write");
        if (b.readOnly())
            PathAccess.require(files, users, parentRoot, b.source(), caller, what, ContainerFiles.Access.READ);
        else
            PathAccess.require(files, users, parentRoot, b.source(), caller, what, ContainerFiles.Access.READ, ContainerFiles.Access.WRITE);
        FileFacts f = files.facts(parentRoot, b.source());
        if (f == null)
            throw new PortoException(ErrorCode.InvalidPath, "bind source " + b.source() + " does not exist");
        // Reading a directory needs search too; a writable bind needs write access to the source.
        int want = (b.readOnly() ? 4 : 6) | (f.kind() == FileFacts.Kind.DIRECTORY ? 1 : 0);
        if (!f.permits(caller.uid(), groups(caller), want))
            throw new PortoException(ErrorCode.Permission, "user " + users.userName(caller.uid()) + " may not bind "
                    + b.source() + (b.readOnly() ? " read-only" : " read-write"));
    }

    private List<Integer> groups(Caller caller) {
        List<Integer> g = new ArrayList<>(users.groupsOf(caller.uid()));
        g.add(caller.gid());
        return g;
    }
}

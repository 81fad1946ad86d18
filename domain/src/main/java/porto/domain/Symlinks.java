package porto.domain;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import porto.ports.ContainerFiles;
import porto.ports.KernelException;
import porto.ports.LaunchSpec;

/**
 * The symlink property and the SetSymlink request, as upstream: "<symlink>: <target>; ..." links
 * made inside the container's root at each start and at once in a running container, kept in the
 * container's record across restarts. Both paths are absolute (a relative one or a ".." is
 * refused InvalidValue, where upstream takes relative ones from the working directory); the
 * link's text is the target relative to the link's directory, as upstream writes it. Lookups stay
 * inside the root; with the host's root ("/"), the links are made with the task user's rights.
 */
public final class Symlinks {
    private Symlinks() {}

    static final String NAME = "symlink";

    /** Links in a running container are made at once, in its root, with the task user's rights on the host's root. */
    static void register(Properties p, ContainerFiles files, UserDatabase users) {
        p.add(Property.settable(NAME, "symlinks made in the container's root: <symlink>: <target>;...", Property.ANY_STATE,
                c -> "", (c, caller, text) -> canonical(files, users, p, c, text), true).withKeys(Symlinks::target, (c, key, value) -> {
                    Map<String, String> links = links(c);
                    links.put(key, value);
                    return Values.formatMap(links);
                }));
    }

    /** The links in effect: path to target. */
    static Map<String, String> links(Container c) throws PortoException {
        return new LinkedHashMap<>(Values.parseMap(c.config.getOrDefault(NAME, ""), false));
    }

    private static String target(Container c, String key) throws PortoException {
        String target = links(c).get(normal(key, "symlink"));
        if (target == null)
            throw new PortoException(ErrorCode.NoValue, "symlink " + key + " is not set");
        return target;
    }

    /**
     * Validates the whole new map; in a running container the links it drops are removed and the
     * others made now (a failure leaves the value unchanged and says which link failed).
     */
    private static String canonical(ContainerFiles files, UserDatabase users, Properties p, Container c, String text) throws PortoException {
        Map<String, String> wanted = new LinkedHashMap<>();
        for (var e : Values.parseMap(text, false).entrySet()) {
            String target = e.getValue().isEmpty() ? "" : normal(e.getValue(), "symlink target");
            if (!target.isEmpty())
                wanted.put(normal(e.getKey(), "symlink"), target);
        }
        if (c.hasTask() && c.state() != State.META) {
            Map<String, String> old = links(c);
            for (String path : old.keySet())
                if (!wanted.containsKey(path))
                    apply(files, users, p, c, "/proc/" + c.rootPid + "/root", path, null);
            for (var e : wanted.entrySet())
                if (!e.getValue().equals(old.get(e.getKey())))
                    apply(files, users, p, c, "/proc/" + c.rootPid + "/root", e.getKey(), e.getValue());
        }
        return Values.formatMap(wanted);
    }

    /** SetSymlink sets this property ({@code symlink[path]}); an empty target removes the link. */
    public static String property(String symlink) throws PortoException {
        return NAME + "[" + normal(symlink, "symlink") + "]";
    }

    /** Makes every link in the root of a container about to start (its root as a host path). */
    static void createAtStart(ContainerFiles files, UserDatabase users, Properties p, Container c) throws PortoException {
        String root = InfoProperties.rootPath(c);
        for (var e : links(c).entrySet())
            apply(files, users, p, c, root, e.getKey(), e.getValue());
    }

    private static void apply(ContainerFiles files, UserDatabase users, Properties p, Container c, String root, String path, String target) throws PortoException {
        int uid = users.resolveUid(p.value(c, "user"));
        int gid = users.resolveGid(p.value(c, "group"));
        // Inside its own root the daemon makes the links (upstream does too); on the host's, the task's user must be able to.
        boolean hostRoot = InfoProperties.rootPath(c).equals("/");
        LaunchSpec.Cred as = hostRoot ? users.credentials(new Caller(0, uid, gid, ContainerName.HOST, 0)) : null;
        try {
            files.setSymlink(root, path, target, as, uid, gid);
        } catch (KernelException e) {
            ErrorCode code = PathAccess.refused(e) ? ErrorCode.Permission
                    : e.errno() == 17 || e.errno() == 20 || e.errno() == 21 ? ErrorCode.InvalidValue : ErrorCode.Unknown;
            throw new PortoException(code, e.getMessage(), e.errno());
        }
    }

    /** An absolute path without "." or ".." components, with no trailing or doubled '/'. */
    static String normal(String text, String what) throws PortoException {
        String t = text.trim();
        if (!t.startsWith("/"))
            throw Values.invalid(what + " " + text + " is not an absolute path");
        for (String part : t.split("/"))
            if (part.equals(".."))
                throw Values.invalid(what + " " + text + " has a '..': it may not climb out of the container's root");
        String normal = Path.of(t).normalize().toString();
        if (normal.equals("/") && what.equals("symlink"))
            throw Values.invalid("symlink / would replace the container's root");
        return normal;
    }
}

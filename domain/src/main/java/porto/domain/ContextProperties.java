package porto.domain;

import static porto.domain.Property.ANY_STATE;
import static porto.domain.Property.STOPPED_ONLY;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/** The manual's "Context" and "Security" properties: what the main process runs as and with. */
final class ContextProperties {
    private ContextProperties() {}

    static final TypedProperty<String> COMMAND = TypedProperty.of("command", "command executed upon container start",
                    STOPPED_ONLY, t -> t, t -> t, "")
            .defaultFor(c -> FilesystemProperties.isOs(c) ? "/sbin/init" : "")
            .onSet((c, command) -> c.config.remove("command_argv")); // a command replaces a verbatim argv
    static final TypedProperty<List<String>> COMMAND_ARGV = TypedProperty.of("command_argv",
                    "verbatim command line: argv0\\targv1\\t...", STOPPED_ONLY,
                    t -> List.copyOf(CommandLine.splitArgv(t)), CommandLine::joinArgv, List.<String>of())
            // command shows the same argv, quoted, so that it reads (and tests for meta) alike
            .onSet((c, argv) -> c.config.put("command", CommandLine.quote(argv)));
    static final TypedProperty<String> VIRT_MODE = TypedProperty.of("virt_mode",
            "virtualization mode: app|os|host (job, fuse: not supported)", STOPPED_ONLY, VirtModes::parse, t -> t, "app")
            .onSet((c, mode) -> {
                if (mode.equals("host"))
                    c.config.remove("isolate"); // as upstream, host mode turns isolation off
            });
    static final TypedProperty<Boolean> ISOLATE = TypedProperty.bool("isolate",
                    "new pid/ipc/uts/env namespaces: true|false", STOPPED_ONLY, true)
            .defaultFor(c -> !VirtModes.isHost(c))
            .onSet((c, isolate) -> {
                if (isolate && VirtModes.isHost(c))
                    throw Values.invalid("isolate=true incompatible with virt_mode=host");
            });
    static final TypedProperty<Map<String, String>> ENV = TypedProperty.of("env",
            "environment of main container process: <name>: <value>; ...", STOPPED_ONLY,
            t -> Collections.unmodifiableMap(Values.parseMap(t, true)), Values::formatMap, Map.<String, String>of()).keyed();
    static final TypedProperty<Integer> UMASK = TypedProperty.of("umask", "initial file creation mask, octal", STOPPED_ONLY,
            ContextProperties::parseUmask, mask -> String.format("%04o", mask), 0002);
    static final TypedProperty<Map<String, Ulimits.Limit>> ULIMIT = TypedProperty.of("ulimit",
            "resource limits: <type>: [soft]|unlimited <hard>|unlimited; ...", STOPPED_ONLY,
            t -> Collections.unmodifiableMap(Ulimits.parse(t)), Ulimits::format, Map.<String, Ulimits.Limit>of()).keyed();
    static final TypedProperty<String> HOSTNAME = TypedProperty.of("hostname", "hostname inside the container", STOPPED_ONLY,
            ContextProperties::parseHostname, t -> t, "");
    static final TypedProperty<String> PORTO_NAMESPACE = TypedProperty.of("porto_namespace",
            "name prefix of containers visible inside (deprecated, use enable_porto=isolate)", STOPPED_ONLY,
            ContextProperties::parseNamespace, t -> t, "");
    static final TypedProperty<Long> OOM_SCORE_ADJ = TypedProperty.of("oom_score_adj", "OOM score adjustment: -1000..1000",
            STOPPED_ONLY, ContextProperties::parseOomScoreAdj, String::valueOf, 0L);
    static final TypedProperty<String> PRIVATE = TypedProperty.of("private", "user-defined text, at most 4096 bytes",
            ANY_STATE, ContextProperties::parsePrivate, t -> t, "");

    /**
     * Receives the core dumps of the container's tasks on its standard input ("portod core", which
     * portod.conf's {@code core { enable: true }} makes the kernel's core_pattern). As upstream, a
     * container that did not set it takes its parent's, but not across a root of its own.
     */
    static final TypedProperty<String> CORE_COMMAND = TypedProperty.of("core_command",
                    "command receiving core dumps on its stdin (portod.conf: core { enable: true })", ANY_STATE, t -> t, t -> t, "")
            .defaultFor(ContextProperties::inheritedCoreCommand)
            .onSet((c, command) -> requireCoreDumps(c));

    private static String inheritedCoreCommand(Container c) throws PortoException {
        String root = FilesystemProperties.ROOT.value(c);
        if (c.parent == null || c.parent.isHost() || !(root.isEmpty() || root.equals("/")))
            return "";
        return CORE_COMMAND.value(c.parent);
    }

    /** Without the core section, upstream answers NotSupported for core_command, read or set. */
    private static void requireCoreDumps(Container c) throws PortoException {
        if (!c.defaults.coreEnabled())
            throw new PortoException(ErrorCode.NotSupported, "core_command is not supported: core dumps are not handed to "
                    + "containers unless portod.conf enables them (core { enable: true })");
    }

    /** Read only where core dumps are handed on. */
    private static Property coreCommandEntry() {
        return CORE_COMMAND.entryReadBy(c -> {
            requireCoreDumps(c);
            return CORE_COMMAND.value(c);
        });
    }

    private static int parseUmask(String text) throws PortoException {
        try {
            int mask = Integer.parseInt(text.trim(), 8);
            if (mask < 0 || mask > 0777)
                throw Values.invalid("umask must be within 0..0777, got '" + text + "'");
            return mask;
        } catch (NumberFormatException e) {
            throw Values.invalid("expected an octal umask like 0022, got '" + text + "'");
        }
    }

    private static String parseHostname(String text) throws PortoException {
        if (text.length() > 64 || !text.matches("[A-Za-z0-9.\\-]*"))
            throw Values.invalid("hostname must be up to 64 letters, digits, '.' or '-', got '" + text + "'");
        return text;
    }

    private static String parseNamespace(String text) throws PortoException {
        String ns = text.trim();
        // Any prefix, as upstream ("a/" or "a-"); only characters no name can hold are refused.
        String bare = ns.endsWith("/") ? ns.substring(0, ns.length() - 1) : ns;
        if (!ns.isEmpty() && !validPrefix(bare))
            throw Values.invalid("porto_namespace must be empty or a prefix of container names, got '" + text + "'");
        return ns;
    }

    private static long parseOomScoreAdj(String text) throws PortoException {
        long adj = Values.parseInteger(text);
        if (adj < -1000 || adj > 1000)
            throw Values.invalid("oom_score_adj must be within -1000..1000, got '" + text + "'");
        return adj;
    }

    private static String parsePrivate(String text) throws PortoException {
        if (text.length() > 4096)
            throw Values.invalid("private value is longer than 4096 bytes");
        return text;
    }

    // Setters that need the caller or the user database: only root may name someone else.

    private static Property.Setter user(UserDatabase users) {
        return (c, who, v) -> {
            int uid = users.resolveUid(v);
            if (!who.isRoot() && uid != who.uid())
                throw new PortoException(ErrorCode.Permission, "Only root can change this property");
            return users.userName(uid);
        };
    }

    /** Any existing group; as upstream, whether the owner may run tasks with it is checked at start. */
    private static Property.Setter group(UserDatabase users) {
        return (c, who, v) -> users.groupName(users.resolveGid(v));
    }

    private static Property.Setter ownerUser(UserDatabase users) {
        return (c, who, v) -> {
            int uid = users.resolveUid(v);
            if (!who.isRoot() && uid != who.uid())
                throw new PortoException(ErrorCode.Permission, "Only root can change this property");
            c.ownerUid = uid;
            return users.userName(uid);
        };
    }

    private static Property.Setter ownerGroup(UserDatabase users) {
        return (c, who, v) -> {
            int gid = users.resolveGid(v);
            if (!who.isRoot() && gid != who.gid() && !users.groupsOf(who.uid()).contains(gid))
                throw new PortoException(ErrorCode.Permission, "Only root can change this property");
            c.ownerGid = gid;
            return users.groupName(gid);
        };
    }

    private static Property.Setter access(Properties registry) {
        return (c, who, v) -> {
            AccessLevel level = AccessLevel.parse(v);
            // Only root may give a container more access than its ancestors have.
            if (!who.isRoot())
                for (Container p = c.parent; !p.isHost(); p = p.parent)
                    if (!AccessLevel.compatible(ClientScope.accessLevel(registry, p), level))
                        throw new PortoException(ErrorCode.Permission, "enable_porto=" + level.text()
                                + " exceeds the access of parent " + p.name);
            return level.text();
        };
    }

    private static boolean validPrefix(String name) {
        try {
            ContainerName.validate(name);
            return true;
        } catch (PortoException e) {
            return false;
        }
    }

    /** The context family; user, group and the owner's read and check the user database. */
    static void register(Properties p, UserDatabase users) {
        p.add(COMMAND.entry());
        p.add(COMMAND_ARGV.entry());
        p.add(coreCommandEntry());
        p.add(ENV.entry());
        p.add(Property.settable("user", "uid of container processes", STOPPED_ONLY,
                c -> users.userName(c.ownerUid), user(users), false));
        p.add(Property.settable("group", "gid of container processes", STOPPED_ONLY,
                c -> users.groupName(c.ownerGid), group(users), false));
        p.add(Property.settable("owner_user", "container owner user", STOPPED_ONLY,
                c -> users.userName(c.ownerUid), ownerUser(users), false));
        p.add(Property.settable("owner_group", "container owner group", STOPPED_ONLY,
                c -> users.groupName(c.ownerGid), ownerGroup(users), false));
        p.add(UMASK.entry());
        // As upstream, ulimit[type] is the container's own entry as "type: soft hard", or empty.
        p.add(ULIMIT.entry().withKeys((c, key) -> {
            String type = key.trim().toLowerCase(java.util.Locale.ROOT);
            Ulimits.Limit l = ULIMIT.value(c).get(type);
            return l == null ? "" : Ulimits.format(Map.of(type, l));
        }, null));
        p.add(ISOLATE.entry());
        p.add(VIRT_MODE.entry());
        p.add(HOSTNAME.entry());
        p.add(Property.settable("enable_porto", "access to porto: false|read-isolate|read-only|isolate|child-only|true",
                ANY_STATE, c -> "true", access(p), false));
        p.add(PORTO_NAMESPACE.entry());
        p.add(OOM_SCORE_ADJ.entry());
        p.add(PRIVATE.entry());
    }
}

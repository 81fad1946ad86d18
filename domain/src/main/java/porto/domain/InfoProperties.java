package porto.domain;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Read-only facts upstream 5.3.15 shows and the older families lack: change_time, start_error,
 * root_path, task_cred, owner_cred, taint and extra_properties.
 */
final class InfoProperties {
    private InfoProperties() {}

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    static void register(Properties p, UserDatabase users) {
        p.add(Property.readOnly("change_time", "time of the last change; change_time[raw]: seconds since the epoch",
                c -> TIME.format(Instant.ofEpochMilli(c.changeTime)), true).withKeys((c, key) -> {
                    if (!key.equals("raw"))
                        throw Values.invalid("change_time has one key, raw; got '" + key + "'");
                    return Long.toString(c.changeTime / 1000);
                }, null));
        p.add(Property.readOnly("start_error", "error of the last failed start: <Error>: <message>, empty after a good one",
                c -> c.startError, false));
        p.add(Property.readOnly("root_path", "the container's root as a path of the host", c -> rootPath(c), false));
        p.add(Property.readOnly("task_cred", "credentials of the container's tasks: <uid> <gid>", c -> {
            return users.resolveUid(p.value(c, "user")) + " " + users.resolveGid(p.value(c, "group"));
        }, false));
        p.add(Property.readOnly("owner_cred", "credentials of the container's owner: <uid> <gid>",
                c -> c.ownerUid + " " + c.ownerGid, false));
        p.add(Property.readOnly("taint", "warnings about this container's configuration, ';'-separated", c -> taint(p, c), false));
        p.add(Property.readOnly("extra_properties", "properties portod.conf's extra_properties set at the last start",
                c -> c.config.getOrDefault(ExtraProperties.APPLIED, ""), false));
    }

    /** Roots compose: a child's root is inside its parent's. */
    static String rootPath(Container c) throws PortoException {
        List<String> roots = new ArrayList<>();
        for (Container p = c; p != null && !p.isHost(); p = p.parent)
            roots.add(0, FilesystemProperties.ROOT.value(p));
        String path = "/";
        for (String root : roots)
            path = java.nio.file.Path.of(path, root).normalize().toString();
        return path;
    }

    /** Some of upstream's warnings: configurations that work but are likely mistakes. */
    private static String taint(Properties p, Container c) throws PortoException {
        List<String> taints = new ArrayList<>();
        if (c.ownerUid == 0 && c.level > 0 && !c.config.containsKey("capabilities"))
            taints.add("Container owned by root has unrestricted capabilities.");
        if (!MemoryProperties.OOM_IS_FATAL.value(c))
            taints.add("Containers with oom_is_fatal=false often stay broken after an OOM.");
        if (c.level == 1) {
            if (MemoryProperties.LIMIT.value(c) == 0)
                taints.add("First level container without memory_limit.");
            if (CpuProperties.LIMIT.value(c) == 0)
                taints.add("First level container without cpu_limit.");
            if (!ContextProperties.ISOLATE.value(c))
                taints.add("First level container without pid namespace.");
        }
        String access = p.value(c, "enable_porto");
        if (access.equals("true")) {
            if (!FilesystemProperties.ROOT.value(c).equals("/"))
                taints.add("Container could escape chroot with enable_porto=true.");
            if (ContextProperties.ISOLATE.value(c))
                taints.add("Container could escape pid namespace with enable_porto=true.");
        }
        return String.join(";", taints);
    }
}

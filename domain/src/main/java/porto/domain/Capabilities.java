package porto.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * Linux capabilities as bit sets, and the manual's rules for the bounding set of a container.
 *
 * <p>A container owned by root gets the capabilities it (and every ancestor) asks for, by default
 * the host set. A container owned by anyone else is limited further: outside a chroot it keeps the
 * host set but may raise only the "ambient in host" ones; in a chroot it gets the chroot set. KILL
 * and PTRACE (and SYS_BOOT) need a pid namespace, IPC_LOCK a memory limit and NET_ADMIN a network
 * namespace, somewhere up its ancestry.
 */
public final class Capabilities {
    /** Names as the manual writes them (without "CAP_"), indexed by capability number. */
    static final List<String> NAMES = List.of("CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL",
            "SETGID", "SETUID", "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
            "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN",
            "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE",
            "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND",
            "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE");

    static final long ALL = (1L << NAMES.size()) - 1;
    static final long MEMCG = set("IPC_LOCK");
    static final long PIDNS = set("KILL", "SYS_PTRACE");
    static final long SYS_BOOT = set("SYS_BOOT");
    static final long NETNS = set("NET_ADMIN");
    /** What a container of a non-root owner may raise as ambient outside a chroot. */
    static final long HOST_ALLOWED = MEMCG | PIDNS | NETNS | set("NET_BIND_SERVICE", "NET_RAW");
    static final long CHROOT = HOST_ALLOWED | set("SETPCAP", "SETFCAP", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID",
            "SETGID", "SETUID", "SYS_CHROOT", "MKNOD", "AUDIT_WRITE");
    static final long HOST = CHROOT | set("SYS_ADMIN", "LINUX_IMMUTABLE", "SYS_NICE", "SYS_BOOT", "SYS_RESOURCE");

    private Capabilities() {}

    private static long set(String... names) {
        long bits = 0;
        for (String n : names)
            bits |= 1L << NAMES.indexOf(n);
        return bits;
    }

    /** "NET_ADMIN; SYS_PTRACE" (with or without "CAP_", any case) to bits; unknown names are InvalidValue. */
    public static long parse(String text) throws PortoException {
        long bits = 0;
        for (String item : text.split("[;,]")) {
            String name = item.trim().toUpperCase(java.util.Locale.ROOT);
            if (name.isEmpty())
                continue;
            if (name.startsWith("CAP_"))
                name = name.substring(4);
            int bit = NAMES.indexOf(name);
            if (bit < 0)
                throw Values.invalid("unknown capability '" + item.trim() + "'; known are " + String.join(", ", NAMES));
            bits |= 1L << bit;
        }
        return bits;
    }

    public static String format(long bits) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < NAMES.size(); i++)
            if ((bits >> i & 1) != 0)
                out.add(NAMES.get(i));
        return String.join(";", out);
    }

    /** What one start may grant: the bounding set, and the subset that may be raised as ambient. */
    record Grant(long bound, long allowed) {}

    /** The bounding set and ambient allowance of {@code c}, from its and its ancestors' settings. */
    static Grant of(Container c) throws PortoException {
        boolean chroot = false, pidns = false, memcg = false, netns = false;
        long limit = ALL;
        for (Container p = c; !p.isHost(); p = p.parent) {
            chroot |= !FilesystemProperties.ROOT.value(p).equals("/");
            pidns |= ContextProperties.ISOLATE.value(p);
            memcg |= MemoryProperties.LIMIT.value(p) != 0;
            netns |= FilesystemProperties.isOs(p); // os mode runs in an empty network namespace
            if (p.config.containsKey("capabilities"))
                limit &= parse(p.config.get("capabilities"));
        }
        // virt_mode=host keeps every capability, as upstream: all for root, less the namespace-bound ones otherwise.
        boolean hostMode = VirtModes.isHost(c);
        if (c.ownerUid == 0) {
            long bound = c.config.containsKey("capabilities") ? limit : (hostMode ? ALL : HOST) & limit;
            return new Grant(bound, bound);
        }
        long missing = (pidns ? 0 : PIDNS | SYS_BOOT) | (memcg ? 0 : MEMCG) | (netns ? 0 : NETNS);
        if (hostMode)
            return new Grant(ALL & limit, ALL & limit & ~missing);
        if (chroot) {
            long bound = CHROOT & limit & ~missing;
            return new Grant(bound, bound);
        }
        long bound = HOST & limit;
        return new Grant(bound, HOST_ALLOWED & bound & ~missing);
    }
}

package porto.domain;

import static porto.domain.Property.ANY_STATE;
import static porto.domain.Property.STOPPED_ONLY;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import porto.ports.Cgroups;
import porto.ports.Cgroups.Limit;

/** The manual's "CGROUPS" section, and thread_limit (the pids controller). */
final class ResourceProperties {
    private ResourceProperties() {}

    /** Controllers Linux has; those the host lacks are NotSupported rather than unknown. */
    private static final Set<String> KNOWN = Set.of("freezer", "memory", "cpu", "cpuacct", "pids", "cpuset", "blkio",
            "devices", "hugetlb", "net_cls", "net_prio", "perf_event", "rdma", "misc");

    /** A first-level container gets 10000 threads unless told otherwise; deeper ones are bound by their parents. */
    static final TypedProperty<Long> THREAD_LIMIT = TypedProperty.of("thread_limit", "limit of threads (0 means unlimited)",
                    ANY_STATE, Values::parseUnsigned, String::valueOf, 0L)
            .defaultFor(c -> c.level == 1 ? 10_000L : 0L).needs(Limit.THREAD_LIMIT, n -> n != 0);

    /** Limits are written and statistics read through ResourceControl; controllers are those the kernel has. */
    static void register(Properties p, ResourceControl resources, Cgroups cgroups, DomainConfig config) {
        MemoryProperties.register(p, resources, config);
        CpuProperties.register(p, resources, cgroups, config);
        IoProperties.register(p, resources, cgroups);
        p.add(THREAD_LIMIT.entry());
        // controllers stays untyped: its value depends on the controllers the host has and on the current run.

        p.add(Property.settable("controllers", "enabled cgroup controllers: <name>;...; controllers[name]=true enables one",
                STOPPED_ONLY, c -> enabled(resources, c), (c, who, v) -> {
                    Set<String> wanted = new TreeSet<>();
                    for (String name : v.split("[;,]"))
                        if (!name.isBlank())
                            wanted.add(checkedController(cgroups, name.trim()));
                    return String.join(";", wanted);
                }, true).withKeys(
                (c, key) -> Values.formatBool(Set.of(enabled(resources, c).split(";")).contains(key)),
                (c, key, v) -> {
                    String name = checkedController(cgroups, key);
                    Set<String> explicit = new LinkedHashSet<>(resources.explicitControllers(c));
                    if (Values.parseBool(v)) {
                        explicit.add(name);
                    } else {
                        explicit.remove(name);
                        String before = c.config.put("controllers", String.join(";", explicit));
                        try {
                            if (resources.controllersFor(c).contains(name))
                                throw Values.invalid("controller " + name + " cannot be disabled: the manual's rules need it for "
                                        + c.name + " (first level, freezer, cpuacct, or a limit that is set)");
                        } finally {
                            if (before == null)
                                c.config.remove("controllers");
                            else
                                c.config.put("controllers", before);
                        }
                    }
                    return String.join(";", explicit);
                }));
        p.add(Property.readOnly("cgroups", "cgroups holding the container's tasks: <controller>: <path>;...", c -> {
            Map<String, String> out = new TreeMap<>();
            if (c.state() != State.STOPPED && !c.controllers.isEmpty())
                for (String ctl : cgroups.available())
                    out.putAll(cgroups.paths(ResourceControl.cgroupOf(c, ctl), Set.of(ctl)));
            return Values.formatMap(out);
        }, true));
    }

    /** Controllers in force: those of the current run, or those a start would enable. */
    private static String enabled(ResourceControl resources, Container c) throws PortoException {
        Set<String> set = c.state() == State.STOPPED ? resources.controllersFor(c) : c.controllers;
        return String.join(";", new TreeSet<>(set));
    }

    private static String checkedController(Cgroups cgroups, String name) throws PortoException {
        if (cgroups.available().contains(name))
            return name;
        if (KNOWN.contains(name))
            throw new PortoException(ErrorCode.NotSupported, "controller " + name + " is not available on this host");
        throw Values.invalid("unknown cgroup controller '" + name + "', expected one of "
                + String.join(", ", new TreeSet<>(cgroups.available())));
    }
}

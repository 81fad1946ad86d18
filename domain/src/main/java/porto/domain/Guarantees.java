package porto.domain;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The rule that guarantees never exceed what can be given: the memory and cpu guaranteed to a
 * subtree stay within the limit in force there (the smallest memory_limit or cpu_limit on the way
 * to the top), and all guarantees together within the host, less the memory reserved for it.
 *
 * <p>Only containers that are not stopped hold guarantees (as upstream counts them). A change is
 * refused only if it makes some excess larger, so lowering a guarantee or raising a limit is always
 * allowed, even on a host that is already overcommitted.
 */
final class Guarantees {
    private static final String HOST = "/";
    private static final Set<String> WATCHED = Set.of("memory_guarantee", "memory_limit", "cpu_guarantee", "cpu_limit");
    private final ContainerTree tree;
    private final DomainConfig config;

    Guarantees(ContainerTree tree, DomainConfig config) {
        this.tree = tree;
        this.config = config;
    }

    /** Before {@code c} starts: it and its stopped ancestors start with it. */
    void checkStart(Container c) throws PortoException {
        Set<Container> starting = new HashSet<>();
        for (Container x = c; x != null && !x.isHost() && x.state() == State.STOPPED; x = x.parent)
            starting.add(x);
        compare(excess(Set.of()), excess(starting), c);
    }

    /** True for the properties whose values the guarantee checks read. */
    static boolean isWatched(String property) {
        return WATCHED.contains(property);
    }

    /** After {@code property} of an active container changed from {@code previous} (config holds the new value). */
    void checkChange(Container c, String property, String previous) throws PortoException {
        if (!WATCHED.contains(property))
            return;
        String now = c.config.get(property);
        put(c, property, previous);
        Map<String, Long> before;
        try {
            before = excess(Set.of());
        } finally {
            put(c, property, now);
        }
        compare(before, excess(Set.of()), c);
    }

    private static void put(Container c, String property, String value) {
        if (value == null)
            c.config.remove(property);
        else
            c.config.put(property, value);
    }

    private void compare(Map<String, Long> before, Map<String, Long> after, Container changed) throws PortoException {
        for (var e : after.entrySet()) {
            if (e.getValue() <= before.getOrDefault(e.getKey(), 0L))
                continue;
            String[] key = e.getKey().split(" ", 2);
            throw new PortoException(ErrorCode.ResourceNotAvailable, describe(key[0], key[1], changed));
        }
    }

    /** How far each rule is broken, by "memory|cpu name" (memory in bytes, cpu in micro-cores). */
    private Map<String, Long> excess(Set<Container> starting) throws PortoException {
        Map<String, Long> out = new HashMap<>();
        long memory = 0;
        for (Container top : tree.host().children.values()) {
            memory += memoryTotal(top, starting);
        }
        HostResources host = config.host();
        out.put("memory " + HOST, Math.max(0, memory + host.memoryGuaranteeReserve() - host.memoryBytes()));
        // Upstream refuses no cpu guarantee for the host's sake (it only logs an overcommit): a
        // guarantee above the cores is kept as asked; a cpu_limit in force still bounds its subtree.
        for (Container c : tree.containers().values()) {
            if (!counts(c, starting))
                continue;
            long memoryBound = memoryLimitBound(c);
            if (memoryBound > 0)
                out.put("memory " + c.name, Math.max(0, memoryTotal(c, starting) - memoryBound));
            double cpuBound = ResourceControl.cpuLimitBound(c);
            if (cpuBound > 0)
                out.put("cpu " + c.name, Math.max(0, Math.round((cpuTotal(c, starting) - cpuBound) * 1e6)));
        }
        return out;
    }

    private static boolean counts(Container c, Set<Container> starting) {
        return c.state() != State.STOPPED || starting.contains(c);
    }

    /** The memory guaranteed to a subtree: its own guarantee or its children's together, whichever is more. */
    long memoryTotal(Container c, Set<Container> starting) throws PortoException {
        if (!counts(c, starting))
            return 0;
        long children = 0;
        for (Container child : c.children.values())
            children += memoryTotal(child, starting);
        return Math.max(MemoryProperties.GUARANTEE.value(c), children);
    }

    double cpuTotal(Container c, Set<Container> starting) throws PortoException {
        if (!counts(c, starting))
            return 0;
        double children = 0;
        for (Container child : c.children.values())
            children += cpuTotal(child, starting);
        return Math.max(CpuProperties.GUARANTEE.value(c), children);
    }

    /** The smallest memory_limit from the container up to the top; 0 when none is set. */
    long memoryLimitBound(Container c) throws PortoException {
        long bound = 0;
        for (Container x = c; x != null && !x.isHost(); x = x.parent) {
            long own = MemoryProperties.LIMIT.value(x);
            if (own > 0 && (bound == 0 || own < bound))
                bound = own;
        }
        return bound;
    }

    private String describe(String resource, String where, Container changed) throws PortoException {
        HostResources host = config.host();
        Set<Container> self = Set.of(changed);
        if (resource.equals("memory") && where.equals(HOST)) {
            long all = 0;
            for (Container top : tree.host().children.values())
                all += memoryTotal(top, changed.state() == State.STOPPED ? self : Set.of());
            return "memory guarantee overcommit: " + Values.formatSize(all) + " guaranteed + "
                    + Values.formatSize(host.memoryGuaranteeReserve()) + " reserved for the host exceeds its "
                    + Values.formatSize(host.memoryBytes());
        }
        Container c = tree.find(where);
        if (resource.equals("memory"))
            return "memory guarantee of " + where + " and below (" + Values.formatSize(memoryTotal(c, self))
                    + ") exceeds the memory_limit in force there (" + Values.formatSize(memoryLimitBound(c)) + ")";
        return "cpu guarantee of " + where + " and below (" + Values.formatCpu(cpuTotal(c, self))
                + ") exceeds the cpu_limit in force there (" + Values.formatCpu(ResourceControl.cpuLimitBound(c)) + ")";
    }
}

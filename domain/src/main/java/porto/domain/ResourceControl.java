package porto.domain;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import porto.ports.Cgroups;
import porto.ports.KernelException;

/** Which cgroup controllers a container gets, and how its limits reach them. */
final class ResourceControl {
    private final ContainerService s;

    ResourceControl(ContainerService s) {
        this.s = s;
    }

    private String value(Container c, String property) throws PortoException {
        return s.properties().find(property).read(s, c);
    }

    /** Controllers: all for first-level containers, else freezer and cpuacct plus what a limit needs. */
    Set<String> controllersFor(Container c) throws PortoException {
        Set<String> available = s.kernel.cgroups().available();
        Set<String> wanted = new LinkedHashSet<>();
        if (c.level == 1) {
            wanted.addAll(List.of("freezer", "memory", "cpu", "cpuacct", "pids"));
        } else {
            wanted.add("freezer");
            wanted.add("cpuacct");
            if (!value(c, "memory_limit").equals("0"))
                wanted.add("memory");
            if (!value(c, "cpu_limit").equals("0c"))
                wanted.add("cpu");
            if (!value(c, "thread_limit").equals("0"))
                wanted.add("pids");
        }
        wanted.retainAll(available);
        return Set.copyOf(wanted);
    }

    void applyLimits(Container c) throws KernelException, PortoException {
        for (String p : List.of("memory_limit", "cpu_limit", "thread_limit"))
            applyLimit(c, p);
    }

    private void applyLimit(Container c, String property) throws KernelException, PortoException {
        Cgroups cg = s.kernel.cgroups();
        switch (property) {
            case "memory_limit" -> {
                if (c.controllers.contains("memory"))
                    cg.setLimit(c.name, Cgroups.Limit.MEMORY_LIMIT, Long.parseLong(value(c, property)));
            }
            case "cpu_limit" -> {
                if (c.controllers.contains("cpu")) {
                    double cores = Values.parseCpu(value(c, property), s.config().hostCores());
                    cg.setLimit(c.name, Cgroups.Limit.CPU_LIMIT, Math.round(cores * 1_000_000));
                }
            }
            case "thread_limit" -> {
                if (c.controllers.contains("pids"))
                    cg.setLimit(c.name, Cgroups.Limit.THREAD_LIMIT, Long.parseLong(value(c, property)));
            }
            default -> { }
        }
    }

    /** A property changed; a limit of a container with cgroups takes effect at once. */
    void applyDynamic(Container c, String property) throws PortoException {
        if (c.controllers.isEmpty() || !(c.state.isActive() || c.state == State.DEAD))
            return;
        try {
            applyLimit(c, property);
        } catch (KernelException e) {
            throw new PortoException(ErrorCode.Unknown, "cannot apply " + property + ": " + e.getMessage(), e.errno());
        }
    }
}

package porto.domain;

/**
 * Upstream's derived cpu figures, in cores: the limit and guarantee in force over a container
 * through its ancestors (bound), and what it and its subtree may use or are promised (total).
 */
final class CpuTotals {
    private CpuTotals() {}

    static void register(Properties p, DomainConfig config) {
        p.add(Property.readOnly("cpu_limit_bound", "cpu limit in force through the ancestors: <cores>c",
                c -> Values.formatCpu(limitBound(config, c)), false));
        p.add(Property.readOnly("cpu_guarantee_bound", "largest cpu guarantee along the ancestors: <cores>c",
                c -> Values.formatCpu(guaranteeBound(c)), false));
        p.add(Property.readOnly("cpu_limit_total", "cpu the running container and its running children may use: <cores>c",
                c -> Values.formatCpu(limitTotal(config, c)), false));
        p.add(Property.readOnly("cpu_guarantee_total", "cpu guaranteed to the container or, if more, to its children: <cores>c",
                c -> Values.formatCpu(guaranteeTotal(c)), false));
        p.add(Property.readOnly("cpu_unconstrained_wait", "cpu wait not caused by the cpu limit, nanoseconds (offstream kernel feature)",
                c -> {
                    throw new PortoException(ErrorCode.NotSupported, "cpu_unconstrained_wait is not available: this kernel's cpu.stat "
                            + "has no h_throttled_time and burst_load (offstream kernel features)");
                }, false));
    }

    /** The limit that applies: its own, else the host's cores. */
    private static double effective(DomainConfig config, Container c) throws PortoException {
        double limit = CpuProperties.LIMIT.value(c);
        return limit > 0 ? limit : config.hostCores();
    }

    static double limitBound(DomainConfig config, Container c) throws PortoException {
        double bound = config.hostCores();
        for (Container x : chain(c)) {
            double limit = CpuProperties.LIMIT.value(x);
            if (limit > 0)
                bound = Math.min(bound, limit);
        }
        return bound;
    }

    static double guaranteeBound(Container c) throws PortoException {
        double bound = 0;
        for (Container x : chain(c))
            bound = Math.max(bound, CpuProperties.GUARANTEE.value(x));
        return bound;
    }

    /** Running tasks count with their limit; a meta child with the lesser of its limit and its own total. */
    static double limitTotal(DomainConfig config, Container c) throws PortoException {
        double sum = runsTask(c) ? effective(config, c) : 0;
        for (Container child : c.children.values()) {
            if (runsTask(child))
                sum += effective(config, child);
            else if (child.state() == State.META)
                sum += Math.min(effective(config, child), limitTotal(config, child));
        }
        return sum;
    }

    static double guaranteeTotal(Container c) throws PortoException {
        double children = 0;
        for (Container child : c.children.values())
            children += guaranteeTotal(child);
        return Math.max(CpuProperties.GUARANTEE.value(c), children);
    }

    /** Running, or starting with a command (a meta container's start runs none). */
    private static boolean runsTask(Container c) throws PortoException {
        return c.state() == State.RUNNING || (c.state() == State.STARTING && !ContextProperties.COMMAND.value(c).isEmpty());
    }

    /** The container and its ancestors, the host left out. */
    private static java.util.List<Container> chain(Container c) {
        java.util.List<Container> out = new java.util.ArrayList<>();
        for (Container x = c; x != null && !x.isHost(); x = x.parent)
            out.add(x);
        return out;
    }
}

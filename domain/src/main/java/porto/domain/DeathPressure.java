package porto.domain;

import porto.ports.Cgroups;
import porto.ports.Cgroups.Limit;
import porto.ports.KernelException;

/**
 * pressurize_on_death, as upstream: a dead container, or a meta container none of whose children
 * is active, gets a tiny memory soft limit (portod.conf's {@code dead_memory_soft_limit}, 1M by
 * default), so that the kernel reclaims the memory it still holds (page cache, tmpfs) before that
 * of live containers; it is taken away again when the container or a child starts. Only
 * containers with a memory cgroup of their own are touched. Called with the tree lock held.
 */
final class DeathPressure {
    private DeathPressure() {}

    /**
     * After a change of state of {@code from} (a start, a death, a stop): sets or takes away the
     * soft limit of it and its ancestors. A container without pressurize_on_death is left alone:
     * it never had a soft limit, unless the property was turned off, which {@link #applyDynamic} handles.
     */
    static void update(Cgroups cgroups, Container from) {
        for (Container c = from; c != null && !c.isHost(); c = c.parent) {
            try {
                if (MemoryProperties.PRESSURIZE_ON_DEATH.value(c))
                    write(cgroups, c);
            } catch (KernelException | PortoException e) {
                // A cgroup already gone (ENOENT) or a damaged record: nothing to pressurize.
            }
        }
    }

    /** pressurize_on_death changed: the container's soft limit follows at once while it has cgroups. */
    static void applyDynamic(Cgroups cgroups, Container c, String property) throws PortoException {
        if (!property.equals(MemoryProperties.PRESSURIZE_ON_DEATH.name) || c.state() == State.STOPPED)
            return;
        try {
            write(cgroups, c);
        } catch (KernelException e) {
            throw ResourceControl.kernelError("cannot apply " + property + " to " + c.name, e);
        }
    }

    private static void write(Cgroups cgroups, Container c) throws KernelException, PortoException {
        if (!c.controllers.contains("memory") || cgroups.unsupported(Limit.MEMORY_SOFT_LIMIT) != null)
            return;
        long limit = pressurized(c) ? c.defaults.deadMemorySoftLimit() : 0;
        cgroups.setLimit(c.name, Limit.MEMORY_SOFT_LIMIT, limit);
    }

    /** Dead, or a meta container that is hollow: no child of it starting, running or paused. */
    static boolean pressurized(Container c) throws PortoException {
        if (!MemoryProperties.PRESSURIZE_ON_DEATH.value(c))
            return false;
        if (c.state() == State.DEAD)
            return true;
        return c.state() == State.META && c.children.values().stream().noneMatch(child -> child.state().isActive());
    }
}

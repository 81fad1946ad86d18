package porto.domain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import porto.ports.Cgroups;
import porto.ports.Cgroups.Limit;
import porto.ports.KernelException;
import porto.ports.Processes;
import porto.ports.Scheduling;

/**
 * A resource property set on a container that has a run: checked and turned into kernel writes
 * with the tree lock held ({@link #plan}), written with it released ({@link #write}), the new
 * value kept only once the kernel took it.
 */
final class LiveLimits {
    private final ResourceControl resources;
    private final Processes processes;

    LiveLimits(ResourceControl resources, Processes processes) {
        this.resources = resources;
        this.processes = processes;
    }

    /** One piece of kernel work, its values decided already. */
    interface Step {
        void run() throws KernelException, PortoException;
    }

    /** The kernel work that makes a new value of {@code property} take effect in {@code container}. */
    record Plan(String property, String container, List<Step> steps) {
        boolean isEmpty() {
            return steps.isEmpty();
        }
    }

    /**
     * With the lock held and {@code property}'s new value in the container's config ({@code
     * previous} the old one): refuses what may not change now (a guarantee the parents cannot
     * give, a controller the run lacks, a limit the kernel lacks) and decides the writes.
     */
    Plan plan(Container c, String property, String previous) throws PortoException {
        List<Step> steps = new ArrayList<>();
        Plan plan = new Plan(property, c.name, steps);
        if (!ResourceControl.CONTROLLER_OF.containsKey(property) || c.state() == State.STOPPED)
            return plan;
        resources.guarantees.checkChange(c, property, previous);
        if (c.controllers.isEmpty())
            return plan;
        String controller = ResourceControl.CONTROLLER_OF.get(property);
        if (!c.controllers.contains(controller) && !ResourceControl.TASK_LEVEL.contains(property) && resources.isSet(c, property))
            throw new PortoException(ErrorCode.InvalidState, property + " needs the " + controller + " controller, which "
                    + c.name + " was started without; stop it to enable one");
        switch (property) {
            case "cpu_limit" -> steps.addAll(cpuLimitTree(c, previous));
            case "cpu_period" -> steps.addAll(writes(resources.cpuLimitWrites(c)));
            case "cpu_set" -> {
                // Decided against the siblings when written, as a start allocates: one container at a time.
                String cpuSet = resources.value(c, "cpu_set");
                steps.add(() -> resources.cpuSets.reallocate(c, cpuSet));
            }
            default -> steps.addAll(writes(resources.writes(c, property)));
        }
        if (property.equals("cpu_policy") || property.equals("cpu_weight") || property.equals("io_policy"))
            steps.add(reschedule(c));
        return plan;
    }

    /**
     * Runs the plan's kernel work with the lock released, one container's resources at a time as
     * starts allocate them. Returns the failure, or null.
     */
    PortoException write(Plan plan) {
        resources.allocation.lock();
        try {
            for (Step step : plan.steps())
                step.run();
            return null;
        } catch (KernelException e) {
            return ResourceControl.kernelError("cannot apply " + plan.property() + " to " + plan.container(), e);
        } catch (PortoException e) {
            return e;
        } finally {
            resources.allocation.unlock();
        }
    }

    private static List<Step> writes(List<ResourceControl.CgroupWrite> writes) {
        List<Step> steps = new ArrayList<>();
        for (ResourceControl.CgroupWrite w : writes)
            steps.add(w::run);
        return steps;
    }

    /**
     * cgroup v1 refuses a child quota above its parent's, so a change of cpu_limit is written in two
     * passes: bottom-up the smaller of each cgroup's old and new bound, then top-down the new ones.
     */
    private List<Step> cpuLimitTree(Container top, String previous) throws PortoException {
        List<Container> subtree = new ArrayList<>();
        collectActive(top, subtree);
        Map<Container, Double> old = new HashMap<>();
        String now = top.config.get("cpu_limit");
        put(top, "cpu_limit", previous);
        try {
            for (Container c : subtree)
                old.put(c, resources.cpuLimitBound(c));
        } finally {
            put(top, "cpu_limit", now);
        }
        List<Step> steps = new ArrayList<>();
        Cgroups cg = resources.cgroups();
        for (int i = subtree.size() - 1; i >= 0; i--) {
            Container c = subtree.get(i);
            if (!c.controllers.contains("cpu") || cg.unsupported(Limit.CPU_LIMIT) != null)
                continue;
            double a = old.get(c);
            double b = resources.cpuLimitBound(c);
            double lower = a == 0 ? b : b == 0 ? a : Math.min(a, b);
            String name = c.name;
            long quota = Math.round(lower * 1_000_000);
            steps.add(() -> cg.setLimit(name, Limit.CPU_LIMIT, quota));
        }
        for (Container c : subtree)
            steps.addAll(writes(resources.cpuLimitWrites(c)));
        return steps;
    }

    private static void put(Container c, String property, String value) {
        if (value == null)
            c.config.remove(property);
        else
            c.config.put(property, value);
    }

    private static void collectActive(Container c, List<Container> out) {
        if (c.state() == State.STOPPED)
            return;
        out.add(c);
        for (Container child : c.children.values())
            collectActive(child, out);
    }

    /** New scheduling for the tasks that run in the container itself (children have their own). */
    private Step reschedule(Container c) throws PortoException {
        Cgroups cg = resources.cgroups();
        String name = c.name;
        List<String> children = new ArrayList<>();
        for (Container child : c.children.values())
            if (!child.controllers.isEmpty())
                children.add(child.name);
        Scheduling sched = resources.scheduling(c);
        return () -> {
            Set<Integer> pids = new LinkedHashSet<>(cg.pids(name));
            for (String child : children)
                pids.removeAll(cg.pids(child));
            for (int pid : pids)
                processes.setScheduling(pid, sched);
        };
    }
}

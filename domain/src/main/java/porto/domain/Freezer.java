package porto.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import porto.ports.Cgroups;
import porto.ports.KernelException;

/**
 * Pause and resume: the freezer cgroup written with the tree lock let go and the subtree marked
 * as written to (requests on it wait), the states recorded under the lock afterwards. Part of
 * {@link Lifecycle}, which also thaws a paused container before it stops it.
 */
final class Freezer {
    private final ContainerTree tree;
    private final Cgroups cgroups;
    private final Persistence persistence;

    Freezer(ContainerTree tree, Cgroups cgroups, Persistence persistence) {
        this.tree = tree;
        this.cgroups = cgroups;
        this.persistence = persistence;
    }

    /** Thaws a paused container's cgroup with the lock let go (before it is stopped). */
    void thaw(String name) throws PortoException {
        KernelSteps.outsideLock(tree, () -> setFrozen(name, false));
    }

    /**
     * Freezes the container's cgroup with the lock released and its subtree marked (requests on
     * it wait), then records it and its active descendants paused; a failed write changes nothing.
     */
    void pause(Container c) throws PortoException {
        String name = c.name;
        boolean freezes = !c.controllers.isEmpty();
        if (freezes)
            KernelSteps.writeOutsideLock(tree, c, () -> setFrozen(name, true));
        if (c.state() != State.RUNNING && c.state() != State.META) {
            // It died (or stopped) meanwhile, and its killed tasks may sit in the freezer: thaw it.
            if (freezes)
                KernelSteps.outsideLockQuietly(tree, () -> setFrozen(name, false));
            throw new PortoException(ErrorCode.InvalidState, "container " + c.name + " is " + c.state().text()
                    + " now: it changed while its cgroup was being frozen");
        }
        markPaused(c);
    }

    /**
     * Thaws the container and the paused containers below it (each may be frozen on its own) with
     * the lock released and the subtree marked, then records those thawed as running again: if a
     * thaw fails, those before it (parents first) are resumed and the rest stay paused.
     */
    void resume(Container c) throws PortoException {
        List<Container> paused = new ArrayList<>();
        collectPaused(c, paused);
        Map<Container, String> frozen = new LinkedHashMap<>();
        for (Container x : paused)
            frozen.put(x, x.controllers.isEmpty() ? null : x.name);
        List<Container> thawed = new ArrayList<>();
        PortoException failure = tree.writeOutsideLock(c, () -> {
            for (var e : frozen.entrySet()) {
                try {
                    if (e.getValue() != null)
                        setFrozen(e.getValue(), false);
                } catch (PortoException err) {
                    return err;
                }
                thawed.add(e.getKey());
            }
            return null;
        });
        for (Container x : thawed) {
            if (x.state() != State.PAUSED)
                continue;
            x.transition(ContextProperties.COMMAND.value(x).isEmpty() ? StateMachine.Event.RESUME_META : StateMachine.Event.RESUME);
            persistence.save(x);
            tree.notifyState(x);
        }
        if (failure != null)
            throw failure;
    }

    private void setFrozen(String name, boolean frozen) throws PortoException {
        try {
            cgroups.setFrozen(name, frozen);
        } catch (KernelException e) {
            throw new PortoException(ErrorCode.Unknown, (frozen ? "cannot freeze " : "cannot thaw ") + name + ": " + e.getMessage(), e.errno());
        }
    }

    /** The container and its active descendants are paused (the freezer holds the whole subtree). */
    private void markPaused(Container c) {
        if (c.state() != State.RUNNING && c.state() != State.META)
            return;
        c.transition(StateMachine.Event.PAUSE);
        persistence.save(c);
        tree.notifyState(c);
        for (Container child : c.children.values())
            markPaused(child);
    }

    /** The container, if paused, and the paused containers reached from it through paused ones, parents first. */
    private static void collectPaused(Container c, List<Container> out) {
        if (c.state() != State.PAUSED)
            return;
        out.add(c);
        for (Container child : c.children.values())
            collectPaused(child, out);
    }
}

package porto.domain;

import java.util.List;
import java.util.function.Predicate;

/** The synchronous Wait: until one of some containers is stopped, dead, or in a state asked for. */
final class Waiting {
    private final ContainerTree tree;

    Waiting(ContainerTree tree) {
        this.tree = tree;
    }

    /**
     * Waits until one of the named containers (masks allowed) is stopped, dead or a meta container
     * with nothing running, or {@code targetState} when given, reporting only containers
     * {@code visible} accepts. Returns its name and state, or null on timeout. A negative timeout
     * waits forever.
     */
    String[] waitFor(List<String> names, long timeoutMs, String targetState, Predicate<String> visible) throws PortoException {
        long deadline = timeoutMs < 0 ? Long.MAX_VALUE : tree.deadline(timeoutMs);
        // A state asked for may last only while the lock is let go (starting): the event is kept.
        String[][] seen = new String[1][];
        Events.Listener listener = (name, state, when) -> {
            if (seen[0] == null && targetState != null && targetState.equals(state) && visible.test(name)
                    && names.stream().anyMatch(n -> n.equals(name) || (Masks.isMask(n) && Masks.matches(name, n))))
                seen[0] = new String[] {name, state};
        };
        tree.lock();
        boolean listening = targetState != null && !targetState.isEmpty();
        if (listening)
            tree.addListener(listener);
        try {
            for (String n : names)
                if (!Masks.isMask(n) && !n.equals(ContainerName.HOST))
                    tree.find(n);
            while (true) {
                if (seen[0] != null)
                    return seen[0];
                for (String n : names) {
                    for (Container c : tree.matching(n)) {
                        if (visible.test(c.name) && isWaitable(c, targetState))
                            return new String[] {c.name, c.state().text()};
                    }
                }
                if (tree.passed(deadline))
                    return null;
                tree.awaitChangeInterruptibly(deadline);
                for (String n : names)
                    if (!Masks.isMask(n) && !tree.containers().containsKey(n))
                        throw new PortoException(ErrorCode.ContainerDoesNotExist, "container " + n + " does not exist");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PortoException(ErrorCode.Unknown, "wait interrupted");
        } finally {
            if (listening)
                tree.removeListener(listener);
            tree.unlock();
        }
    }

    private static boolean isWaitable(Container c, String targetState) {
        if (targetState != null && !targetState.isEmpty())
            return c.state().text().equals(targetState);
        return c.state() == State.STOPPED || c.state() == State.DEAD
                || (c.state() == State.META && c.children.values().stream().noneMatch(ch -> ch.state().isActive()));
    }
}

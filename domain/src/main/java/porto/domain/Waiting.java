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
        return waitFor(names, List.of(), timeoutMs, targetState, visible);
    }

    /**
     * As above; with label masks, as upstream: a matching label a container already has is
     * reported at once, then the first change of a matching label or of a state. A report of a
     * label is {name, state, label, value}.
     */
    String[] waitFor(List<String> names, List<String> labels, long timeoutMs, String targetState, Predicate<String> visible)
            throws PortoException {
        long deadline = timeoutMs < 0 ? Long.MAX_VALUE : tree.deadline(timeoutMs);
        // A state asked for may last only while the lock is let go (starting): the event is kept.
        String[][] seen = new String[1][];
        Predicate<String> named = name -> visible.test(name)
                && names.stream().anyMatch(n -> n.equals(name) || (Masks.isMask(n) && Masks.matches(name, n)));
        Events.Listener listener = new Events.Listener() {
            @Override
            public void stateChanged(String name, String state, long when) {
                boolean wanted = targetState != null && !targetState.isEmpty() ? targetState.equals(state)
                        : !labels.isEmpty() && (state.equals("stopped") || state.equals("dead") || state.equals("destroyed"));
                if (seen[0] == null && wanted && named.test(name))
                    seen[0] = new String[] {name, state};
            }

            @Override
            public void labelChanged(String name, String state, String label, String value, long when) {
                if (seen[0] == null && labels.stream().anyMatch(l -> Masks.matches(label, l)) && named.test(name))
                    seen[0] = new String[] {name, state, label, value};
            }
        };
        tree.lock();
        boolean listening = (targetState != null && !targetState.isEmpty()) || !labels.isEmpty();
        if (listening)
            tree.addListener(listener);
        try {
            for (String n : names)
                if (!Masks.isMask(n) && !n.equals(ContainerName.HOST))
                    tree.find(n);
            boolean reported = false;
            while (true) {
                if (seen[0] != null)
                    return seen[0];
                for (String n : names) {
                    for (Container c : tree.matching(n)) {
                        if (!visible.test(c.name))
                            continue;
                        if (labels.isEmpty() && isWaitable(c, targetState))
                            return new String[] {c.name, c.state().text()};
                        if (!labels.isEmpty() && !reported)
                            for (var l : Labels.of(c).entrySet())
                                if (labels.stream().anyMatch(mask -> Masks.matches(l.getKey(), mask)))
                                    return new String[] {c.name, c.state().text(), l.getKey(), l.getValue()};
                    }
                }
                reported = true; // labels already there are reported once, at the start
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

package porto.domain;

/** Kernel work that may fail with a PortoException, run with the tree lock let go. */
final class KernelSteps {
    private KernelSteps() {}

    interface Step {
        void run() throws PortoException;
    }

    static void outsideLock(ContainerTree tree, Step step) throws PortoException {
        PortoException failure = tree.outsideLock(() -> failureOf(step));
        if (failure != null)
            throw failure;
    }

    /** As {@link #outsideLock}, a short write with {@code c}'s subtree marked: requests on it wait. */
    static void writeOutsideLock(ContainerTree tree, Container c, Step step) throws PortoException {
        PortoException failure = tree.writeOutsideLock(c, () -> failureOf(step));
        if (failure != null)
            throw failure;
    }

    /** As {@link #outsideLock}, for a step whose failure leaves nothing to do (a cgroup already gone). */
    static void outsideLockQuietly(ContainerTree tree, Step step) {
        tree.outsideLock(() -> failureOf(step));
    }

    private static PortoException failureOf(Step step) {
        try {
            step.run();
            return null;
        } catch (PortoException e) {
            return e;
        }
    }
}

package porto.ports;

/** Starts a container's main task: everything between fork and exec happens behind this port. */
public interface TaskLauncher {

    /**
     * Starts the task described by {@code spec}. Returns once it runs the new program, or throws
     * with the errno and step that failed (the task is then gone already).
     */
    LaunchResult launch(LaunchSpec spec) throws KernelException;
}

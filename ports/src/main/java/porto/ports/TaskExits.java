package porto.ports;

/**
 * Where the exit statuses of container tasks arrive. They are collected by a process that outlives
 * the daemon, so an exit is delivered until it is acknowledged, even across daemon restarts.
 */
public interface TaskExits {

    /** Starts delivering exits to {@code listener}, including ones that waited for a daemon. */
    void start(Listener listener);

    /** The exit of {@code pid} is recorded; it need not be delivered again. */
    void acknowledge(int pid);

    interface Listener {
        /** {@code status} is in wait(2) form; {@code startTime} as in {@link LaunchResult}. */
        void exited(int pid, int status, long startTime);
    }
}

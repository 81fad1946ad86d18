package porto.ports;

/** Signals and facts about running processes. */
public interface Processes {

    /** Sends {@code signal} to {@code pid}; a process that is already gone is not an error. */
    void kill(int pid, int signal);

    /** True when {@code pid} still is the process that started at {@code startTime}. */
    boolean isAlive(int pid, long startTime);

    /** When {@code pid} started (clock ticks since boot, as in /proc/PID/stat), or -1 when there is no such process. */
    long startTime(int pid);

    /** True when the process has a handler for {@code signal} (so it is not ignored as pid 1). */
    boolean catchesSignal(int pid, int signal);

    /**
     * Applies {@code scheduling} to every thread of {@code pid}; a process that is already gone is
     * not an error.
     */
    void setScheduling(int pid, Scheduling scheduling) throws KernelException;

    /**
     * The memory figures of /proc/PID/status in bytes by their names there ("VmSize", "VmRSS",
     * "RssAnon", ...); empty for a process that is gone or a kernel that does not say.
     */
    default java.util.Map<String, Long> memoryStatus(int pid) {
        return java.util.Map.of();
    }
}

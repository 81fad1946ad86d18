package porto.ports;

/**
 * A started task: its pid in the host pid namespace and its start time in clock ticks since boot,
 * which together identify the process even after its pid is reused.
 */
public record LaunchResult(int pid, long startTime) {}

package porto.ports;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The kernel's control groups, seen per container. A container's cgroup is named by its container
 * path ("a/b"); the adapter maps that under its own porto root in each hierarchy (cgroup v1) or in
 * the unified tree (cgroup v2).
 */
public interface Cgroups {

    /** Controllers the host offers (for example freezer, memory, cpu, cpuacct, pids). */
    Set<String> available();

    /** Creates the cgroup of {@code path} in each of {@code controllers}; existing ones are kept. */
    void create(String path, Set<String> controllers) throws KernelException;

    /** Removes the cgroup of {@code path} from every hierarchy; it must hold no process. */
    void remove(String path) throws KernelException;

    /** Directories a new task must join, one per hierarchy, for the launcher. */
    List<String> taskDirectories(String path, Set<String> controllers);

    /** Absolute cgroup paths of {@code path}, by controller, as shown to users. */
    Map<String, String> paths(String path, Set<String> controllers);

    /** Freezes or thaws every task in the container and below, and waits until that is done. */
    void setFrozen(String path, boolean frozen) throws KernelException;

    /** Pids of every process in the container's cgroup and its descendants. */
    Set<Integer> pids(String path);

    /** Number of threads in the container's cgroup and below. */
    long threadCount(String path);

    /** Writes a resource limit. */
    void setLimit(String path, Limit limit, long value) throws KernelException;

    /** Reads one statistic; -1 when the host does not provide it. */
    long stat(String path, Stat stat);

    /** Container paths ("a", "a/b") that have a cgroup below the porto root in any hierarchy. */
    Set<String> containerPaths();

    /** Raw text of a controller knob ("memory.stat"), or null when there is none. */
    String readKnob(String path, String knob);

    enum Limit {
        /** bytes; 0 means unlimited */
        MEMORY_LIMIT,
        /** cpu quota in micro-cores per period (1e6 = one core); 0 means unlimited */
        CPU_LIMIT,
        /** cfs period in microseconds */
        CPU_PERIOD,
        /** threads; 0 means unlimited */
        THREAD_LIMIT,
    }

    enum Stat { MEMORY_USAGE, CPU_USAGE_NS, CPU_SYSTEM_NS, OOM_KILLS }
}

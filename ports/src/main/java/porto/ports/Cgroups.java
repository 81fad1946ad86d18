package porto.ports;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The kernel's control groups, seen per container. A container's cgroup is named by its container
 * path ("a/b"); the adapter maps that under its own porto root in each hierarchy (cgroup v1) or in
 * the unified tree (cgroup v2). The empty path names the porto root itself.
 *
 * <p>Limits, statistics and knobs differ between kernels; an adapter says which of them it cannot
 * provide, and why, through {@link #unsupported(Limit)} and {@link #unsupported(Stat)}.
 */
public interface Cgroups {

    /** Controllers the host offers (for example freezer, memory, cpu, cpuacct, pids). */
    Set<String> available();

    /**
     * The controllers mounted together with {@code controller}, itself included (cgroup v1 may
     * mount cpu and cpuacct as one hierarchy); such controllers are enabled together.
     */
    default Set<String> hierarchyOf(String controller) {
        return Set.of(controller);
    }

    /**
     * True when a new cgroup gets no real-time runtime (cgroup v1 with RT group scheduling), so a
     * SCHED_RR task cannot live in it.
     */
    default boolean restrictsRealtime() {
        return false;
    }

    /** Creates the cgroup of {@code path} in each of {@code controllers}; existing ones are kept. */
    void create(String path, Set<String> controllers) throws KernelException;

    /** Removes the cgroup of {@code path} from every hierarchy; it must hold no process. */
    void remove(String path) throws KernelException;

    /**
     * Directories a new task must join, one per hierarchy, for the launcher: for each controller,
     * the cgroup of the container path it maps to (the nearest container that has that controller).
     */
    List<String> taskDirectories(Map<String, String> cgroupByController);

    /** Directories for a task that joins {@code path} in each of {@code controllers}. */
    default List<String> taskDirectories(String path, Set<String> controllers) {
        Map<String, String> where = new TreeMap<>();
        for (String c : controllers)
            where.put(c, path);
        return taskDirectories(where);
    }

    /** Absolute cgroup paths of {@code path}, by controller, as shown to users. */
    Map<String, String> paths(String path, Set<String> controllers);

    /** Freezes or thaws every task in the container and below, and waits until that is done. */
    void setFrozen(String path, boolean frozen) throws KernelException;

    /**
     * Moves a running process (or, with {@code thread}, one thread) into {@code taskDirectories}
     * (from {@link #taskDirectories}), every hierarchy; EOPNOTSUPP where the kernel cannot.
     */
    default void attach(List<String> taskDirectories, int pid, boolean thread) throws KernelException {
        throw new KernelException(95, "moving processes between cgroups is not simulated");
    }

    /** Pids of every process in the container's cgroup and its descendants. */
    Set<Integer> pids(String path);

    /** Number of threads in the container's cgroup and below. */
    long threadCount(String path);

    /** Why this host cannot apply {@code limit}, or null when it can. */
    String unsupported(Limit limit);

    /** Why this host cannot report {@code stat}, or null when it can. */
    String unsupported(Stat stat);

    /** Writes a resource limit; see {@link Limit} for units. */
    void setLimit(String path, Limit limit, long value) throws KernelException;

    /**
     * Restricts the cpuset of {@code path} to {@code cpus} ("0-3,6"); an empty value takes the
     * parent's cpus. Memory nodes follow the parent's unless {@code mems} names some.
     */
    void setCpus(String path, String cpus, String mems) throws KernelException;

    /** Why this host cannot limit disk bandwidth or operations, or null when it can. */
    String ioLimitsUnsupported();

    /**
     * Replaces the container's disk limits with {@code limits}; disks that had a limit and are not
     * listed become unlimited.
     */
    void setIoLimits(String path, List<IoLimit> limits) throws KernelException;

    /**
     * The whole disk ("major:minor") behind a disk name ("sda"), a device number ("8:0"), or an
     * absolute path on a mounted filesystem; a partition resolves to its disk.
     */
    String resolveDisk(String diskOrPath) throws KernelException;

    /** The kernel's name of a disk ("8:0" becomes "sda"), or the number itself when unknown. */
    String diskName(String device);

    /** Reads one statistic; -1 when the host does not provide it. */
    long stat(String path, Stat stat);

    /** One statistic of the whole host, read at its hierarchy's root; -1 when the host does not provide it. */
    default long hostStat(Stat stat) {
        return -1;
    }

    /** {@link #ioStat} of the whole host, read at the blkio hierarchy's root; empty when unknown. */
    default Map<String, Long> hostIoStat(IoStat stat) {
        return Map.of();
    }

    /** Container paths ("a", "a/b") that have a cgroup below the porto root in any hierarchy. */
    Set<String> containerPaths();

    /** Per-disk counters by disk name, and "hw", the sum over physical disks; empty when unknown. */
    Map<String, Long> ioStat(String path, IoStat stat);

    /** Raw text of a controller knob ("memory.stat"), or null when there is none. */
    String readKnob(String path, String knob);

    /**
     * Where {@code pid} lives: the path of its freezer cgroup below the porto root ("a/b", or deeper
     * when a container made cgroups of its own); empty for a process outside porto's cgroups or gone.
     */
    Optional<String> containerPathOf(int pid);

    /**
     * Limits the devices the container's tasks may use: denies all, then allows {@code rules}.
     * Fails with EOPNOTSUPP where the host has no devices controller (cgroup v2).
     */
    void allowDevices(String path, List<DeviceRule> rules) throws KernelException;

    /** One device access rule: type 'c' or 'b', major and minor (-1 for any), access of "rwm". */
    record DeviceRule(char type, int major, int minor, String access) {}

    enum Limit {
        /** bytes; 0 means unlimited */
        MEMORY_LIMIT,
        /** bytes the reclaimer leaves alone (cgroup v2 memory.low) */
        MEMORY_GUARANTEE,
        /** bytes of anonymous memory; 0 means unlimited (offstream kernels) */
        ANON_LIMIT,
        /** 1 to keep only anonymous pages, the page cache charged to the parent (offstream kernels: memory.anon.only) */
        ANON_ONLY,
        /** bytes of dirty page cache; 0 means unlimited (offstream kernels) */
        DIRTY_LIMIT,
        /** 1 to move page cache to the faulting cgroup (offstream kernels) */
        RECHARGE_ON_PGFAULT,
        /** 1 to have the kernel kill the whole cgroup on OOM (cgroup v2 memory.oom.group) */
        OOM_GROUP,
        /** cpu quota in micro-cores per period (1e6 = one core); 0 means unlimited */
        CPU_LIMIT,
        /** cfs period in microseconds; write it before CPU_LIMIT */
        CPU_PERIOD,
        /** cgroup v1 cpu.shares units: 1024 is the default weight; v2 converts to cpu.weight */
        CPU_SHARES,
        /** threads; 0 means unlimited */
        THREAD_LIMIT,
        /** disk time weight in thousandths of the default (1000 = default) */
        IO_WEIGHT,
        /** bytes of 2MB huge pages; 0 means unlimited. A limit also forbids 1GB pages, as upstream. */
        HUGETLB_LIMIT,
        /**
         * bytes the cgroup is pushed back to first when memory runs short (v1 memory.soft_limit_in_bytes;
         * v2 memory.high, which also reclaims down to it at once); 0 means none
         */
        MEMORY_SOFT_LIMIT,
    }

    enum Stat {
        MEMORY_USAGE, ANON_USAGE, CACHE_USAGE, HUGETLB_USAGE, MAX_RSS, MINOR_FAULTS, MAJOR_FAULTS,
        CPU_USAGE_NS, CPU_SYSTEM_NS, CPU_WAIT_NS, OOM_KILLS
    }

    enum IoStat { READ_BYTES, WRITE_BYTES, OPS }

    /**
     * One disk limit.
     *
     * @param device "major:minor" of a whole disk
     * @param read   applies to reads (else to writes)
     * @param ops    operations per second (else bytes per second)
     * @param value  the limit; 0 removes it
     */
    record IoLimit(String device, boolean read, boolean ops, long value) {}
}

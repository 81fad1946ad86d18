package porto.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * What the host has to share out: memory and the layout of its cpus.
 *
 * @param memoryBytes            physical memory
 * @param memoryGuaranteeReserve memory no guarantee may take: kept for the host itself (2 GiB)
 * @param cpus                   every online cpu with its SMT core and NUMA node
 */
public record HostResources(long memoryBytes, long memoryGuaranteeReserve, List<Cpu> cpus) {
    public static final long DEFAULT_RESERVE = 2L << 30;

    /** One logical cpu: its number, the physical core it is a thread of, and its NUMA node. */
    public record Cpu(int id, int core, int node) {}

    public HostResources {
        cpus = List.copyOf(cpus);
    }

    /** {@code cores} cpus, one thread per core, all on node 0. */
    public static HostResources simple(long memoryBytes, int cores) {
        List<Cpu> cpus = new ArrayList<>();
        for (int i = 0; i < cores; i++)
            cpus.add(new Cpu(i, i, 0));
        return new HostResources(memoryBytes, DEFAULT_RESERVE, cpus);
    }
}

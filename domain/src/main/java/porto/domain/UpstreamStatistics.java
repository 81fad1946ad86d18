package porto.domain;

import static porto.domain.Property.ANY_STATE;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import porto.domain.net.NetworkSetup;
import porto.ports.Cgroups;
import porto.ports.Cgroups.Limit;

/**
 * Upstream 5.3.15's last memory and daemon properties: anon_limit_total and anon_only (offstream
 * kernel features, NotSupported naming the missing file where the kernel lacks them, as
 * upstream), porto_stat (the daemon's counters, with the container's own) and
 * porto_cpu_jail_state.
 */
final class UpstreamStatistics {
    private UpstreamStatistics() {}

    /** What "/" answers itself, as upstream's root container (the network ones: ResourceNotAvailable, the host's network). */
    static final java.util.Set<String> READ_ON_HOST = java.util.Set.of("porto_stat", "porto_cpu_jail_state", "anon_limit_total",
            "net_netstat", "net_snmp", "net_rx_max_speed", "net_tx_max_speed", "net_rx_speed_hgram", "net_tx_speed_hgram");

    static final TypedProperty<Boolean> ANON_ONLY = TypedProperty.bool("anon_only",
            "keep only anonymous pages, the page cache is charged to the parent (offstream kernel feature)", ANY_STATE, false)
            .needs(Limit.ANON_ONLY, on -> true);

    static void register(Properties p, Cgroups cgroups, DomainConfig config, Supplier<DaemonStatistics> daemonStatistics,
                         NetworkSetup net) {
        p.add(Property.readOnly("anon_limit_total", "anonymous memory limit in force: the smallest on the way to the top, bytes",
                c -> {
                    String why = cgroups.unsupported(Limit.ANON_LIMIT);
                    if (why != null)
                        throw new PortoException(ErrorCode.NotSupported, "anon_limit_total is not supported: " + why);
                    long bound = 0;
                    for (Container x = c; x != null && !x.isHost(); x = x.parent) {
                        long limit = MemoryProperties.ANON_LIMIT.value(x);
                        if (limit > 0 && (bound == 0 || limit < bound))
                            bound = limit;
                    }
                    return Long.toString(bound > 0 ? bound : config.host().memoryBytes());
                }, false));
        p.add(ANON_ONLY.entryReadBy(c -> {
            String why = cgroups.unsupported(Limit.ANON_ONLY);
            if (why != null)
                throw new PortoException(ErrorCode.NotSupported, "anon_only is not supported: " + why);
            return Values.formatBool(ANON_ONLY.value(c));
        }));
        p.add(Property.readOnly("porto_stat", "the daemon's statistics, with this container's: <name>: <value>; ...", c -> {
            DaemonStatistics daemon = daemonStatistics.get();
            Map<String, String> out = new TreeMap<>();
            daemon.values().forEach((k, v) -> out.put(k, Long.toString(v)));
            out.put("l3stat_lost", Long.toString(net.l3StatLost()));
            Container root = c;
            while (root.parent != null)
                root = root.parent;
            out.put("containers", Long.toString(descendants(root, null)));
            out.put("running", Long.toString(descendants(root, State.RUNNING)));
            out.put("running_children", Long.toString(descendants(c, State.RUNNING)));
            out.put("starting_children", Long.toString(descendants(c, State.STARTING)));
            return Values.formatMap(out);
        }, true));
        p.add(Property.readOnly("porto_cpu_jail_state",
                "cpus in the order jails take them, each with how many containers are jailed on it (cpu_set jail is not "
                        + "implemented by this portod, so none is)",
                c -> {
                    HostResources host = config.host();
                    StringBuilder out = new StringBuilder("core jails\n");
                    for (int cpu : jailOrder(host))
                        out.append(String.format("%-4d %02d%n", cpu, 0));
                    return out.toString();
                }, false));
    }

    /** The containers below {@code c} (all of them, or those in {@code state}). */
    private static long descendants(Container c, State state) {
        long n = 0;
        for (Container child : c.children.values())
            n += (state == null || child.state() == state ? 1 : 0) + descendants(child, state);
        return n;
    }

    /**
     * Upstream's jail order: round by round, the next core of each NUMA node in turn (its first
     * thread), then the other threads of those cores, so consecutive jails land on different nodes
     * and on different cores before they share one.
     */
    static List<Integer> jailOrder(HostResources host) {
        Map<Integer, Map<Integer, TreeSet<Integer>>> threadsByCoreByNode = new TreeMap<>();
        for (HostResources.Cpu cpu : host.cpus())
            threadsByCoreByNode.computeIfAbsent(cpu.node(), n -> new TreeMap<>())
                    .computeIfAbsent(cpu.core(), k -> new TreeSet<>()).add(cpu.id());
        List<List<TreeSet<Integer>>> coresByNode = new ArrayList<>();
        for (Map<Integer, TreeSet<Integer>> cores : threadsByCoreByNode.values()) {
            List<TreeSet<Integer>> ordered = new ArrayList<>(cores.values());
            ordered.sort((a, b) -> Integer.compare(a.first(), b.first()));
            coresByNode.add(ordered);
        }
        int rounds = coresByNode.stream().mapToInt(List::size).max().orElse(0);
        List<Integer> order = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            List<Integer> siblings = new ArrayList<>();
            for (List<TreeSet<Integer>> cores : coresByNode) {
                if (round >= cores.size())
                    continue;
                TreeSet<Integer> threads = cores.get(round);
                order.add(threads.first());
                siblings.addAll(threads.tailSet(threads.first(), false));
            }
            order.addAll(siblings);
        }
        return order;
    }
}

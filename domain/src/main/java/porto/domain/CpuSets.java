package porto.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import porto.ports.KernelException;

/**
 * cpu_set: which cpus a container may run on. A list or a NUMA node names them; "threads N",
 * "cores N" and "reserve N" take cpus exclusively from the parent's, so no sibling that also asks
 * for exclusive cpus gets them, and a sibling that starts meanwhile gets a cpuset without them.
 * Allocation happens when a container starts (or its cpu_set changes): a sibling with a shared set
 * that was already running keeps its cpus until it restarts.
 */
final class CpuSets {
    private final DomainConfig config;
    private final porto.ports.Cgroups cgroups;
    private final Properties properties;

    CpuSets(DomainConfig config, porto.ports.Cgroups cgroups, Properties properties) {
        this.config = config;
        this.cgroups = cgroups;
        this.properties = properties;
    }

    /** The parsed form of cpu_set. */
    record Spec(String kind, int count, TreeSet<Integer> cpus) {}

    /** Validates a cpu_set value against the host; returns its canonical text. */
    static String canonical(String text, HostResources host) throws PortoException {
        Spec spec = parse(text, host);
        return switch (spec.kind()) {
            case "" -> "";
            case "list" -> format(spec.cpus());
            default -> spec.kind() + " " + spec.count();
        };
    }

    static Spec parse(String text, HostResources host) throws PortoException {
        String t = text.trim();
        if (t.isEmpty())
            return new Spec("", 0, new TreeSet<>());
        String[] words = t.split("\\s+");
        if (words.length == 2 && Set.of("node", "reserve", "threads", "cores").contains(words[0])) {
            int n;
            try {
                n = Integer.parseInt(words[1]);
            } catch (NumberFormatException e) {
                throw Values.invalid("expected '" + words[0] + " N' with a number N, got '" + text + "'");
            }
            if (words[0].equals("node")) {
                if (host.cpus().stream().noneMatch(c -> c.node() == n))
                    throw Values.invalid("no NUMA node " + n + " on this host");
            } else if (n < 1 || n > host.cpus().size()) {
                throw Values.invalid(words[0] + " must be within 1.." + host.cpus().size() + " cpus, got " + n);
            }
            return new Spec(words[0], n, new TreeSet<>());
        }
        TreeSet<Integer> cpus = parseList(t);
        Set<Integer> online = new TreeSet<>();
        host.cpus().forEach(c -> online.add(c.id()));
        if (!online.containsAll(cpus))
            throw Values.invalid("cpu_set " + t + " names cpus this host does not have (it has " + format(online) + ")");
        return new Spec("list", 0, cpus);
    }

    /** "0-3,6" to numbers; anything else is refused with the syntax the manual gives. */
    static TreeSet<Integer> parseList(String text) throws PortoException {
        TreeSet<Integer> out = new TreeSet<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (!p.matches("[0-9]+(-[0-9]+)?"))
                throw Values.invalid("expected cpu_set as N|N-M,... or node N, reserve N, threads N, cores N; got '" + text + "'");
            String[] range = p.split("-");
            int from = Integer.parseInt(range[0]);
            int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
            if (to < from || to > 4095)
                throw Values.invalid("bad cpu range '" + p + "' in '" + text + "'");
            for (int i = from; i <= to; i++)
                out.add(i);
        }
        return out;
    }

    /** Numbers to "0-3,6". */
    static String format(Set<Integer> cpus) {
        StringBuilder out = new StringBuilder();
        Integer start = null;
        Integer prev = null;
        for (int cpu : new TreeSet<>(cpus)) {
            if (prev != null && cpu == prev + 1) {
                prev = cpu;
                continue;
            }
            if (start != null)
                append(out, start, prev);
            start = cpu;
            prev = cpu;
        }
        if (start != null)
            append(out, start, prev);
        return out.toString();
    }

    private static void append(StringBuilder out, int from, int to) {
        if (out.length() > 0)
            out.append(',');
        out.append(from);
        if (to > from)
            out.append('-').append(to);
    }

    /** The cpus a container's tasks may use: its own allocation, else its parent's, else the host's. */
    TreeSet<Integer> affinity(Container c) {
        for (Container x = c; x != null && !x.isHost(); x = x.parent)
            if (x.state() != State.STOPPED && !x.cpuAffinity.isEmpty()) {
                try {
                    return parseList(x.cpuAffinity);
                } catch (PortoException e) {
                    break; // a damaged record: fall back to the host
                }
            }
        TreeSet<Integer> all = new TreeSet<>();
        config.host().cpus().forEach(cpu -> all.add(cpu.id()));
        return all;
    }

    /** Decides and writes the container's cpus; a container without a cpuset cgroup inherits. */
    void allocate(Container c) throws PortoException, KernelException {
        record(c, null);
        reallocate(c, properties.value(c, "cpu_set"));
    }

    /**
     * The container's cpus from {@code cpuSet}, decided against what its siblings hold now and
     * written; it holds them only once the kernel took them.
     */
    void reallocate(Container c, String cpuSet) throws PortoException, KernelException {
        Allocation a = decide(c, cpuSet);
        if (a != null) {
            cgroups.setCpus(c.name, a.cpus(), a.mems());
            record(c, a);
        }
    }

    /** The cpus (and memory nodes) a container's cpuset gets, and those it holds alone. */
    record Allocation(String cpus, String mems, String exclusive) {}

    /** Once written (null: none, or no cpuset cgroup), the container holds its cpus. */
    private static void record(Container c, Allocation a) {
        c.cpuAffinity = a == null ? "" : a.cpus();
        c.exclusiveCpus = a == null ? "" : a.exclusive();
    }

    /** The container's cpus from {@code cpuSet}, the parent's cpus and what siblings hold; null without a cpuset cgroup. */
    private Allocation decide(Container c, String cpuSet) throws PortoException {
        if (!c.controllers.contains("cpuset"))
            return null;
        HostResources host = config.host();
        Spec spec = parse(cpuSet, host);
        TreeSet<Integer> parent = affinity(c.parent);
        TreeSet<Integer> taken = new TreeSet<>();
        for (Container sibling : c.parent.children.values())
            if (sibling != c && sibling.state() != State.STOPPED && !sibling.exclusiveCpus.isEmpty())
                taken.addAll(parseList(sibling.exclusiveCpus));
        TreeSet<Integer> free = new TreeSet<>(parent);
        free.removeAll(taken);
        TreeSet<Integer> cpus;
        TreeSet<Integer> exclusive = new TreeSet<>();
        String mems = "";
        switch (spec.kind()) {
            case "list" -> {
                cpus = spec.cpus();
                if (!parent.containsAll(cpus))
                    throw unavailable(c, "cpu_set " + format(cpus) + " is not within the parent's cpus " + format(parent));
                TreeSet<Integer> clash = new TreeSet<>(cpus);
                clash.retainAll(taken);
                if (!clash.isEmpty())
                    throw unavailable(c, "cpus " + format(clash) + " are reserved by a sibling");
            }
            case "node" -> {
                cpus = new TreeSet<>();
                for (HostResources.Cpu cpu : host.cpus())
                    if (cpu.node() == spec.count() && free.contains(cpu.id()))
                        cpus.add(cpu.id());
                mems = Integer.toString(spec.count());
            }
            case "threads" -> {
                cpus = take(free, spec.count(), c);
                exclusive.addAll(cpus);
            }
            case "reserve" -> {
                exclusive.addAll(take(free, spec.count(), c));
                cpus = free;
            }
            case "cores" -> {
                cpus = new TreeSet<>();
                for (List<Integer> threads : freeCores(host, free).values()) {
                    if (cpus.size() == spec.count())
                        break;
                    cpus.add(threads.get(0));
                    exclusive.addAll(threads);
                }
                if (cpus.size() < spec.count())
                    throw unavailable(c, "needs " + spec.count() + " free cores, the parent has " + cpus.size());
            }
            default -> cpus = free;
        }
        if (cpus.isEmpty())
            throw unavailable(c, "no cpu is left for it: the parent's cpus " + format(parent) + " are all reserved");
        return new Allocation(format(cpus), mems, format(exclusive));
    }

    private static TreeSet<Integer> take(TreeSet<Integer> free, int n, Container c) throws PortoException {
        if (free.size() < n)
            throw unavailable(c, "needs " + n + " free cpus, the parent has " + free.size() + " (" + format(free) + ")");
        TreeSet<Integer> out = new TreeSet<>();
        for (int cpu : free) {
            if (out.size() == n)
                break;
            out.add(cpu);
        }
        return out;
    }

    /** Cores all of whose threads are free, by core, each with its threads in order. */
    private static Map<Integer, List<Integer>> freeCores(HostResources host, Set<Integer> free) {
        Map<Integer, List<Integer>> cores = new TreeMap<>();
        Set<Integer> busy = new TreeSet<>();
        for (HostResources.Cpu cpu : host.cpus()) {
            cores.computeIfAbsent(cpu.core(), k -> new ArrayList<>()).add(cpu.id());
            if (!free.contains(cpu.id()))
                busy.add(cpu.core());
        }
        cores.keySet().removeAll(busy);
        cores.values().forEach(l -> l.sort(null));
        return cores;
    }

    private static PortoException unavailable(Container c, String why) {
        return new PortoException(ErrorCode.ResourceNotAvailable, "cannot give cpus to " + c.name + ": " + why);
    }
}

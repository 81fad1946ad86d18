package porto.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import porto.ports.Cgroups;
import porto.ports.Cgroups.Stat;
import porto.ports.Processes;

/**
 * Statistics upstream 5.3.15 shows that are read from the container's own cgroup files (the
 * "controller.file" knobs), v1 or v2 names alike, and from its processes: what the kernel does not
 * report answers NotSupported naming the file it lacks.
 */
final class KnobStatistics {
    private KnobStatistics() {}

    /** /proc/PID/status figures summed into virtual_memory, by upstream's TVmStat names. */
    private static final Map<String, String> VM = new LinkedHashMap<>();

    static {
        VM.put("size", "VmSize");
        VM.put("max_size", "VmPeak");
        VM.put("used", "VmRSS");
        VM.put("max_used", "VmHWM");
        VM.put("anon", "RssAnon");
        VM.put("file", "RssFile");
        VM.put("shmem", "RssShmem");
        VM.put("huge", "HugetlbPages");
        VM.put("swap", "VmSwap");
        VM.put("data", "VmData");
        VM.put("stack", "VmStk");
        VM.put("code", "VmExe");
        VM.put("locked", "VmLck");
        VM.put("table", "VmPTE");
    }

    static void register(Properties p, ResourceControl resources, Cgroups cgroups, Processes processes) {
        p.add(Property.readOnly("shmem_usage", "shared memory and tmpfs usage, bytes",
                c -> memoryStat(resources, c, 1, "total_shmem", "shmem"), false));
        p.add(Property.readOnly("mlock_usage", "locked (unevictable) memory, bytes",
                c -> memoryStat(resources, c, 1, "total_unevictable", "unevictable"), false));
        p.add(Property.readOnly("memory_reclaimed", "memory reclaimed from the container, bytes (pages out, as upstream estimates)",
                c -> memoryStat(resources, c, 4096, "total_pgpgout", "pgsteal"), false));
        p.add(Property.readOnly("oom_kills", "processes the OOM killer killed in the container",
                c -> resources.stat(c, Stat.OOM_KILLS, "memory"), false));
        p.add(Property.readOnly("oom_kills_total", "OOM kills in the container and the running containers below it",
                c -> Long.toString(oomKillsTotal(resources, c)), false));
        p.add(Property.readOnly("cpu_throttled", "time the cpu limit held the container back, nanoseconds",
                c -> cpuStat(resources, c, "throttled_time", "throttled_usec"), false));
        p.add(Property.readOnly("cpu_burst_usage", "cpu time used beyond the limit in bursts, nanoseconds",
                c -> cpuStat(resources, c, "burst_time", "burst_usec"), false));
        p.add(Property.readOnly("io_read_ops", "read operations by disk: <disk>: <count>;... (hw: all disks)",
                c -> ioOps(resources, cgroups, c, "Read", "rios"), false));
        p.add(Property.readOnly("io_write_ops", "write operations by disk: <disk>: <count>;... (hw: all disks)",
                c -> ioOps(resources, cgroups, c, "Write", "wios"), false));
        p.add(Property.readOnly("io_time", "disk time by disk, nanoseconds: <disk>: <ns>;...", c -> ioTime(resources, cgroups, c), false));
        p.add(Property.readOnly("virtual_memory", "memory of the container's processes: count, size, used, anon, ...; bytes",
                c -> virtualMemory(cgroups, processes, c), false));
        p.add(Property.readOnly("anon_max_usage", "peak anonymous memory usage, bytes (offstream kernel feature)", c -> {
            Properties.requireRuntime(c, "anon_max_usage");
            throw new PortoException(ErrorCode.NotSupported,
                    "anon_max_usage is not available: this kernel has no memory.anon.max_usage (an offstream cgroup v1 feature)");
        }, false));
    }

    /** A controller file of the container as "key value" lines, or null when the kernel has no such file. */
    private static Map<String, Long> keyed(ResourceControl resources, Container c, String knob) throws PortoException {
        String text;
        try {
            text = resources.readKnob(c, knob);
        } catch (PortoException e) {
            if (e.code() == ErrorCode.InvalidProperty)
                return null;
            throw e;
        }
        Map<String, Long> map = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String[] w = line.trim().split("\\s+");
            if (w.length == 2 && w[1].matches("-?[0-9]+"))
                map.put(w[0], Long.parseLong(w[1]));
        }
        return map;
    }

    private static void requireController(Container c, String controller, String what) throws PortoException {
        Properties.requireRuntime(c, what);
        if (!c.controllers.contains(controller))
            throw new PortoException(ErrorCode.NotSupported, "the " + controller + " controller is not enabled for " + c.name
                    + " (set controllers[" + controller + "]=true before start)");
    }

    /** A field of memory.stat: its v1 name (hierarchical "total_") or its v2 name. */
    private static String memoryStat(ResourceControl resources, Container c, long scale, String v1, String v2) throws PortoException {
        requireController(c, "memory", v2);
        Map<String, Long> stat = keyed(resources, c, "memory.stat");
        Long v = stat == null ? null : stat.getOrDefault(v1, stat.get(v2));
        if (v == null)
            throw new PortoException(ErrorCode.NotSupported, "memory.stat of this kernel has neither " + v1 + " nor " + v2);
        return Long.toString(v * scale);
    }

    /** A field of cpu.stat: nanoseconds on v1, microseconds on v2. */
    private static String cpuStat(ResourceControl resources, Container c, String v1, String v2) throws PortoException {
        requireController(c, "cpu", v1);
        Map<String, Long> stat = keyed(resources, c, "cpu.stat");
        if (stat != null && stat.containsKey(v1))
            return Long.toString(stat.get(v1));
        if (stat != null && stat.containsKey(v2))
            return Long.toString(stat.get(v2) * 1000);
        throw new PortoException(ErrorCode.NotSupported, "cpu.stat of this kernel has neither " + v1 + " nor " + v2);
    }

    private static long oomKillsTotal(ResourceControl resources, Container c) throws PortoException {
        Properties.requireRuntime(c, "oom_kills_total");
        // cgroup v2 counts the whole subtree in memory.events; v1 counts each cgroup by itself.
        Map<String, Long> events = c.controllers.contains("memory") ? keyed(resources, c, "memory.events") : null;
        if (events != null && events.containsKey("oom_kill"))
            return events.get("oom_kill");
        long total = c.controllers.contains("memory") ? Long.parseLong(resources.stat(c, Stat.OOM_KILLS, "memory")) : 0;
        for (Container child : c.children.values())
            if (child.state() != State.STOPPED && child.state() != State.STARTING)
                total += oomKillsTotal(resources, child);
        return total;
    }

    /** Operations by disk: blkio.throttle.io_serviced_recursive ("8:0 Read 12") or io.stat ("8:0 rios=12 ..."). */
    private static String ioOps(ResourceControl resources, Cgroups cgroups, Container c, String v1, String v2) throws PortoException {
        Properties.requireRuntime(c, "io_ops");
        if (!c.controllers.contains("blkio") && !c.controllers.contains("io"))
            throw new PortoException(ErrorCode.NotSupported, "the blkio controller is not enabled for " + c.name
                    + " (set controllers[blkio]=true before start)");
        Map<String, Long> byDisk = new TreeMap<>();
        String text = knob(resources, c, List.of("blkio.throttle.io_serviced_recursive", "io.stat"));
        if (text == null)
            throw new PortoException(ErrorCode.NotSupported, "this kernel has neither blkio.throttle.io_serviced_recursive nor io.stat");
        for (String line : text.split("\n")) {
            String[] w = line.trim().split("\\s+");
            if (w.length == 3 && w[1].equals(v1) && w[2].matches("[0-9]+"))
                byDisk.merge(cgroups.diskName(w[0]), Long.parseLong(w[2]), Long::sum);
            for (int i = 1; i < w.length; i++)
                if (w[i].startsWith(v2 + "="))
                    byDisk.merge(cgroups.diskName(w[0]), Long.parseLong(w[i].substring(v2.length() + 1)), Long::sum);
        }
        return withTotal(byDisk);
    }

    private static String ioTime(ResourceControl resources, Cgroups cgroups, Container c) throws PortoException {
        Properties.requireRuntime(c, "io_time");
        String text = c.controllers.contains("blkio")
                ? knob(resources, c, List.of("blkio.io_service_time_recursive", "blkio.bfq.io_service_time_recursive")) : null;
        if (text == null)
            throw new PortoException(ErrorCode.NotSupported, "io_time is not available: this kernel reports no disk time per cgroup "
                    + "(blkio.io_service_time_recursive needs the CFQ scheduler or BFQ's debug statistics; cgroup v2 has none)");
        Map<String, Long> byDisk = new TreeMap<>();
        for (String line : text.split("\n")) {
            String[] w = line.trim().split("\\s+");
            if (w.length == 3 && w[1].equals("Total") && w[2].matches("[0-9]+"))
                byDisk.merge(cgroups.diskName(w[0]), Long.parseLong(w[2]), Long::sum);
        }
        return withTotal(byDisk);
    }

    private static String knob(ResourceControl resources, Container c, List<String> names) throws PortoException {
        for (String name : names) {
            try {
                return resources.readKnob(c, name);
            } catch (PortoException e) {
                if (e.code() != ErrorCode.InvalidProperty)
                    throw e;
            }
        }
        return null;
    }

    private static String withTotal(Map<String, Long> byDisk) {
        Map<String, String> out = new LinkedHashMap<>();
        long hw = 0;
        for (var e : byDisk.entrySet()) {
            out.put(e.getKey(), Long.toString(e.getValue()));
            hw += e.getValue();
        }
        out.put("hw", Long.toString(hw));
        return Values.formatMap(out);
    }

    /** Sums over the container's processes, as upstream's TVmStat: count, then bytes. */
    private static String virtualMemory(Cgroups cgroups, Processes processes, Container c) throws PortoException {
        Properties.requireRuntime(c, "virtual_memory");
        Map<String, Long> sum = new LinkedHashMap<>();
        sum.put("count", 0L);
        for (String key : VM.keySet())
            sum.put(key, 0L);
        boolean any = false;
        for (int pid : c.controllers.isEmpty() ? java.util.Set.<Integer>of() : cgroups.pids(c.name)) {
            Map<String, Long> status = processes.memoryStatus(pid);
            if (status.isEmpty())
                continue; // a kernel thread, or gone meanwhile
            any = true;
            sum.merge("count", 1L, Long::sum);
            for (var e : VM.entrySet())
                sum.merge(e.getKey(), status.getOrDefault(e.getValue(), 0L), Long::sum);
        }
        if (!any && c.state() == State.RUNNING && !cgroups.pids(c.name).isEmpty())
            throw new PortoException(ErrorCode.NotSupported, "virtual_memory is not available: the processes' memory status cannot be read");
        Map<String, String> out = new LinkedHashMap<>();
        sum.forEach((k, v) -> out.put(k, Long.toString(v)));
        return Values.formatMap(out);
    }
}

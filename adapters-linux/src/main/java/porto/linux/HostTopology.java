package porto.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Physical memory and the online cpus with their SMT cores and NUMA nodes, from /proc and /sys. */
public final class HostTopology {
    private HostTopology() {}

    /** One logical cpu. */
    public record Cpu(int id, int core, int node) {}

    /** MemTotal from /proc/meminfo in bytes, or 0 when unreadable. */
    public static long memoryBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo")))
                if (line.startsWith("MemTotal:"))
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return 0;
    }

    /** Online cpus; {@code fallbackCount} cpus on one node when sysfs cannot tell. */
    public static List<Cpu> cpus(int fallbackCount) {
        Path sys = Path.of("/sys/devices/system/cpu");
        List<Cpu> out = new ArrayList<>();
        String online = CgroupFiles.read(sys.resolve("online"));
        if (online != null) {
            for (int id : parseList(online.trim())) {
                Path topo = sys.resolve("cpu" + id).resolve("topology");
                long pkg = Math.max(0, CgroupFiles.readLong(topo.resolve("physical_package_id")));
                long core = CgroupFiles.readLong(topo.resolve("core_id"));
                // Core ids repeat across packages: make them unique per machine.
                int coreKey = core < 0 ? id : (int) (pkg * 4096 + core);
                out.add(new Cpu(id, coreKey, nodeOf(sys.resolve("cpu" + id))));
            }
        }
        if (out.isEmpty())
            for (int i = 0; i < fallbackCount; i++)
                out.add(new Cpu(i, i, 0));
        return out;
    }

    private static int nodeOf(Path cpuDir) {
        try (var entries = Files.list(cpuDir)) {
            for (Path p : entries.toList()) {
                String n = p.getFileName().toString();
                if (n.matches("node[0-9]+"))
                    return Integer.parseInt(n.substring(4));
            }
        } catch (IOException e) {
            // no NUMA information
        }
        return 0;
    }

    /** "0-3,6" to its numbers. */
    static List<Integer> parseList(String text) {
        List<Integer> out = new ArrayList<>();
        for (String part : text.split(",")) {
            if (part.isBlank())
                continue;
            String[] range = part.trim().split("-");
            int from = Integer.parseInt(range[0]);
            int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
            for (int i = from; i <= to; i++)
                out.add(i);
        }
        return out;
    }
}

package porto.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import porto.client.PortoClient;
import porto.client.PortoClientException;
import porto.client.ValueOrError;

/**
 * {@code portoctl sort} and {@code portoctl top}: containers side by side with their resource use.
 * Both read everything with one Get per sample, and neither loads protobuf's generated classes.
 */
final class UsageCommands {
    static final String TOP_HELP = "    -n <count>    samples to show (default: 1 without a terminal, endless with one)\n"
            + "    -d <seconds>  time between samples, over which rates are measured (default 1)\n";
    private static final List<String> TOP_PROPERTIES = List.of("state", "cpu_usage", "memory_usage", "thread_count",
            "io_read[hw]", "io_write[hw]", "net_rx_bytes", "net_tx_bytes", "time");

    private final Supplier<PortoClient> client;
    private final Console io;

    UsageCommands(Supplier<PortoClient> client, Console io) {
        this.client = client;
        this.io = io;
    }

    /** Container names matching the patterns, in order, without "/". */
    private List<String> containers(List<String> patterns) {
        Set<String> names = new LinkedHashSet<>();
        for (String p : patterns.isEmpty() ? List.of("***") : patterns)
            names.addAll(client.get().list(p));
        names.remove("/");
        return new ArrayList<>(names);
    }

    // ---- sort ----

    /** {@code sort [container|pattern... --] [property...]}: descending, numbers as numbers, as upstream. */
    int sort(List<String> args) {
        int sep = args.indexOf("--");
        List<String> patterns = sep < 0 ? List.of() : args.subList(0, sep);
        List<String> keys = new ArrayList<>(sep < 0 ? args : args.subList(sep + 1, args.size()));
        if (keys.isEmpty())
            keys.addAll(List.of("state", "time"));
        Map<String, Map<String, ValueOrError>> data;
        List<String> names;
        try {
            names = containers(patterns);
            data = names.isEmpty() ? Map.of() : client.get().get(names, keys);
        } catch (PortoClientException e) {
            io.error(Format.error("Cannot get data", e));
            return e.code();
        }
        names.sort((a, b) -> {
            for (String key : keys) {
                String x = value(data, a, key);
                String y = value(data, b, key);
                if (x.equals(y))
                    continue;
                Long nx = number(x);
                Long ny = number(y);
                if (nx != null && ny != null)
                    return Long.compare(ny, nx);
                return y.compareTo(x);
            }
            return b.compareTo(a);
        });
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("container"));
        header.addAll(keys);
        rows.add(header);
        for (String name : names) {
            List<String> row = new ArrayList<>(List.of(name));
            for (String key : keys)
                row.add(Format.humanValue(key, value(data, name, key)));
            rows.add(row);
        }
        io.print(table(rows, 16));
        return 0;
    }

    private static String value(Map<String, Map<String, ValueOrError>> data, String name, String key) {
        ValueOrError v = data.getOrDefault(name, Map.of()).get(key);
        return v == null || v.isError() ? "" : v.value();
    }

    private static Long number(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Left-aligned names, right-aligned values, as upstream's sort prints them. */
    static String table(List<List<String>> rows, int firstWidth) {
        int columns = rows.get(0).size();
        int[] width = new int[columns];
        width[0] = firstWidth;
        for (int c = 1; c < columns; c++)
            width[c] = Math.max(8, rows.get(0).get(c).length());
        for (List<String> row : rows)
            for (int c = 0; c < columns; c++)
                width[c] = Math.max(width[c], row.get(c).length());
        StringBuilder out = new StringBuilder();
        for (List<String> row : rows) {
            out.append(Format.padRight(row.get(0), width[0])).append(' ');
            for (int c = 1; c < columns; c++)
                out.append(Format.padLeft(row.get(c), width[c])).append(' ');
            out.append('\n');
        }
        return out.toString();
    }

    // ---- top ----

    /** {@code top [-n count] [-d seconds] [pattern...]}: usage and rates, refreshed on a terminal. */
    int top(List<String> args) throws Getopt.UsageException {
        Getopt g = Getopt.parse(args, "n:d:", false);
        boolean terminal = stdoutIsTerminal();
        long count = terminal ? Long.MAX_VALUE : 1;
        double delay = 1;
        for (Getopt.Opt o : g.options) {
            try {
                if (o.key() == 'n')
                    count = Long.parseLong(o.arg());
                else
                    delay = Double.parseDouble(o.arg());
            } catch (NumberFormatException e) {
                throw new Getopt.UsageException("portoctl: invalid number: " + o.arg());
            }
        }
        if (count < 1 || !(delay >= 0))
            throw new Getopt.UsageException("portoctl: -n needs 1 or more samples, -d a delay of 0 or more seconds");
        try {
            Sample previous = sample(g.rest);
            for (long i = 0; i < count; i++) {
                if (delay > 0)
                    Thread.sleep(Math.round(delay * 1000));
                Sample now = delay > 0 ? sample(g.rest) : previous;
                if (terminal)
                    io.print("\033[H\033[2J");
                io.print(render(previous, now, delay > 0));
                io.flush();
                previous = now;
            }
        } catch (PortoClientException e) {
            io.error(Format.error("Cannot get data", e));
            return e.code();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** One reading of every container's counters, and when it was taken. */
    record Sample(long nanos, List<String> names, Map<String, Map<String, ValueOrError>> data) {}

    private Sample sample(List<String> patterns) {
        List<String> names = containers(patterns);
        return new Sample(System.nanoTime(), names, names.isEmpty() ? Map.of() : client.get().get(names, TOP_PROPERTIES));
    }

    /** The table of one interval: totals from {@code now}, rates from the difference to {@code before}. */
    static String render(Sample before, Sample now, boolean rates) {
        double seconds = Math.max(1e-9, (now.nanos() - before.nanos()) / 1e9);
        record Line(String name, double cpu, long memory, List<String> cells) {}
        List<Line> lines = new ArrayList<>();
        for (String name : now.names()) {
            long cpu = counter(now, name, "cpu_usage");
            double cpuRate = rate(before, now, name, "cpu_usage", seconds) / 1e9;
            List<String> cells = new ArrayList<>();
            cells.add(name);
            cells.add(value(now.data(), name, "state"));
            cells.add(rates && cpuRate >= 0 ? String.format(Locale.ROOT, "%.1f", cpuRate * 100) : "-");
            cells.add(cpu < 0 ? "-" : Format.humanValue("cpu_usage", Long.toString(cpu)));
            long memory = counter(now, name, "memory_usage");
            cells.add(memory < 0 ? "-" : Format.size(memory));
            long threads = counter(now, name, "thread_count");
            cells.add(threads < 0 ? "-" : Long.toString(threads));
            for (String io : List.of("io_read[hw]", "io_write[hw]")) {
                double r = rate(before, now, name, io, seconds);
                cells.add(rates && r >= 0 ? Format.size(Math.round(r)) + "/s" : "-");
            }
            for (String net : List.of("net_rx_bytes", "net_tx_bytes")) { // all devices together
                long a = deviceTotal(before, name, net), b = deviceTotal(now, name, net);
                cells.add(rates && a >= 0 && b >= a ? Format.size(Math.round((b - a) / seconds)) + "/s" : "-");
            }
            String time = value(now.data(), name, "time");
            cells.add(time.isEmpty() ? "-" : Format.humanValue("time", time));
            lines.add(new Line(name, rates ? cpuRate : cpu, memory, cells));
        }
        lines.sort(Comparator.comparingDouble((Line l) -> -l.cpu()).thenComparingLong(l -> -l.memory())
                .thenComparing(Line::name));
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("container", "state", "cpu%", "cpu", "memory", "threads", "read", "write", "net-rx", "net-tx", "time"));
        for (Line l : lines)
            rows.add(l.cells());
        return table(rows, 16);
    }

    private static long counter(Sample s, String name, String key) {
        Long n = number(value(s.data(), name, key));
        return n == null ? -1 : n;
    }

    /** The sum of a "device: count; ..." counter, or -1 when it has no device or cannot be read. */
    private static long deviceTotal(Sample s, String name, String key) {
        String text = value(s.data(), name, key);
        if (text.isBlank())
            return -1;
        long total = 0;
        for (String part : text.split(";")) {
            int colon = part.lastIndexOf(':');
            Long n = colon < 0 ? null : number(part.substring(colon + 1));
            if (n == null)
                return -1;
            total += n;
        }
        return total;
    }

    /** Per second over the interval; -1 when either reading is missing or the counter went back. */
    private static double rate(Sample before, Sample now, String name, String key, double seconds) {
        long a = counter(before, name, key);
        long b = counter(now, name, key);
        return a < 0 || b < a ? -1 : (b - a) / seconds;
    }

    /** Standard output is a terminal when fd 1 is a tty device. */
    static boolean stdoutIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/1")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (Exception e) {
            return false;
        }
    }
}

package porto.cli;

import java.util.List;
import java.util.Locale;
import porto.client.PortoClientException;

/** Pure text formatting of portoctl's output: no I/O, no daemon. Public for the unit tests. */
public final class Format {

    private static final char[] SIZE_UNITS = {'B', 'K', 'M', 'G', 'T', 'P', 'E'};

    /** Width of the state column of {@code list}: the longest state name, at least 8, plus 2. */
    public static final int LIST_STATE_WIDTH = 10;
    /** Width of the time column of {@code list}. */
    public static final int LIST_TIME_WIDTH = 12;

    private Format() {
    }

    /** {@code prefix: Name (message)}, the way every failed call is reported. */
    public static String error(String prefix, PortoClientException e) {
        return prefix + ": " + e.getMessage();
    }

    /**
     * A wait(2) status as {@code get} shows it: {@code Container exited with N}, {@code Container killed
     * by signal N}, with {@code  (core dumped)} when the kernel dumped core. Anything that is not a
     * number, or not an exit or a kill, is returned as it came.
     */
    public static String exitStatus(String raw) {
        int status;
        try {
            status = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            return raw;
        }
        int signal = status & 0x7f;
        if (signal == 0) {
            return "Container exited with " + ((status >> 8) & 0xff);
        }
        if (signal != 0x7f) {
            String text = "Container killed by signal " + signal;
            return (status & 0x80) != 0 ? text + " (core dumped)" : text;
        }
        return raw;
    }

    /** 1536 as {@code 1.5K}, 1048576 as {@code 1M}, 10 as {@code 10B}. */
    public static String size(long value) {
        int i = 0;
        while (i + 1 < SIZE_UNITS.length && Long.compareUnsigned(value, 1L << (10 * (i + 1))) >= 0) {
            i++;
        }
        long div = 1L << (10 * i);
        if (Long.remainderUnsigned(value, div) == 0) {
            return Long.toUnsignedString(Long.divideUnsigned(value, div)) + SIZE_UNITS[i];
        }
        double v = unsignedToDouble(value) / div;
        return String.format(Locale.ROOT, "%.1f", v) + SIZE_UNITS[i];
    }

    /** Milliseconds as {@code 12.5s} below a minute, {@code H:MM:SS} below a day, else {@code Dd HH:MM}. */
    public static String duration(long msec) {
        if (Long.compareUnsigned(msec, 60000) < 0) {
            StringBuilder sb = new StringBuilder(8).append(msec / 1000);
            int frac = (int) (msec % 1000);
            if (frac != 0) {
                sb.append('.').append((char) ('0' + frac / 100));
                if (frac % 100 != 0) {
                    sb.append((char) ('0' + frac / 10 % 10));
                    if (frac % 10 != 0) {
                        sb.append((char) ('0' + frac % 10));
                    }
                }
            }
            return sb.append('s').toString();
        }
        long seconds = msec / 1000 % 60;
        long minutes = msec / (60 * 1000) % 60;
        long hours = msec / (60 * 60 * 1000) % 24;
        long days = msec / (24 * 60 * 60 * 1000);
        if (days == 0) {
            return hours + ":" + two(minutes) + ":" + two(seconds);
        }
        String h = hours < 10 ? " " + hours : Long.toString(hours);
        return days + "d " + h + ":" + two(minutes);
    }

    private static String two(long v) {
        return v < 10 ? "0" + v : Long.toString(v);
    }

    private static double unsignedToDouble(long v) {
        return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
    }

    /** Whether {@code s} is a plain decimal that fits 64 bits unsigned. */
    public static boolean isUint64(String s) {
        if (s.isEmpty() || s.length() > 20) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        try {
            Long.parseUnsignedLong(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String stripIndex(String name) {
        int i = name.indexOf('[');
        return i < 0 ? name : name.substring(0, i);
    }

    /**
     * A property value as {@code get <container>} (all properties) shows it: sizes and durations made
     * readable, exit_status spelled out, long stdout/stderr cut in the middle; everything else raw.
     */
    public static String humanValue(String fullName, String val) {
        String name = stripIndex(fullName);

        if (name.equals("stdout") || name.equals("stderr")) {
            if (val.length() > 4096) {
                return val.substring(0, 2048) + "\n... skip " + (val.length() - 4096) + " bytes ...\n"
                        + val.substring(val.length() - 2048);
            }
            return val;
        }

        switch (name) {
            case "net_limit", "net_rx_limit", "net_guarantee", "net_bytes", "net_rx_bytes", "net_tx_bytes",
                 "place_usage", "place_limit", "io_limit", "io_read", "io_write", "virtual_memory" -> {
                return mapValue(name, fullName, val, false);
            }
            case "io_time" -> {
                return mapValue(name, fullName, val, true);
            }
            default -> {
            }
        }

        if (val.isEmpty() || !isUint64(val)) {
            return val;
        }
        long num = Long.parseUnsignedLong(val);

        switch (name) {
            case "memory_guarantee", "memory_limit", "memory_usage", "memory_limit_total",
                 "memory_guarantee_total", "memory_reclaimed", "anon_usage", "anon_max_usage", "cache_usage",
                 "shmem_usage", "mlock_usage", "anon_limit", "anon_limit_total", "max_rss", "stdout_limit",
                 "hugetlb_limit", "hugetlb_usage" -> {
                return size(num);
            }
            case "time", "aging_time" -> {
                return duration(num * 1000);
            }
            case "cpu_usage", "cpu_usage_system", "cpu_wait", "cpu_throttled", "cpu_burst_usage",
                 "cpu_unconstrained_wait", "cpu_period", "respawn_delay" -> {
                return duration(Long.divideUnsigned(num, 1000000));
            }
            case "exit_status" -> {
                return exitStatus(val);
            }
            default -> {
                return val;
            }
        }
    }

    /** {@code key: size; key: size} maps (or one indexed element) made readable; raw if malformed. */
    private static String mapValue(String name, String fullName, String val, boolean time) {
        if (!name.equals(fullName) && isUint64(val)) {
            long num = Long.parseUnsignedLong(val);
            return time ? duration(Long.divideUnsigned(num, 1000000)) : size(num);
        }
        if (val.isEmpty()) {
            return val;
        }
        StringBuilder sb = new StringBuilder();
        for (String item : val.split(";")) {
            if (item.isBlank()) {
                continue;
            }
            int colon = item.indexOf(':');
            if (colon < 0 || item.indexOf(':', colon + 1) >= 0) {
                return val;
            }
            String key = item.substring(0, colon).trim();
            String number = item.substring(colon + 1).trim();
            if (!isUint64(number)) {
                return val;
            }
            long num = Long.parseUnsignedLong(number);
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append(key).append(": ").append(time ? duration(Long.divideUnsigned(num, 1000000)) : size(num));
        }
        return sb.toString();
    }

    /** Seconds since the epoch as local {@code YYYY-MM-DD HH:MM:SS}. */
    public static String localTime(long epochSeconds) {
        java.time.LocalDateTime t = java.time.LocalDateTime.ofInstant(
                java.time.Instant.ofEpochSecond(epochSeconds), java.time.ZoneId.systemDefault());
        return t.toLocalDate() + " " + two(t.getHour()) + ":" + two(t.getMinute()) + ":" + two(t.getSecond());
    }

    /** Longest string's length, at least {@code min}, plus 2: upstream's column width. */
    public static int fieldWidth(List<String> values, int min) {
        int len = 0;
        for (String v : values) {
            len = Math.max(len, v.length());
        }
        return Math.max(len, min) + 2;
    }

    public static String padRight(String s, int width) {
        if (s.length() >= width) {
            return s;
        }
        StringBuilder sb = new StringBuilder(width).append(s);
        while (sb.length() < width) {
            sb.append(' ');
        }
        return sb.toString();
    }

    public static String padLeft(String s, int width) {
        if (s.length() >= width) {
            return s;
        }
        StringBuilder sb = new StringBuilder(width);
        for (int i = s.length(); i < width; i++) {
            sb.append(' ');
        }
        return sb.append(s).toString();
    }

    /**
     * Appends {@code "  name<pad>description"} lines, the description cut into pieces that fit the
     * terminal, the way help lists commands and properties.
     */
    public static void aligned(StringBuilder out, String name, String desc, int nameWidth, int termWidth) {
        int descWidth = Math.max(termWidth - nameWidth - 4, 1);
        int start = 0;
        boolean first = true;
        for (int i = 0; i < desc.length(); i++) {
            if (i - start > descWidth) {
                out.append("  ").append(padRight(first ? name : "", nameWidth))
                        .append(desc, start, i).append('\n');
                first = false;
                start = i;
            }
        }
        if (start < desc.length() || first) {
            out.append("  ").append(padRight(first ? name : "", nameWidth))
                    .append(desc, start, desc.length()).append('\n');
        }
    }

    /** The name {@code list -f} shows: children indented under their parent with {@code \_ }. */
    public static String forestName(String name) {
        int slash = name.lastIndexOf('/');
        if (slash < 0) {
            return name;
        }
        int depth = 0;
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) == '/') {
                depth++;
            }
        }
        StringBuilder sb = new StringBuilder(" ");
        for (int j = 1; j < depth; j++) {
            sb.append("   ");
        }
        return sb.append("\\_ ").append(name, slash + 1, name.length()).toString();
    }

    /**
     * One line of {@code list}: the name padded to {@code nameWidth}, the state right-aligned in 10
     * columns and, if given, the time right-aligned in 12.
     */
    public static String listLine(String displayName, int nameWidth, String state, String time) {
        StringBuilder sb = new StringBuilder(padRight(displayName, nameWidth));
        sb.append(padLeft(state, LIST_STATE_WIDTH));
        if (time != null) {
            sb.append(padLeft(time, LIST_TIME_WIDTH));
        }
        return sb.toString();
    }
}

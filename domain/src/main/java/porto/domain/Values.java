package porto.domain;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Parsing and formatting of property values in the manual's syntax. */
public final class Values {
    private Values() {}

    public static boolean parseBool(String text) throws PortoException {
        return switch (text.trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid("expected true or false, got '" + text + "'");
        };
    }

    public static String formatBool(boolean value) {
        return value ? "true" : "false";
    }

    /** A non-negative integer. */
    public static long parseUnsigned(String text) throws PortoException {
        String t = text.trim();
        try {
            long v = Long.parseLong(t);
            if (v < 0)
                throw invalid("expected a non-negative integer, got '" + text + "'");
            return v;
        } catch (NumberFormatException e) {
            throw invalid("expected a non-negative integer, got '" + text + "'");
        }
    }

    public static long parseInteger(String text) throws PortoException {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw invalid("expected an integer, got '" + text + "'");
        }
    }

    /**
     * A size in bytes with an optional 1024-based suffix B|K|M|G|T|P|E; fractions are allowed with a
     * suffix ("1.5G"). The result is whole bytes.
     */
    public static long parseSize(String text) throws PortoException {
        String t = text.trim();
        if (t.isEmpty())
            throw invalid("expected a size like 512M, got an empty value");
        char last = Character.toUpperCase(t.charAt(t.length() - 1));
        int shift = switch (last) {
            case 'B' -> 0;
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            case 'T' -> 40;
            case 'P' -> 50;
            case 'E' -> 60;
            default -> -1;
        };
        String number = shift >= 0 ? t.substring(0, t.length() - 1).trim() : t;
        if (shift < 0)
            shift = 0;
        if (number.isEmpty() || !number.matches("[0-9]+(\\.[0-9]*)?"))
            throw invalid("expected a size like 512M (suffixes B K M G T P E), got '" + text + "'");
        double value = Double.parseDouble(number) * Math.pow(2, shift);
        if (value >= 0x1p63)
            throw invalid("size is too large: '" + text + "'");
        return (long) value;
    }

    /**
     * A "key: value; key: value" map, also accepting "key=value" when {@code allowEquals}.
     * A backslash escapes ';' and itself inside values. Keys keep their order.
     */
    public static Map<String, String> parseMap(String text, boolean allowEquals) throws PortoException {
        Map<String, String> map = new LinkedHashMap<>();
        for (String item : splitList(text, ';')) {
            String entry = item.trim();
            if (entry.isEmpty())
                continue;
            int colon = entry.indexOf(':');
            int equals = allowEquals ? entry.indexOf('=') : -1;
            int at;
            if (colon < 0)
                at = equals;
            else if (equals < 0)
                at = colon;
            else
                at = Math.min(colon, equals);
            if (at <= 0)
                throw invalid("expected 'key: value' in '" + entry + "'");
            map.put(entry.substring(0, at).trim(), entry.substring(at + 1).trim());
        }
        return map;
    }

    public static String formatMap(Map<String, String> map) {
        StringBuilder out = new StringBuilder();
        for (var e : map.entrySet()) {
            if (out.length() > 0)
                out.append("; ");
            out.append(e.getKey()).append(": ").append(escape(e.getValue()));
        }
        return out.toString();
    }

    /** Splits on {@code separator}, honouring backslash escapes; the escapes are removed. */
    public static java.util.List<String> splitList(String text, char separator) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char next = text.charAt(i + 1);
                if (next == separator || next == '\\') {
                    cur.append(next);
                    i++;
                    continue;
                }
            }
            if (c == separator) {
                parts.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        parts.add(cur.toString());
        return parts;
    }

    static String escape(String value) {
        return value.replace("\\", "\\\\").replace(";", "\\;");
    }

    /** CPU amount: "50" or "50%" is half of all host cores' worth in percent; "2.5c" is cores. */
    public static double parseCpu(String text, int hostCores) throws PortoException {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            double cores;
            if (t.endsWith("c")) {
                cores = Double.parseDouble(t.substring(0, t.length() - 1).trim());
            } else {
                String pct = t.endsWith("%") ? t.substring(0, t.length() - 1) : t;
                cores = Double.parseDouble(pct.trim()) * hostCores / 100.0;
            }
            if (cores < 0 || Double.isNaN(cores) || Double.isInfinite(cores))
                throw invalid("expected cpu amount like 50% or 2.5c, got '" + text + "'");
            // As upstream, more than the host has is taken as asked (a limit above the cores limits nothing).
            return cores;
        } catch (NumberFormatException e) {
            throw invalid("expected cpu amount like 50% or 2.5c, got '" + text + "'");
        }
    }

    public static String formatCpu(double cores) {
        if (cores == Math.rint(cores))
            return (long) cores + "c";
        return String.format(Locale.ROOT, "%.3fc", cores).replaceAll("0+c$", "c");
    }

    /** Bytes in the largest 1024-based unit that keeps one decimal at most: 2147483648 is "2G". */
    public static String formatSize(long bytes) {
        String[] units = {"", "K", "M", "G", "T", "P", "E"};
        double v = bytes;
        int u = 0;
        while (Math.abs(v) >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return (u == 0 ? Long.toString(bytes) : formatNumber(Math.round(v * 10) / 10.0)) + units[u];
    }

    /** A decimal without trailing zeros: 1.0 is "1", 0.25 is "0.25". */
    public static String formatNumber(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15)
            return Long.toString((long) value);
        return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /**
     * A duration in nanoseconds: a plain number is nanoseconds (as the manual's cpu_period says);
     * suffixes ns, us, ms and s are accepted.
     */
    public static long parseNanos(String text) throws PortoException {
        String t = text.trim().toLowerCase(Locale.ROOT);
        long scale = 1;
        for (String[] unit : new String[][] {{"ns", "1"}, {"us", "1000"}, {"ms", "1000000"}, {"s", "1000000000"}}) {
            if (t.endsWith(unit[0])) {
                t = t.substring(0, t.length() - unit[0].length()).trim();
                scale = Long.parseLong(unit[1]);
                break;
            }
        }
        if (!t.matches("[0-9]+(\\.[0-9]*)?"))
            throw invalid("expected a duration like 100ms, 1s or nanoseconds, got '" + text + "'");
        double ns = Double.parseDouble(t) * scale;
        if (ns >= 0x1p63)
            throw invalid("duration is too long: '" + text + "'");
        return Math.round(ns);
    }

    /** A weight multiplier: 0.01..100, 1 being the default. */
    public static double parseWeight(String text, String property) throws PortoException {
        try {
            double w = Double.parseDouble(text.trim());
            if (!(w >= 0.01 && w <= 100))
                throw invalid(property + " must be within 0.01..100, got '" + text + "'");
            return w;
        } catch (NumberFormatException e) {
            throw invalid("expected " + property + " as a number within 0.01..100, got '" + text + "'");
        }
    }

    static PortoException invalid(String message) {
        return new PortoException(ErrorCode.InvalidValue, message);
    }
}

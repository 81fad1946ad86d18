package porto.linux;

import java.io.IOException;
import java.io.StringReader;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The body of a state record: one {@code key=value} line per field in the escaped form
 * {@link Properties#store(java.io.Writer, String)} writes. {@link #append} writes that form and
 * {@link #parse} reads it without a {@link Properties} per record (a store per field cost a
 * start some 75 KB of garbage a save; a reload reads 10,000 records); anything else a record
 * may hold (comments, continuation lines, other separators) is left to {@link #parseWithProperties}.
 */
final class RecordLines {
    private RecordLines() {}

    /** Appends the line {@code key=value}, escaped as Properties.store escapes it, with its newline. */
    static void append(StringBuilder out, String key, String value) {
        escape(out, key, true);
        out.append('=');
        escape(out, value, false);
        out.append('\n');
    }

    /**
     * Properties.store's escapes for a Writer: a backslash before {@code \ = : # !}, before every
     * blank of a key and a value's first, {@code \t \n \r \f} for those controls; all else as is.
     */
    private static void escape(StringBuilder out, String text, boolean key) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case ' ' -> out.append(key || i == 0 ? "\\ " : " ");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\f' -> out.append("\\f");
                case '=', ':', '#', '!' -> out.append('\\').append(c);
                default -> out.append(c);
            }
        }
    }

    /** The fields of {@code body}, or null when a line is not in the simple form. */
    static Map<String, String> parse(String body) {
        Map<String, String> out = new HashMap<>();
        StringBuilder text = new StringBuilder();
        int at = 0, end = body.length();
        while (at < end) {
            int eol = body.indexOf('\n', at);
            if (eol < 0)
                eol = end;
            if (eol > at && !parseLine(body, at, eol, out, text))
                return null;
            at = eol + 1;
        }
        return out;
    }

    /**
     * One line {@code key=value}: the key up to its first unescaped '=', escapes {@code \t \n \r
     * \f \\uXXXX} and {@code \c} for any other c. False for what needs the full rules: a comment, a
     * blank start, a ':' or blank as separator, a continuation (a final lone backslash), a CR.
     */
    private static boolean parseLine(String body, int from, int to, Map<String, String> out, StringBuilder text) {
        char first = body.charAt(from);
        if (first == '#' || first == '!' || first == ' ' || first == '\t' || first == '\f')
            return false;
        if (plainLine(body, from, to, out))
            return true;
        String key = null;
        text.setLength(0);
        for (int i = from; i < to; i++) {
            char c = body.charAt(i);
            if (c == '\\') {
                if (++i >= to)
                    return false; // continues on the next line
                c = body.charAt(i);
                switch (c) {
                    case 't' -> text.append('\t');
                    case 'n' -> text.append('\n');
                    case 'r' -> text.append('\r');
                    case 'f' -> text.append('\f');
                    case 'u' -> {
                        if (i + 4 >= to)
                            return false;
                        int code = 0;
                        for (int k = 1; k <= 4; k++) {
                            int digit = Character.digit(body.charAt(i + k), 16);
                            if (digit < 0)
                                return false;
                            code = code * 16 + digit;
                        }
                        text.append((char) code);
                        i += 4;
                    }
                    default -> text.append(c);
                }
            } else if (c == '\r') {
                return false;
            } else if (key == null && c == '=') {
                key = text.toString();
                text.setLength(0);
                if (i + 1 < to) {
                    char next = body.charAt(i + 1);
                    if (next == ' ' || next == '\t' || next == '\f')
                        return false; // load skips blanks before a value
                }
            } else if (key == null && (c == ':' || c == ' ' || c == '\t' || c == '\f')) {
                return false;
            } else {
                text.append(c);
            }
        }
        if (key == null)
            return false;
        out.put(canonical(key), text.toString());
        return true;
    }

    /**
     * Most lines have no escape at all ({@code state=stopped}): key and value are then plain
     * substrings, taken without copying character by character. False when the line needs
     * {@link #parseLine}'s rules (an escape, a CR, another separator, blanks after the '=').
     */
    private static boolean plainLine(String body, int from, int to, Map<String, String> out) {
        int eq = -1;
        for (int i = from; i < to; i++) {
            char c = body.charAt(i);
            if (c == '\\' || c == '\r')
                return false;
            if (eq < 0) {
                if (c == '=')
                    eq = i;
                else if (c == ':' || c == ' ' || c == '\t' || c == '\f')
                    return false;
            }
        }
        if (eq < 0)
            return false;
        if (eq + 1 < to) {
            char next = body.charAt(eq + 1);
            if (next == ' ' || next == '\t' || next == '\f')
                return false;
        }
        out.put(canonical(body.substring(from, eq)), body.substring(eq + 1, to));
        return true;
    }

    /** Field names, one instance each: every record repeats the same few dozen. */
    private static final Map<String, String> NAMES = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_NAMES = 4096;

    private static String canonical(String key) {
        String known = NAMES.get(key);
        if (known != null)
            return known;
        if (NAMES.size() < MAX_NAMES)
            NAMES.putIfAbsent(key, key);
        return key;
    }

    /** The full rules of {@link Properties#load}. */
    static Map<String, String> parseWithProperties(String body) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(body));
        Map<String, String> record = new HashMap<>();
        for (String name : p.stringPropertyNames())
            record.put(name, p.getProperty(name));
        return record;
    }
}

package porto.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Splits a command into words the way wordexp(3) does with command substitution disabled and
 * undefined variables refused: quotes, backslashes and $VAR / ${VAR} from the container environment.
 * Unquoted shell operators are refused too, as wordexp does, since no shell runs them.
 */
public final class CommandLine {
    private CommandLine() {}

    /** The command_argv text "argv0\targv1..." (a backslash escapes a tab or itself) as words, verbatim. */
    public static List<String> splitArgv(String text) {
        if (text.isEmpty())
            return List.of();
        return Values.splitList(text, '\t');
    }

    /** The inverse of {@link #splitArgv}. */
    public static String joinArgv(List<String> argv) {
        List<String> escaped = new ArrayList<>();
        for (String a : argv)
            escaped.add(a.replace("\\", "\\\\").replace("\t", "\\\t"));
        return String.join("\t", escaped);
    }

    /** Words single-quoted so that {@link #split} gives them back unchanged. */
    public static String quote(List<String> argv) {
        List<String> quoted = new ArrayList<>();
        for (String a : argv)
            quoted.add("'" + a.replace("'", "'\\''") + "'");
        return String.join(" ", quoted);
    }

    public static List<String> split(String command, Map<String, String> env) throws PortoException {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        int n = command.length();
        while (i < n) {
            char c = command.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
            } else if (c == '\'') {
                int end = command.indexOf('\'', i + 1);
                if (end < 0)
                    throw bad(command, "unterminated single quote");
                word.append(command, i + 1, end);
                inWord = true;
                i = end + 1;
            } else if (c == '"') {
                i = doubleQuoted(command, i + 1, word, env);
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 >= n)
                    throw bad(command, "trailing backslash");
                word.append(command.charAt(i + 1));
                inWord = true;
                i += 2;
            } else if (c == '$') {
                // Unquoted, the value is split into fields at blanks, as wordexp(3) does.
                StringBuilder value = new StringBuilder();
                int next = variable(command, i, value, env);
                if (next == i + 1 && value.toString().equals("$")) {
                    word.append('$');
                    inWord = true;
                } else {
                    String[] fields = value.toString().split("[ \t\n]", -1);
                    for (int f = 0; f < fields.length; f++) {
                        if (f > 0 && inWord) {
                            words.add(word.toString());
                            word.setLength(0);
                            inWord = false;
                        }
                        if (!fields[f].isEmpty()) {
                            word.append(fields[f]);
                            inWord = true;
                        }
                    }
                }
                i = next;
            } else if (c == '`') {
                throw bad(command, "command substitution is not allowed");
            } else if ("|&;<>(){}".indexOf(c) >= 0) {
                throw bad(command, "shell operator '" + c + "' is not allowed; use bash -c '...'");
            } else {
                word.append(c);
                inWord = true;
                i++;
            }
        }
        if (inWord)
            words.add(word.toString());
        if (words.isEmpty())
            throw bad(command, "empty command");
        return words;
    }

    private static int doubleQuoted(String s, int i, StringBuilder word, Map<String, String> env)
            throws PortoException {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"')
                return i + 1;
            if (c == '\\' && i + 1 < s.length() && "$`\"\\\n".indexOf(s.charAt(i + 1)) >= 0) {
                word.append(s.charAt(i + 1));
                i += 2;
            } else if (c == '$') {
                i = variable(s, i, word, env);
            } else if (c == '`') {
                throw bad(s, "command substitution is not allowed");
            } else {
                word.append(c);
                i++;
            }
        }
        throw bad(s, "unterminated double quote");
    }

    /** Expands the variable starting at the '$' at {@code i}; returns the index after it. */
    private static int variable(String s, int i, StringBuilder word, Map<String, String> env)
            throws PortoException {
        int start = i + 1;
        if (start < s.length() && s.charAt(start) == '(')
            throw bad(s, "command substitution is not allowed");
        String name;
        int next;
        if (start < s.length() && s.charAt(start) == '{') {
            int end = s.indexOf('}', start);
            if (end < 0)
                throw bad(s, "unterminated ${");
            name = s.substring(start + 1, end);
            next = end + 1;
        } else {
            int end = start;
            while (end < s.length() && (Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_'))
                end++;
            if (end == start) {
                word.append('$');
                return start;
            }
            name = s.substring(start, end);
            next = end;
        }
        String value = env.get(name);
        if (value == null)
            throw bad(s, "undefined variable $" + name);
        word.append(value);
        return next;
    }

    private static PortoException bad(String command, String why) {
        return new PortoException(ErrorCode.InvalidCommand, why + ": " + command);
    }
}

package porto.props;

import java.util.List;
import java.util.Map;
import porto.domain.ErrorCode;
import porto.domain.State;

/**
 * The outcome a request must have, worked out from the tree as it was before the request and
 * from the manual's rules, not from the domain's code.
 */
final class Expect {
    private Expect() {}

    /** Commands the generators use, and the argv each must start (null: it must not start). */
    static final Map<String, List<String>> ARGV = Map.ofEntries(
            Map.entry("sleep 1000", List.of("sleep", "1000")),
            Map.entry("'sleep' \"10 00\"", List.of("sleep", "10 00")),
            Map.entry("true", List.of("true")),
            Map.entry("false", List.of("false")),
            Map.entry("deaf", List.of("deaf")),
            Map.entry("stubborn", List.of("stubborn")),
            Map.entry("sleep $PORTO_NAME", List.of("sleep", "$PORTO_NAME")));

    /** How starting a container with this command fails, or Success. */
    static ErrorCode commandOutcome(String command) {
        if (command.isEmpty() || ARGV.containsKey(command))
            return ErrorCode.Success;
        return switch (command) {
            case "__missing --flag" -> ErrorCode.Unknown; // execvpe fails with ENOENT
            case "echo $NOPE", "sleep $(date)", "sleep 1 | cat", "`id`" -> ErrorCode.InvalidCommand;
            default -> throw new AssertionError("no expectation for command " + command);
        };
    }

    static List<String> argv(String command, String container) {
        return ARGV.get(command).stream().map(a -> a.equals("$PORTO_NAME") ? container : a).toList();
    }

    /** Looking a name up: null when it exists (or is the host), else the error. */
    static ErrorCode find(Map<String, World.View> before, String name) {
        if (name.equals("/") || before.containsKey(name))
            return null;
        if (!name.isEmpty() && !name.startsWith("/") && !NameRules.valid(name))
            return ErrorCode.InvalidValue;
        return ErrorCode.ContainerDoesNotExist;
    }

    /** Looking a name up for a change: the host may not be changed. */
    static ErrorCode findForChange(Map<String, World.View> before, String name) {
        if (name.equals("/"))
            return ErrorCode.Permission;
        return find(before, name);
    }

    static ErrorCode create(Map<String, World.View> before, String name) {
        if (!NameRules.valid(name))
            return ErrorCode.InvalidValue;
        if (before.containsKey(name))
            return ErrorCode.ContainerAlreadyExists;
        String parent = NameRules.parent(name);
        if (!parent.equals("/") && !before.containsKey(parent))
            return ErrorCode.ContainerDoesNotExist;
        return ErrorCode.Success;
    }

    /**
     * Starting a stopped container starts its stopped ancestors first, top down; a parent that is
     * paused or dead refuses. The first failure is the answer.
     */
    static ErrorCode startChain(World w, Map<String, World.View> before, String name) {
        String parent = NameRules.parent(name);
        if (!parent.equals("/")) {
            State ps = before.get(parent).state();
            if (ps == State.STOPPED) {
                ErrorCode up = startChain(w, before, parent);
                if (up != ErrorCode.Success)
                    return up;
            } else if (ps != State.RUNNING && ps != State.META) {
                return ErrorCode.InvalidState;
            }
        }
        return commandOutcome(w.get(name, "command"));
    }

    /** Canonical memory_limit for a value, or null when it must be refused. */
    static String memoryLimit(String value) {
        return switch (value) {
            case "0" -> "0";
            case "16M" -> "16777216";
            case "1G" -> "1073741824";
            case "1.5G" -> "1610612736";
            case "2048K" -> "2097152";
            case "100K", "512", "lots", "-1M", "" -> null;
            default -> throw new AssertionError("no expectation for memory_limit " + value);
        };
    }
}

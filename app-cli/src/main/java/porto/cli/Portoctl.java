package porto.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import porto.client.GetOption;
import porto.client.PortoClient;
import porto.client.PortoException;
import porto.client.PropertyDescription;
import porto.client.ValueOrError;
import porto.client.Version;
import porto.client.WaitEvent;
import porto.rpc.Rpc;
import porto.rpc.Rpc.EError;

/**
 * portoctl: the command-line client of portod.
 *
 * <p>{@code portoctl [-t seconds] <command> [argument]...}. Commands, their options and their output
 * follow upstream Porto's portoctl. A failed call prints {@code Can't <what>: <Error> (<message>)} on
 * standard error, and the exit status is the error's numeric code (as upstream does), or 1 for usage
 * errors and for run/exec.
 *
 * <p>Start-up time counts: options are scanned by hand, nothing is reflected upon, and the connection
 * is opened only by commands that need it.
 */
public final class Portoctl {

    static final String CLIENT_TAG = "5.3.15";
    static final String CLIENT_REVISION = "porto-java-0.1.0";

    private static final int EXIT_SUCCESS = 0;
    private static final int EXIT_FAILURE = 1;

    /** name, arguments needed, usage, description, help; in the order help lists them. */
    private static final String[][] COMMANDS = {
        {"create", "1", "<container1> [container2...]", "create container", ""},
        {"destroy", "1", "<container1> [container2...]", "destroy container", ""},
        {"dget", "2", "[-s] [-k] <container> <data>...", "get raw container data", ""},
        {"exec", "1", "[-C] [-T] <container> [properties]",
            "Run command in container with our stdio, wait, destroy container",
            "    -C        keep the container (create a normal one, not a weak one)\n"
            + "    -T        no terminal (the only mode: streams are passed as they are)\n"},
        {"gc", "0", "", "remove all dead containers", ""},
        {"get", "1", "[-n] [-s] [-r] [container|pattern]... [--] [property]...", "get container properties",
            "   -n   non-blocking\n"
            + "   -s   synchronize cached values\n"
            + "   -r   only real values\n"},
        {"help", "0", "[command]", "print help message for command", ""},
        {"kill", "1", "<container> [signal]", "send signal to container", ""},
        {"list", "0", "[-1] [-f] [-r] [-t] [pattern]", "list containers",
            "    -1        only names\n"
            + "    -f        forest\n"
            + "    -r        only running\n"
            + "    -t        only toplevel\n"
            + "\n"
            + "patterns:\n"
            + " \"***\"        all containres\n"
            + " \"*\"          all first level\n"
            + " \"foo*/bar*\"  all matching\n"
            + "\n"},
        {"pause", "1", "<container> [name...]", "pause container", ""},
        {"pget", "2", "[-s] [-k] <container> <property> [property...]", "get raw container property", ""},
        {"raw", "1", "<request>", "send request in text protobuf", ""},
        {"respawn", "1", "<container1> [container2...]", "respawn container", ""},
        {"restart", "1", "<container1> [container2...]", "restart container", ""},
        {"resume", "1", "<container1> [container2...]", "resume container", ""},
        {"run", "1", "[-W] <container> [properties]", "create and start container with given properties",
            "    -W                          wait until container exits\n"},
        {"set", "2", "<container> <property>[=| ]<value>", "set container property", ""},
        {"sort", "0", "[container|pattern... --] [property...]", "print containers sorted by resource usage", ""},
        {"start", "1", "<container1> [container2...]", "start container", ""},
        {"stop", "1", "[-T <seconds>] <container1> [container2...]", "stop container",
            "    -T <seconds> per-container stop timeout\n"},
        {"top", "0", "[-n <count>] [-d <seconds>] [container|pattern...]", "show containers and their resource usage",
            UsageCommands.TOP_HELP},
        {"version", "0", "", "print client and server versions", ""},
        {"wait", "0", "[-A] [-T <seconds>] <container|wildcard> ...",
            "Wait for any listed container change state to dead or meta without running children",
            "    -T <seconds>  timeout\n"
            + "    -t <msec>     timeout, rounded up to seconds\n"
            + "    -S <state>    wait for this state\n"
            + "    -L <label>    wait for label\n"
            + "    -A            async wait\n"},
    };

    private final Console io;
    private final Path socket;
    private Duration timeout;
    private PortoClient client;

    Portoctl(Console io, Path socket) {
        this.io = io;
        this.socket = socket;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command line against {@code $PORTO_SOCKET} (or /run/portod.socket); the exit status. */
    public static int run(String[] args) {
        Console io = Console.system();
        Portoctl ctl = new Portoctl(io, PortoClient.defaultSocket());
        try {
            return ctl.execute(args);
        } catch (RuntimeException e) {
            io.error("portoctl: " + e);
            return EXIT_FAILURE;
        } finally {
            // the socket is left to the exit: closing it explicitly costs start-up-sized milliseconds
            io.flush();
        }
    }

    private PortoClient client() {
        if (client == null) {
            client = PortoClient.connect(socket);
            if (timeout != null) {
                client.setTimeout(timeout);
            }
        }
        return client;
    }

    int execute(String[] argv) {
        int first = 0;
        if (argv.length > first + 1 && argv[first].equals("--disk-timeout")) {
            first += 2;
        }
        if (argv.length > first + 1 && (argv[first].equals("-t") || argv[first].equals("--timeout"))) {
            timeout = parseTimeout(argv[first + 1]);
            first += 2;
        } else if (argv.length > first && argv[first].startsWith("--timeout=")) {
            timeout = parseTimeout(argv[first].substring("--timeout=".length()));
            first += 1;
        }
        if (argv.length <= first) {
            usage();
            return EXIT_FAILURE;
        }
        String name = argv[first];
        if (name.equals("-h") || name.equals("--help")) {
            usage();
            return EXIT_SUCCESS;
        }
        if (name.equals("-v") || name.equals("--version")) {
            return version();
        }
        String[] cmd = find(name);
        if (cmd == null) {
            io.error("Invalid command: " + name);
            return EXIT_FAILURE;
        }
        List<String> args = Arrays.asList(argv).subList(first + 1, argv.length);
        int need = Integer.parseInt(cmd[1]);
        if (args.size() < need || (!args.isEmpty() && isHelpWord(args.get(0)))) {
            commandUsage(cmd);
            return EXIT_FAILURE;
        }
        try {
            return dispatch(name, need, args);
        } catch (Getopt.UsageException e) {
            if (e.getMessage() != null) {
                io.error(e.getMessage());
            }
            usage();
            return EXIT_FAILURE;
        }
    }

    private static Duration parseTimeout(String s) {
        try {
            int seconds = Integer.parseInt(s.trim());
            return seconds > 0 ? Duration.ofSeconds(seconds) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean isHelpWord(String a) {
        return a.equals("-h") || a.equals("--help") || a.equals("help");
    }

    private static String[] find(String name) {
        for (String[] c : COMMANDS) {
            if (c[0].equals(name)) {
                return c;
            }
        }
        return null;
    }

    private int dispatch(String name, int need, List<String> args) throws Getopt.UsageException {
        switch (name) {
            case "create":
                return create(args);
            case "destroy":
                return destroy(args);
            case "dget":
                return rawGet(args, need, true);
            case "exec":
                return exec(args, need);
            case "gc":
                return gc();
            case "get":
                return get(args, need);
            case "help":
                return help(args);
            case "kill":
                return kill(args);
            case "list":
                return list(args, need);
            case "pause":
            case "resume":
            case "respawn":
            case "start":
            case "restart":
                return simple(name, args);
            case "pget":
                return rawGet(args, need, false);
            case "raw":
                return raw(args);
            case "run":
                return run(args, need);
            case "set":
                return set(args);
            case "stop":
                return stop(args, need);
            case "sort":
                return new UsageCommands(this::client, io).sort(args);
            case "top":
                return new UsageCommands(this::client, io).top(args);
            case "version":
                return version();
            case "wait":
                return waitCmd(args, need);
            default:
                io.error("Invalid command: " + name);
                return EXIT_FAILURE;
        }
    }

    /** Options of a command; too few words after them is a usage error, as upstream. */
    private static Getopt options(List<String> args, String spec, int need, boolean keepDashDash)
            throws Getopt.UsageException {
        Getopt g = Getopt.parse(args, spec, keepDashDash);
        if (g.rest.size() < need) {
            throw new Getopt.UsageException(null);
        }
        return g;
    }

    private int fail(String prefix, PortoException e) {
        io.error(Format.error(prefix, e));
        return e.code();
    }

    // ------------------------------------------------------------------ simple commands

    private int create(List<String> args) {
        for (String name : args) {
            try {
                client().create(name);
            } catch (PortoException e) {
                return fail("Can't create container", e);
            }
        }
        return EXIT_SUCCESS;
    }

    private int destroy(List<String> args) {
        int status = EXIT_SUCCESS;
        for (String name : args) {
            try {
                client().destroy(name);
            } catch (PortoException e) {
                status = fail("Can't destroy container", e);
            }
        }
        return status;
    }

    /** start, restart, pause, resume, respawn: the same call on every name, stopping at the first error. */
    private int simple(String command, List<String> args) {
        for (String name : args) {
            String what = command;
            try {
                switch (command) {
                    case "start" -> client().start(name);
                    case "pause" -> client().pause(name);
                    case "resume" -> client().resume(name);
                    case "respawn" -> client().respawn(name);
                    default -> {
                        what = "stop";
                        client().stop(name);
                        what = "start";
                        client().start(name);
                    }
                }
            } catch (PortoException e) {
                return fail("Can't " + what + " container", e);
            }
        }
        return EXIT_SUCCESS;
    }

    private int stop(List<String> args, int need) throws Getopt.UsageException {
        Getopt g = options(args, "T:", need, false);
        long timeoutMs = -1;
        for (Getopt.Opt o : g.options) {
            timeoutMs = parseSeconds(o.arg()) * 1000L;
        }
        for (String name : g.rest) {
            try {
                client().stop(name, timeoutMs);
            } catch (PortoException e) {
                return fail("Can't stop container", e);
            }
        }
        return EXIT_SUCCESS;
    }

    private static int parseSeconds(String s) throws Getopt.UsageException {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new Getopt.UsageException("portoctl: invalid number: " + s);
        }
    }

    private int kill(List<String> args) {
        int signal = Signals.SIGTERM;
        if (args.size() >= 2) {
            Integer parsed = Signals.parse(args.get(1));
            if (parsed == null) {
                io.error("Invalid signal: " + PortoException.describe(EError.InvalidValue_VALUE,
                        "Bad integer value: " + args.get(1)));
                return EXIT_FAILURE;
            }
            signal = parsed;
        }
        try {
            client().kill(args.get(0), signal);
        } catch (PortoException e) {
            return fail("Can't send signal to container", e);
        }
        return EXIT_SUCCESS;
    }

    private int set(List<String> args) {
        String property;
        String value;
        if (args.size() == 2) {
            String[] kv = Props.split(args.get(1));
            if (kv == null) {
                commandUsage(find("set"));
                return EXIT_FAILURE;
            }
            property = kv[0];
            value = kv[1];
        } else {
            property = args.get(1);
            value = String.join(" ", args.subList(2, args.size()));
        }
        try {
            client().setProperty(args.get(0), property, value);
        } catch (PortoException e) {
            return fail("Can't set property", e);
        }
        return EXIT_SUCCESS;
    }

    /** pget and dget: raw values, one per line, or {@code key = value} with -k. */
    private int rawGet(List<String> args, int need, boolean data) throws Getopt.UsageException {
        Getopt g = options(args, "ks", need, false);
        boolean printKey = false;
        boolean sync = false;
        for (Getopt.Opt o : g.options) {
            if (o.key() == 'k') {
                printKey = true;
            } else {
                sync = true;
            }
        }
        GetOption[] flags = sync ? new GetOption[] {GetOption.SYNC} : new GetOption[0];
        String name = g.rest.get(0);
        for (String key : g.rest.subList(1, g.rest.size())) {
            String value;
            try {
                value = data ? client().getData(name, key, flags) : client().getProperty(name, key, flags);
            } catch (PortoException e) {
                return fail(data ? "Can't get data" : "Can't get property", e);
            }
            io.print(valueLine(printKey ? key : null, value));
        }
        return EXIT_SUCCESS;
    }

    private int gc() {
        List<String> names;
        try {
            names = client().list();
        } catch (PortoException e) {
            return fail("Can't list containers", e);
        }
        for (String name : names) {
            if (name.equals("/")) {
                continue;
            }
            String state;
            try {
                state = client().getProperty(name, "state");
            } catch (PortoException e) {
                io.error(Format.error("Can't get container state", e));
                continue;
            }
            if (!state.equals("dead")) {
                continue;
            }
            try {
                client().destroy(name);
            } catch (PortoException e) {
                return fail("Can't destroy container", e);
            }
        }
        return EXIT_SUCCESS;
    }

    private int raw(List<String> args) {
        return RawCommand.run(client(), io, String.join(" ", args));
    }

    // ------------------------------------------------------------------ version and help

    private int version() {
        io.println("client: " + CLIENT_TAG + " " + CLIENT_REVISION);
        Version v;
        try {
            v = client().version();
        } catch (PortoException e) {
            io.error(Format.error("Can't get server version", e));
            return EXIT_FAILURE;
        }
        io.println("server: " + v.tag() + " " + v.revision());
        return EXIT_SUCCESS;
    }

    private int help(List<String> args) {
        if (args.isEmpty()) {
            usage();
            return EXIT_FAILURE;
        }
        String[] cmd = find(args.get(0));
        if (cmd == null) {
            usage();
            return EXIT_FAILURE;
        }
        commandUsage(cmd);
        return EXIT_SUCCESS;
    }

    private void commandUsage(String[] cmd) {
        io.print("Usage: portoctl " + cmd[0] + " " + cmd[2] + "\n\n" + cmd[3] + "\n\n" + cmd[4] + "\n");
    }

    private static int terminalWidth() {
        String columns = System.getenv("COLUMNS");
        if (columns != null) {
            try {
                int n = Integer.parseInt(columns.trim());
                if (n > 20) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // not a number: keep the default
            }
        }
        return 80;
    }

    /** The general help: options, commands, and the daemon's properties if it answers. */
    void usage() {
        int termWidth = terminalWidth();
        StringBuilder sb = new StringBuilder(4096);
        sb.append("Usage: portoctl [option]... <command> [argument]...\n")
                .append('\n')
                .append("Options:\n")
                .append("  -t, --timeout=<seconds>    rpc timeout (default: none)\n")
                .append("  -h, --help\n")
                .append("  -v, --version\n")
                .append('\n')
                .append("Commands:\n");
        List<String> names = new ArrayList<>(COMMANDS.length);
        for (String[] c : COMMANDS) {
            names.add(c[0]);
        }
        int nameWidth = Format.fieldWidth(names, 8);
        for (String[] c : COMMANDS) {
            Format.aligned(sb, c[0], c[3], nameWidth, termWidth);
        }
        sb.append("\nContainer properties:\n");
        io.print(sb);
        List<PropertyDescription> props;
        try {
            props = allProperties();
        } catch (PortoException e) {
            io.error(Format.error("Properties unavailable", e));
            io.print("\n");
            return;
        }
        sb.setLength(0);
        List<String> propNames = new ArrayList<>(props.size());
        for (PropertyDescription p : props) {
            propNames.add(p.name());
        }
        nameWidth = Format.fieldWidth(propNames, 8);
        for (PropertyDescription p : props) {
            Format.aligned(sb, p.name(), p.description(), nameWidth, termWidth);
        }
        sb.append('\n');
        io.print(sb);
    }

    /** The property list, plus the data list when the daemon keeps read-only properties apart. */
    private List<PropertyDescription> allProperties() {
        List<PropertyDescription> props = new ArrayList<>(client().propertyList());
        boolean hasData = false;
        for (PropertyDescription p : props) {
            hasData |= p.readOnly();
        }
        if (!hasData) {
            props.addAll(client().dataList());
        }
        return props;
    }

    // ------------------------------------------------------------------ get

    private int get(List<String> args, int need) throws Getopt.UsageException {
        Getopt g = options(args, "nsr", need, true);
        List<GetOption> flags = new ArrayList<>(3);
        for (Getopt.Opt o : g.options) {
            flags.add(o.key() == 'n' ? GetOption.NONBLOCK : o.key() == 's' ? GetOption.SYNC : GetOption.REAL);
        }
        List<String> rest = g.rest;
        int sep = rest.indexOf("--");
        List<String> names;
        List<String> vars;
        if (sep == 0) {
            names = List.of("***");
            vars = rest.subList(1, rest.size());
        } else if (sep > 0) {
            names = rest.subList(0, sep);
            vars = rest.subList(sep + 1, rest.size());
        } else {
            names = rest.subList(0, 1);
            vars = rest.subList(1, rest.size());
        }

        boolean all = vars.isEmpty();
        boolean printKey = all || vars.size() > 1;
        if (all) {
            List<PropertyDescription> props;
            try {
                props = allProperties();
            } catch (PortoException e) {
                io.error(Format.error("Can't list properties", e));
                return EXIT_FAILURE;
            }
            List<String> list = new ArrayList<>(props.size());
            for (PropertyDescription p : props) {
                list.add(p.name());
            }
            Collections.sort(list);
            vars = list;
        }

        Map<String, Map<String, ValueOrError>> result;
        try {
            result = client().get(names, vars, flags.toArray(new GetOption[0]));
        } catch (PortoException e) {
            return fail("Can't get containers' data", e);
        }
        List<String> containers = new ArrayList<>(result.keySet());
        Collections.sort(containers);
        boolean multi = containers.size() > 1;
        int status = EXIT_SUCCESS;
        for (String ct : containers) {
            Map<String, ValueOrError> data = result.get(ct);
            if (multi) {
                io.println(ct + ":");
            }
            for (String key : vars) {
                ValueOrError v = data.get(key);
                if (v != null && v.isError()) {
                    if (!all || key.equals("state")) {
                        io.error(Format.error("Can't get " + key,
                                new PortoException(v.code(), v.errorMessage())));
                        status = EXIT_FAILURE;
                    }
                    continue;
                }
                String value = v == null ? "" : v.value();
                if (value.isEmpty() && all) {
                    continue;
                }
                value = humanGetValue(key, value, all);
                io.print(valueLine(printKey ? key : null, value));
            }
            if (multi) {
                io.println("");
            }
        }
        return status;
    }

    /**
     * A value on its own line, or {@code key = value}; a value that already ends with a newline (stdout,
     * stderr) gets no second one.
     */
    public static String valueLine(String key, String value) {
        String line = key == null ? value : key + " = " + value;
        return line.endsWith("\n") ? line : line + "\n";
    }

    /**
     * How {@code get} shows a value: when listing everything, sizes and times are made readable as
     * upstream does; asked for by name, only exit_status is spelled out and the rest stays raw.
     */
    public static String humanGetValue(String key, String value, boolean all) {
        if (all) {
            return Format.humanValue(key, value);
        }
        return key.equals("exit_status") ? Format.exitStatus(value) : value;
    }

    // ------------------------------------------------------------------ list

    private int list(List<String> args, int need) throws Getopt.UsageException {
        Getopt g = options(args, "1ftr", need, false);
        boolean details = true;
        boolean forest = false;
        boolean toplevel = false;
        boolean running = false;
        for (Getopt.Opt o : g.options) {
            switch (o.key()) {
                case '1' -> details = false;
                case 'f' -> forest = true;
                case 't' -> toplevel = true;
                default -> running = true;
            }
        }
        String mask = g.rest.isEmpty() ? null : g.rest.get(0);
        List<String> names;
        try {
            names = client().list(mask);
        } catch (PortoException e) {
            return fail("Can't list containers", e);
        }
        if (names.isEmpty()) {
            return EXIT_SUCCESS;
        }
        List<String> display = new ArrayList<>(names.size());
        for (String n : names) {
            display.add(forest ? Format.forestName(n) : n);
        }
        Map<String, Map<String, ValueOrError>> result;
        try {
            result = client().get(names, List.of("state", "time"));
        } catch (PortoException e) {
            return fail("Can't get containers' data", e);
        }
        int nameWidth = Format.fieldWidth(display, 8);
        for (int i = 0; i < names.size(); i++) {
            String ct = names.get(i);
            if (ct.equals("/")) {
                continue;
            }
            Map<String, ValueOrError> data = result.get(ct);
            ValueOrError state = data == null ? null : data.get("state");
            if (state == null) {
                state = ValueOrError.ofValue("");
            }
            if (state.code() == EError.ContainerDoesNotExist_VALUE) {
                continue;
            }
            if (toplevel && ct.indexOf('/') >= 0) {
                continue;
            }
            String stateValue = state.isError() ? "" : state.value();
            if (running && !stateValue.equals("running")) {
                continue;
            }
            if (!details) {
                io.println(display.get(i));
                continue;
            }
            String stateText = state.code() == EError.Busy_VALUE ? "busy"
                    : state.isError() ? state.errorMessage() : stateValue;
            ValueOrError time = data == null ? null : data.get("time");
            String timeText = null;
            boolean showTime = stateValue.equals("running") || stateValue.equals("meta")
                    || stateValue.equals("dead");
            if (showTime && time != null && !time.isError()) {
                timeText = Format.humanValue("time", time.value());
            }
            io.println(Format.listLine(display.get(i), nameWidth, stateText, timeText));
        }
        return EXIT_SUCCESS;
    }

    // ------------------------------------------------------------------ wait

    private int waitCmd(List<String> args, int need) throws Getopt.UsageException {
        Getopt g = options(args, "t:T:S:L:A", need, false);
        long timeoutMs = -1;
        boolean async = false;
        List<String> labels = new ArrayList<>();
        String targetState = null;
        for (Getopt.Opt o : g.options) {
            switch (o.key()) {
                case 't' -> timeoutMs = ((parseSeconds(o.arg()) + 999L) / 1000L) * 1000L;
                case 'T' -> timeoutMs = parseSeconds(o.arg()) * 1000L;
                case 'S' -> targetState = o.arg();
                case 'L' -> labels.add(o.arg());
                default -> async = true;
            }
        }
        List<String> containers = g.rest;
        if (async) {
            return asyncWait(containers.isEmpty() ? List.of("***") : containers, labels, timeoutMs,
                    targetState);
        }
        if (containers.isEmpty()) {
            commandUsage(find("wait"));
            return EXIT_FAILURE;
        }
        WaitEvent event;
        try {
            event = client().wait(containers, labels, timeoutMs, targetState);
        } catch (PortoException e) {
            return fail("Can't wait for containers", e);
        }
        if (event == null) {
            io.error("timeout");
        } else {
            io.println(event.name());
        }
        return EXIT_SUCCESS;
    }

    private int asyncWait(List<String> containers, List<String> labels, long timeoutMs, String targetState) {
        try {
            client().asyncWait(containers, labels, timeoutMs, targetState);
        } catch (PortoException e) {
            return fail("Can't wait for containers", e);
        }
        while (true) {
            WaitEvent event;
            try {
                event = client().nextEvent(-1);
            } catch (PortoException e) {
                return fail("Can't wait for containers", e);
            }
            if (event == null) {
                return EXIT_SUCCESS;
            }
            StringBuilder line = new StringBuilder(64)
                    .append(Format.localTime(event.when())).append(' ')
                    .append(event.state()).append('\t').append(event.name());
            if (!event.label().isEmpty()) {
                line.append('\t').append(event.label()).append(" = ").append(event.value());
            }
            io.println(line.toString());
            io.flush();
            if (event.state().equals("timeout") || targetState != null) {
                return EXIT_SUCCESS;
            }
        }
    }

    // ------------------------------------------------------------------ run and exec

    private int run(List<String> args, int need) throws Getopt.UsageException {
        Getopt g = options(args, "W", need, false);
        Launch launch = new Launch(g.rest.get(0));
        launch.wait = !g.options.isEmpty();
        if (!launch.parse(g.rest.subList(1, g.rest.size()))) {
            return EXIT_FAILURE;
        }
        return launch.launch() ? EXIT_SUCCESS : EXIT_FAILURE;
    }

    private int exec(List<String> args, int need) throws Getopt.UsageException {
        Getopt g = options(args, "CT", need, false);
        Launch launch = new Launch(g.rest.get(0));
        launch.weak = true;
        launch.forwardStreams = true;
        launch.wait = true;
        for (Getopt.Opt o : g.options) {
            if (o.key() == 'C') {
                launch.weak = false;
            }
        }
        if (!launch.parse(g.rest.subList(1, g.rest.size()))) {
            return EXIT_FAILURE;
        }
        boolean hasCommand = false;
        for (Map.Entry<String, String> kv : launch.properties.entrySet()) {
            if (kv.getKey().equals("command")) {
                hasCommand = true;
                if (kv.getValue().isBlank()) {
                    io.error("Exec with empty command is not supported");
                    return EXIT_FAILURE;
                }
            }
            if (kv.getKey().startsWith("command_argv")) {
                hasCommand = true;
            }
        }
        if (!hasCommand) {
            launch.properties.put("command", "/bin/bash");
        }
        if (!launch.launch()) {
            return EXIT_FAILURE;
        }
        if (launch.weak) {
            launch.cleanup();
        }
        String message = exitMessage(launch.exitStatus, launch.oomKilled);
        if (message != null) {
            io.error(message);
        }
        return exitCode(launch.exitStatus, launch.oomKilled);
    }

    /** What exec says about a container's end on stderr, or null for a clean exit. */
    public static String exitMessage(int status, boolean oomKilled) {
        if (oomKilled) {
            return "Container killed by OOM";
        }
        int signal = status & 0x7f;
        if (signal != 0 && signal != 0x7f) {
            return "Container killed by signal: " + signal + " (" + Signals.describe(signal) + ")";
        }
        int code = (status >> 8) & 0xff;
        if (signal == 0 && code != 0) {
            return "Container exit code: " + code;
        }
        return null;
    }

    /** exec's own exit status: the container's exit code, or 128 + the signal that killed it. */
    public static int exitCode(int status, boolean oomKilled) {
        if (oomKilled) {
            return 128 + Signals.SIGKILL;
        }
        int signal = status & 0x7f;
        if (signal != 0 && signal != 0x7f) {
            return 128 + signal;
        }
        return signal == 0 ? (status >> 8) & 0xff : EXIT_SUCCESS;
    }

    /** One run or exec: create, configure, start, maybe wait; undo the creation if a step fails. */
    private final class Launch {
        final String name;
        final Map<String, String> properties = new LinkedHashMap<>();
        boolean weak;
        boolean forwardStreams;
        boolean wait;
        boolean created;
        int exitStatus;
        boolean oomKilled;

        Launch(String name) {
            this.name = name;
        }

        /** Collects {@code key=value} arguments; several {@code env=} are merged. */
        boolean parse(List<String> args) {
            for (String arg : args) {
                String[] kv = Props.split(arg);
                if (kv == null) {
                    io.error("Can't set property: "
                            + PortoException.describe(EError.InvalidValue_VALUE, "Invalid value: " + arg));
                    return false;
                }
                String previous = properties.get(kv[0]);
                if (kv[0].equals("env") && previous != null && !previous.isEmpty()) {
                    properties.put("env", previous.endsWith(";") ? previous + " " + kv[1] : previous + "; " + kv[1]);
                } else {
                    properties.put(kv[0], kv[1]);
                }
            }
            return true;
        }

        boolean launch() {
            try {
                if (weak) {
                    client().createWeak(name);
                } else {
                    client().create(name);
                }
            } catch (PortoException e) {
                io.error(Format.error("Can't create container", e));
                return false;
            }
            created = true;
            String step = "set property";
            try {
                if (forwardStreams) {
                    String[] streams = {"stdin_path", "stdout_path", "stderr_path"};
                    for (int fd = 0; fd < 3; fd++) {
                        if (!properties.containsKey(streams[fd])) {
                            client().setProperty(name, streams[fd], "/dev/fd/" + fd);
                        }
                    }
                }
                for (Map.Entry<String, String> kv : properties.entrySet()) {
                    client().setProperty(name, kv.getKey(), kv.getValue());
                }
                step = "start container";
                client().start(name);
                if (wait) {
                    step = "wait for containers";
                    client().waitContainers(List.of(name), -1);
                    step = "get exit_status";
                    String status = client().getProperty(name, "exit_status");
                    try {
                        exitStatus = Integer.parseInt(status.trim());
                    } catch (NumberFormatException e) {
                        exitStatus = 0;
                    }
                    try {
                        oomKilled = client().getProperty(name, "oom_killed").equals("true");
                    } catch (PortoException e) {
                        oomKilled = false;
                    }
                }
            } catch (PortoException e) {
                io.error(Format.error("Can't " + step, e));
                cleanup();
                return false;
            }
            return true;
        }

        void cleanup() {
            if (!created) {
                return;
            }
            created = false;
            try {
                client().destroy(name);
            } catch (PortoException e) {
                io.error(Format.error("Can't destroy container " + name, e));
            }
        }
    }
}

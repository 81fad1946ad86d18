package porto.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import porto.client.PortoClient;
import porto.client.PortoClientException;
import porto.client.PropertyDescription;
import porto.client.Version;
import porto.protocol.Release;

/**
 * portoctl: the command-line client of portod.
 *
 * <p>{@code portoctl [-t seconds] <command> [argument]...}. Commands, their options and their output
 * follow upstream Porto's portoctl. A failed call prints {@code Can't <what>: <Error> (<message>)} on
 * standard error, and the exit status is the error's numeric code (as upstream does), or 1 for usage
 * errors and for run/exec.
 *
 * <p>This class reads the global options, dispatches, and prints help and the version; the commands
 * live in {@link ChangeCommands}, {@link ReadCommands}, {@link RunCommands}, {@link UsageCommands} and
 * {@link RawCommand}, so a command loads only its own group.
 *
 * <p>Start-up time counts: options are scanned by hand, nothing is reflected upon, and the connection
 * is opened only by commands that need it.
 */
public final class Portoctl {

    static final int EXIT_SUCCESS = 0;
    static final int EXIT_FAILURE = 1;

    /** name, arguments needed, usage, description, help; in the order help lists them. */
    private static final String[][] COMMANDS = {
        {"attach", "2", "[-t] <container> <pid> [comm]", "move process or thread into container",
            "    -t        only this thread\n"},
        {"create", "1", "<container1> [container2...]", "create container", ""},
        {"destroy", "1", "<container1> [container2...]", "destroy container", ""},
        {"dget", "2", "[-s] [-k] <container> <data>...", "get raw container data", ""},
        {"exec", "1", "[-C] [-T] [-L layer]... <container> [properties]",
            "Execute command in container, forward terminal, destroy container at the end, exit - ^X^X",
            "    -C                          keep the container (create a normal one, not a weak one)\n"
            + "    -T                          no terminal: pass our stdin, stdout and stderr as they are\n"
            + "    -L layer|dir|tarball        add lower layer (-L top ... -L bottom)\n"},
        {"find", "1", "<pid> [comm]", "find container for given process id", ""},
        {"gc", "0", "", "remove all dead containers", ""},
        {"get", "1", "[-n] [-s] [-r] [container|pattern]... [--] [property]...", "get container properties",
            "   -n   non-blocking\n"
            + "   -s   synchronize cached values\n"
            + "   -r   only real values\n"},
        {"help", "0", "[command]", "print help message for command", ""},
        {"kill", "1", "<container> [signal]", "send signal to container", ""},
        {"layer", "0", LayerCommands.LAYER_USAGE, "Manage overlayfs layers in internal storage", LayerCommands.LAYER_HELP},
        {"list", "0", "[-1] [-f] [-r] [-t] [-L label[=value]] [pattern]", "list containers",
            "    -1        only names\n"
            + "    -f        forest\n"
            + "    -r        only running\n"
            + "    -t        only toplevel\n"
            + "    -L        only with label\n"
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
        {"shell", "1", "[-u <user>] [-g <group>] <container> [command] [argument]...",
            "start shell (default /bin/bash) in container, exit - ^X^X", ""},
        {"sort", "0", "[container|pattern... --] [property...]", "print containers sorted by resource usage", ""},
        {"start", "1", "<container1> [container2...]", "start container", ""},
        {"stop", "1", "[-T <seconds>] <container1> [container2...]", "stop container",
            "    -T <seconds> per-container stop timeout\n"},
        {"storage", "0", LayerCommands.STORAGE_USAGE, "Manage internal persistent volume storage", LayerCommands.STORAGE_HELP},
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

    final Console io;
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

    PortoClient client() {
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

    static String[] find(String name) {
        for (String[] c : COMMANDS) {
            if (c[0].equals(name)) {
                return c;
            }
        }
        for (String[] c : VolumeCommands.COMMANDS) {
            if (c[0].equals(name)) {
                return c;
            }
        }
        return null;
    }

    private int dispatch(String name, int need, List<String> args) throws Getopt.UsageException {
        switch (name) {
            case "attach":
                return new ProcessCommands(this).attach(args, need);
            case "create":
                return new ChangeCommands(this).create(args);
            case "destroy":
                return new ChangeCommands(this).destroy(args);
            case "dget":
                return new ReadCommands(this).rawGet(args, need, true);
            case "exec":
                return new RunCommands(this).exec(args, need);
            case "find":
                return new ProcessCommands(this).find(args);
            case "gc":
                return new ChangeCommands(this).gc();
            case "get":
                return new ReadCommands(this).get(args, need);
            case "help":
                return help(args);
            case "kill":
                return new ChangeCommands(this).kill(args);
            case "layer":
                return new LayerCommands(this).layer(args);
            case "list":
                return new ReadCommands(this).list(args, need);
            case "pause":
            case "resume":
            case "respawn":
            case "start":
            case "restart":
                return new ChangeCommands(this).simple(name, args);
            case "pget":
                return new ReadCommands(this).rawGet(args, need, false);
            case "raw":
                return raw(args);
            case "run":
                return new RunCommands(this).run(args, need);
            case "set":
                return new ChangeCommands(this).set(args);
            case "shell":
                return new RunCommands(this).shell(args, need);
            case "stop":
                return new ChangeCommands(this).stop(args, need);
            case "storage":
                return new LayerCommands(this).storage(args);
            case "sort":
                return new UsageCommands(this::client, io).sort(args);
            case "top":
                return new UsageCommands(this::client, io).top(args);
            case "version":
                return version();
            case "vcreate":
                return new VolumeCommands(this).create(args);
            case "vlink":
                return new VolumeCommands(this).link(args, need);
            case "vlist":
                return new VolumeCommands(this).list(args, need);
            case "vtune":
                return new VolumeCommands(this).tune(args);
            case "vunlink":
                return new VolumeCommands(this).unlink(args, need);
            case "wait":
                return new RunCommands(this).waitCmd(args, need);
            default:
                io.error("Invalid command: " + name);
                return EXIT_FAILURE;
        }
    }

    // ------------------------------------------------------------------ shared by the command groups

    /** Options of a command; too few words after them is a usage error, as upstream. */
    static Getopt options(List<String> args, String spec, int need, boolean keepDashDash)
            throws Getopt.UsageException {
        Getopt g = Getopt.parse(args, spec, keepDashDash);
        if (g.rest.size() < need) {
            throw new Getopt.UsageException(null);
        }
        return g;
    }

    int fail(String prefix, PortoClientException e) {
        io.error(Format.error(prefix, e));
        return e.code();
    }

    static int parseSeconds(String s) throws Getopt.UsageException {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new Getopt.UsageException("portoctl: invalid number: " + s);
        }
    }

    private int raw(List<String> args) {
        return RawCommand.run(client(), io, String.join(" ", args));
    }

    // ------------------------------------------------------------------ version and help

    private int version() {
        io.println("client: " + Release.TAG + " " + Release.REVISION);
        Version v;
        try {
            v = client().version();
        } catch (PortoClientException e) {
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

    void commandUsage(String[] cmd) {
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
        List<String[]> all = new ArrayList<>(Arrays.asList(COMMANDS));
        all.addAll(Arrays.asList(VolumeCommands.COMMANDS));
        all.sort((a, b) -> a[0].compareTo(b[0]));
        List<String> names = new ArrayList<>(all.size());
        for (String[] c : all) {
            names.add(c[0]);
        }
        int nameWidth = Format.fieldWidth(names, 8);
        for (String[] c : all) {
            Format.aligned(sb, c[0], c[3], nameWidth, termWidth);
        }
        sb.append("\nContainer properties:\n");
        io.print(sb);
        List<PropertyDescription> props;
        try {
            props = allProperties();
        } catch (PortoClientException e) {
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
    List<PropertyDescription> allProperties() {
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

    // ------------------------------------------------------------------ output rules, public for the unit tests

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
}

package porto.cli;

import static porto.cli.Portoctl.EXIT_FAILURE;
import static porto.cli.Portoctl.EXIT_SUCCESS;
import static porto.cli.Portoctl.exitCode;
import static porto.cli.Portoctl.exitMessage;
import static porto.cli.Portoctl.options;
import static porto.cli.Portoctl.parseSeconds;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import porto.client.PortoClientException;
import porto.client.WaitEvent;
import porto.rpc.Rpc.EError;

/** The commands that start containers or wait for them: run, exec and wait. */
final class RunCommands extends CommandGroup {
    RunCommands(Portoctl ctl) {
        super(ctl);
    }

    // ------------------------------------------------------------------ wait

    int waitCmd(List<String> args, int need) throws Getopt.UsageException {
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
            ctl.commandUsage(Portoctl.find("wait"));
            return EXIT_FAILURE;
        }
        WaitEvent event;
        try {
            event = client().wait(containers, labels, timeoutMs, targetState);
        } catch (PortoClientException e) {
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
        } catch (PortoClientException e) {
            return fail("Can't wait for containers", e);
        }
        while (true) {
            WaitEvent event;
            try {
                event = client().nextEvent(-1);
            } catch (PortoClientException e) {
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
            } else if (event.state().equals("dead")) {
                String exitCode = exitCodeOf(event.name());
                if (exitCode != null)
                    line.append('\t').append("exit_code = ").append(exitCode);
            }
            io.println(line.toString());
            io.flush();
            if (event.state().equals("timeout") || targetState != null) {
                return EXIT_SUCCESS;
            }
        }
    }

    /** A dead container's exit_code, read after its event; null when it is gone already. */
    private String exitCodeOf(String name) {
        try {
            return client().getProperty(name, "exit_code");
        } catch (PortoClientException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ run and exec

    int run(List<String> args, int need) throws Getopt.UsageException {
        Getopt g = options(args, "W", need, false);
        Launch launch = new Launch(g.rest.get(0));
        launch.wait = !g.options.isEmpty();
        if (!launch.parse(g.rest.subList(1, g.rest.size()))) {
            return EXIT_FAILURE;
        }
        return launch.launch() ? EXIT_SUCCESS : EXIT_FAILURE;
    }

    int exec(List<String> args, int need) throws Getopt.UsageException {
        Getopt g = options(args, "CTL:", need, false);
        Launch launch = new Launch(g.rest.get(0));
        launch.weak = true;
        launch.forwardTerminal = true;
        launch.forwardStreams = true;
        launch.wait = true;
        for (Getopt.Opt o : g.options) {
            switch (o.key()) {
                case 'C' -> launch.weak = false;
                case 'T' -> launch.forwardTerminal = false;
                default -> {
                    io.error("Cannot start container: " + PortoClientException.describe(EError.NotSupported_VALUE,
                            "exec -L " + o.arg() + ": layers need volumes, which this portoctl does not make yet"));
                    return EXIT_FAILURE;
                }
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

    // ------------------------------------------------------------------ shell

    /**
     * {@code shell [-u user] [-g group] <container> [command] [argument]...}: an interactive command
     * (bash by default) in a weak child of the container that shares its namespaces, on a terminal,
     * as upstream's: the child is named {@code <container>/shell-<user>-<pid>} and gone at the end.
     */
    int shell(List<String> args, int need) throws Getopt.UsageException {
        Getopt g = options(args, "u:g:", need, false);
        String user = "";
        String group = "";
        for (Getopt.Opt o : g.options) {
            if (o.key() == 'u') {
                user = o.arg();
            } else {
                group = o.arg();
            }
        }
        String parent = g.rest.get(0);
        String command = g.rest.size() > 1 ? String.join(" ", g.rest.subList(1, g.rest.size())) : "/bin/bash";
        String me = firstSet(System.getenv("SUDO_USER"), System.getenv("USER"), "unknown");
        long pid = ProcessHandle.current().pid();
        String name = parent + "/shell-" + me + "-" + pid;
        if (name.length() > 200) {
            name = parent + "/shell-" + pid;
        }
        Launch launch = new Launch(name);
        launch.weak = true;
        launch.forwardTerminal = true;
        launch.forwardStreams = true;
        launch.wait = true;
        launch.properties.put("command", command);
        launch.properties.put("isolate", "false");
        launch.properties.put("private", "portoctl shell by " + me);
        String chroot = parent.length() <= 50 ? parent
                : parent.substring(0, 24) + ".." + parent.substring(parent.length() - 24);
        launch.properties.put("env", "debian_chroot=" + chroot + "; PORTO_SHELL_NAME=" + parent
                + "; PORTO_SHELL_USER=" + me);
        if (!user.isEmpty()) {
            if (user.equals("root")) {
                launch.properties.put("virt_mode", "os");
                launch.properties.put("net", "inherited");
            } else {
                launch.properties.put("user", user);
            }
            if (group.isEmpty()) {
                group = primaryGroup(user);
                if (group == null) {
                    io.error("Cannot determine '" + user + "' primary group");
                    return EXIT_FAILURE;
                }
            }
        }
        if (!group.isEmpty() && !(user.equals("root") && group.equals("root"))) {
            launch.properties.put("group", group);
        }
        if (!launch.launch()) {
            return EXIT_FAILURE;
        }
        launch.cleanup();
        String message = exitMessage(launch.exitStatus, launch.oomKilled);
        if (message != null) {
            io.error(message);
        }
        return exitCode(launch.exitStatus, launch.oomKilled);
    }

    private static String firstSet(String... values) {
        for (String v : values) {
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return "";
    }

    /** {@code id -gn USER}, or null when it fails. */
    private static String primaryGroup(String user) {
        try {
            Process p = new ProcessBuilder("id", "-gn", user).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            return p.waitFor() == 0 && !out.isEmpty() ? out : null;
        } catch (java.io.IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Whether standard input is a terminal, read from /proc rather than asked of libc: {@link Terminal}
     * links native functions when loaded, which only a terminal session should pay for.
     */
    static boolean stdinIsTerminal() {
        try {
            String target = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/0")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** One run or exec: create, configure, start, maybe wait; undo the creation if a step fails. */
    private final class Launch {
        final String name;
        final Map<String, String> properties = new LinkedHashMap<>();
        boolean weak;
        boolean forwardTerminal;
        Terminal terminal;
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
                            + PortoClientException.describe(EError.InvalidValue_VALUE, "Invalid value: " + arg));
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
            } catch (PortoClientException e) {
                io.error(Format.error("Can't create container", e));
                return false;
            }
            created = true;
            String step = "set property";
            try {
                if (forwardStreams) {
                    passStreams();
                }
                for (Map.Entry<String, String> kv : properties.entrySet()) {
                    client().setProperty(name, kv.getKey(), kv.getValue());
                }
                step = "start container";
                client().start(name);
                if (terminal != null) {
                    try {
                        if (terminal.forward()) {
                            wait = false; // ^X^X: leave the container to its fate (a weak one is destroyed)
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
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
                    } catch (PortoClientException e) {
                        oomKilled = false;
                    }
                }
            } catch (PortoClientException e) {
                io.error(Format.error("Can't " + step, e));
                cleanup();
                return false;
            } catch (IllegalStateException e) { // the terminal could not be made
                io.error("Cannot start container: " + e.getMessage());
                cleanup();
                return false;
            }
            return true;
        }

        /**
         * Our terminal's own pseudo-terminal when standard input is a terminal and that is asked for
         * (with TERM), else our stdin, stdout and stderr as they are, where not set otherwise.
         */
        private void passStreams() {
            if (forwardTerminal && stdinIsTerminal()) {
                terminal = Terminal.open();
                String tty = "/dev/fd/" + terminal.slave();
                for (String stream : new String[] {"stdin_path", "stdout_path", "stderr_path"}) {
                    client().setProperty(name, stream, tty);
                }
                String term = System.getenv("TERM");
                String env = properties.getOrDefault("env", "");
                if (!env.matches("(?s)(.*;)?\\s*TERM=.*")) {
                    String mine = "TERM=" + (term == null || term.isEmpty() ? "xterm" : term);
                    properties.put("env", env.isEmpty() ? mine : env + "; " + mine);
                }
                return;
            }
            String[] streams = {"stdin_path", "stdout_path", "stderr_path"};
            for (int fd = 0; fd < 3; fd++) {
                if (!properties.containsKey(streams[fd])) {
                    client().setProperty(name, streams[fd], "/dev/fd/" + fd);
                }
            }
        }

        void cleanup() {
            if (terminal != null) {
                terminal.close();
            }
            if (!created) {
                return;
            }
            created = false;
            try {
                client().destroy(name);
            } catch (PortoClientException e) {
                io.error(Format.error("Can't destroy container " + name, e));
            }
        }
    }
}

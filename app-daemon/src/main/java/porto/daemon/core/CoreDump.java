package porto.daemon.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import porto.client.PortoClient;
import porto.client.PortoClientException;
import porto.rpc.Rpc;

/**
 * "portod core": run by the kernel (kernel.core_pattern, see {@link CorePattern}) as root with a core
 * dump on its standard input. As upstream: it finds the container of the crashed thread, counts the
 * dump in the labels CORE.total (and CORE.dumped when it was taken) of it and its ancestors, and
 * hands the dump to the container's core_command, run as a weak child {@code <ct>/core-<pid>} with
 * the core on its standard input and CORE_* variables; a dump nobody takes is saved next to
 * core.default_pattern when there is one, else dropped.
 */
public final class CoreDump {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");

    /** The kernel's arguments (see {@link CorePattern#ARGUMENTS}) and upstream's trailing default pattern. */
    record Crash(int pid, int tid, int vpid, int vtid, int signal, int dumpable, long ulimit, int uid, int gid,
                 String defaultPattern) {
        static Crash parse(List<String> args) {
            if (args.size() < 9)
                throw new IllegalArgumentException("should be executed via sysctl kernel.core_pattern");
            String pattern = String.join("", args.subList(9, args.size())).replace("__SPACE__", " ");
            return new Crash(Integer.parseInt(args.get(0)), Integer.parseInt(args.get(1)), Integer.parseInt(args.get(2)),
                    Integer.parseInt(args.get(3)), Integer.parseInt(args.get(4)), Integer.parseInt(args.get(5)),
                    Long.parseUnsignedLong(args.get(6)), Integer.parseInt(args.get(7)), Integer.parseInt(args.get(8)), pattern);
        }
    }

    /** What the crashed container says about itself; the host ("/") has no core_command. */
    record Target(String container, String command, String user, String group, String ownerUser, String ownerGroup,
                  String cwd, String state, String rootPath) {
        static final Target HOST = new Target("/", "", "", "", "", "", "/", "meta", "/");
    }

    /** Whose the core is: the container's owner, as upstream; the crashed task's user and group on the host. */
    private int ownerUid, ownerGid;

    private final Crash crash;
    private final Path socket;
    private final long timeoutS;
    private final String processName;
    private final String threadName;
    private final String exeName;

    CoreDump(Crash crash, Path socket, long timeoutS) {
        this.crash = crash;
        this.socket = socket;
        this.timeoutS = timeoutS;
        this.processName = comm(crash.pid());
        this.threadName = comm(crash.tid());
        this.exeName = exeName(crash.tid(), processName);
        this.ownerUid = crash.uid();
        this.ownerGid = crash.gid();
    }

    /** The command's entry: 0 when the dump was dealt with (taken, saved or rightly dropped), else 1. */
    public static int run(List<String> args, Path socket, long timeoutS) {
        Crash crash;
        try {
            crash = Crash.parse(args);
        } catch (RuntimeException e) {
            System.err.println("portod core: " + (e instanceof NumberFormatException ? "bad argument: " : "") + e.getMessage());
            return 1;
        }
        try {
            Files.writeString(Path.of("/proc/self/comm"), "portod-core");
        } catch (IOException e) {
            // only the name in ps
        }
        return new CoreDump(crash, socket, timeoutS).handle() ? 0 : 1;
    }

    boolean handle() {
        log("core of " + exeName + " pid " + crash.pid() + ":" + processName + " thread " + crash.tid() + ":" + threadName
                + " signal " + crash.signal() + " dumpable " + crash.dumpable() + " ulimit " + Long.toUnsignedString(crash.ulimit()));
        try (PortoClient client = connect()) {
            Target target = identify(client);
            if (target != Target.HOST) {
                ownerUid = idOf(Path.of("/etc/passwd"), target.ownerUser());
                ownerGid = idOf(Path.of("/etc/group"), target.ownerGroup());
            }
            for (String name : lineage(target.container()))
                incLabel(client, name, "CORE.total");
            String command = target.command();
            // Protects set-uid programs of the host, as upstream: no command gets their memory.
            if (crash.dumpable() != 1 && target.rootPath().equals("/"))
                command = "";
            if (crash.ulimit() == 0 || (crash.dumpable() == 0 && command.isEmpty())) {
                log("ignored: core of " + target.container() + " (ulimit " + Long.toUnsignedString(crash.ulimit()) + ", dumpable " + crash.dumpable() + ")");
                return true;
            }
            boolean taken = false;
            if (!command.isEmpty() && (target.state().equals("running") || target.state().equals("meta"))) {
                try {
                    forward(client, target, command);
                    taken = true;
                } catch (RuntimeException e) {
                    log("cannot forward the core of " + target.container() + ": " + e.getMessage());
                }
            }
            if (!taken && !crash.defaultPattern().isEmpty()) {
                try {
                    new CoreFiles(crash, exeName, ownerUid, ownerGid).save(target.container(), System.in);
                    taken = true;
                } catch (IOException e) {
                    log("cannot save the core of " + target.container() + ": " + e.getMessage());
                    return false;
                }
            }
            if (taken)
                for (String name : lineage(target.container()))
                    incLabel(client, name, "CORE.dumped");
            else
                log("dropped: core of " + target.container() + " (no core_command, no core.default_pattern)");
            return true;
        }
    }

    private PortoClient connect() {
        try {
            return PortoClient.connect(socket);
        } catch (RuntimeException e) {
            log("portod does not answer on " + socket + ": " + e.getMessage());
            return null;
        }
    }

    /** The container of the crashed thread (the others are zombies already), as the daemon locates it. */
    private Target identify(PortoClient client) {
        if (client == null)
            return Target.HOST;
        try {
            String name = client.call(Rpc.TContainerRequest.newBuilder().setLocateProcess(Rpc.TLocateProcessRequest.newBuilder()
                    .setPid(crash.tid()).setComm(threadName)).build()).getLocateProcess().getName();
            if (name.equals("/") || name.equals("self"))
                return Target.HOST;
            String command;
            try {
                command = client.getProperty(name, "core_command");
            } catch (PortoClientException e) {
                command = ""; // core dumps not enabled in the daemon: nobody takes them
            }
            return new Target(name, command, client.getProperty(name, "user"), client.getProperty(name, "group"),
                    client.getProperty(name, "owner_user"), client.getProperty(name, "owner_group"),
                    client.getProperty(name, "cwd"), client.getProperty(name, "state"), client.getProperty(name, "root_path"));
        } catch (PortoClientException e) {
            log("cannot identify the container of thread " + crash.tid() + ": " + e.getMessage());
            return Target.HOST;
        }
    }

    /** Runs core_command in a weak child of the crashed container with the dump on its stdin; waits at most core.timeout_s. */
    private void forward(PortoClient client, Target target, String command) {
        String core = target.container() + "/core-" + crash.pid();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CORE_PID", Integer.toString(crash.vpid()));
        env.put("CORE_TID", Integer.toString(crash.vtid()));
        env.put("CORE_SIG", Integer.toString(crash.signal()));
        env.put("CORE_TASK_NAME", processName);
        env.put("CORE_THREAD_NAME", threadName);
        env.put("CORE_EXE_NAME", exeName);
        env.put("CORE_CONTAINER", target.container());
        env.put("CORE_OWNER_UID", Integer.toString(ownerUid));
        env.put("CORE_OWNER_GID", Integer.toString(ownerGid));
        env.put("CORE_DUMPABLE", Integer.toString(crash.dumpable()));
        env.put("CORE_ULIMIT", Long.toUnsignedString(crash.ulimit()));
        env.put("CORE_DATETIME", LocalDateTime.now().format(STAMP));
        List<String> pairs = new ArrayList<>();
        env.forEach((k, v) -> pairs.add(k + "=" + v.replace("\\", "\\\\").replace(";", "\\;")));
        try {
            // The command may run as another user, who opens the pipe again through /dev/fd/0.
            Files.setPosixFilePermissions(Path.of("/proc/self/fd/0"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        } catch (IOException | UnsupportedOperationException e) {
            // root's command reads it anyway
        }
        client.createWeak(core);
        try {
            Map<String, String> props = new LinkedHashMap<>();
            props.put("isolate", "false");
            props.put("stdin_path", "/dev/fd/0");
            props.put("stdout_path", "/dev/null");
            props.put("stderr_path", "/dev/null");
            props.put("command", command);
            props.put("user", target.user());
            props.put("group", target.group());
            props.put("owner_user", target.ownerUser());
            props.put("owner_group", target.ownerGroup());
            props.put("cwd", target.cwd());
            props.put("env", String.join(";", pairs));
            for (var e : props.entrySet())
                client.setProperty(core, e.getKey(), e.getValue());
            boolean ptrace = true;
            try {
                client.setProperty(core, "capabilities_ambient", "SYS_PTRACE"); // lets it read set-uid tasks, where allowed
            } catch (PortoClientException e) {
                ptrace = false; // not on this host: as upstream, go on without
            }
            try {
                client.start(core);
            } catch (PortoClientException e) {
                if (!ptrace)
                    throw e;
                // Beyond what the container's user may have (checked at start here): without it, as upstream.
                client.setProperty(core, "capabilities_ambient", "");
                client.start(core);
            }
            log("forwarding the core into " + core);
            client.waitContainers(List.of(core), timeoutS * 1000);
        } finally {
            try {
                client.destroy(core);
            } catch (PortoClientException e) {
                log("cannot destroy " + core + ": " + e.getMessage());
            }
        }
    }

    private static void incLabel(PortoClient client, String name, String label) {
        if (client == null)
            return;
        try {
            client.call(Rpc.TContainerRequest.newBuilder().setIncLabel(Rpc.TIncLabelRequest.newBuilder()
                    .setName(name).setLabel(label)).build());
        } catch (PortoClientException e) {
            log("cannot count " + label + " of " + name + ": " + e.getMessage());
        }
    }

    /** "a/b/c", "a/b", "a"; nothing for the host. */
    static List<String> lineage(String container) {
        List<String> names = new ArrayList<>();
        for (String n = container; !n.equals("/") && !n.isEmpty(); n = n.contains("/") ? n.substring(0, n.lastIndexOf('/')) : "")
            names.add(n);
        return names;
    }

    /** The id of a user or group named by name or number in {@code database} (/etc/passwd, /etc/group); -1 when unknown. */
    static int idOf(Path database, String name) {
        if (name.matches("[0-9]+"))
            return Integer.parseInt(name);
        try {
            for (String line : Files.readAllLines(database)) {
                String[] fields = line.split(":");
                if (fields.length > 2 && fields[0].equals(name))
                    return Integer.parseInt(fields[2]);
            }
        } catch (IOException | NumberFormatException e) {
            // unknown, as upstream when the lookup fails
        }
        return -1;
    }

    private static String comm(int pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static String exeName(int tid, String fallback) {
        try {
            String name = Files.readSymbolicLink(Path.of("/proc/" + tid + "/exe")).getFileName().toString();
            return name.endsWith(" (deleted)") ? name.substring(0, name.length() - " (deleted)".length()) : name;
        } catch (IOException | RuntimeException e) {
            return fallback;
        }
    }

    static void log(String message) {
        System.out.println(LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME) + " portod-core[" + ProcessHandle.current().pid()
                + "]: " + message);
    }
}

package porto.cli;

import static porto.cli.Portoctl.EXIT_FAILURE;
import static porto.cli.Portoctl.EXIT_SUCCESS;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import porto.client.PortoClientException;
import porto.client.ValueOrError;
import porto.rpc.Rpc;
import porto.rpc.Rpc.EError;

/**
 * Processes and containers, as upstream's: {@code find <pid> [comm]} names the container a process
 * belongs to, {@code attach} moves one into a container (the daemon's attachProcess, which answers
 * InvalidMethod where it is not served).
 *
 * <p>The daemon's {@code locateProcess} request is asked first. It is built and read field by field
 * (request field 202, answer field 18, upstream's numbers), so this works whether or not our
 * {@code rpc.proto} declares it. A daemon that does not serve it (InvalidMethod) gets the same answer
 * computed here from what any client may read: the process's cgroups in {@code /proc/<pid>/cgroup}
 * against each container's {@code cgroups} property. The container whose cgroup holds the process
 * owns it; a process in no container's cgroup belongs to the host, {@code /}.
 */
public final class ProcessCommands extends CommandGroup {
    private static final int LOCATE_PROCESS_REQUEST = 202;
    private static final int LOCATE_PROCESS_RESPONSE = 18;
    private static final int ATTACH_PROCESS_REQUEST = 201;
    private static final int ATTACH_THREAD_REQUEST = 203;

    ProcessCommands(Portoctl ctl) {
        super(ctl);
    }

    int find(List<String> args) {
        int pid;
        try {
            pid = Integer.parseInt(args.get(0));
        } catch (NumberFormatException e) {
            pid = -1;
        }
        if (pid <= 0) {
            io.error("Can't parse pid " + args.get(0));
            return EXIT_FAILURE;
        }
        String comm = args.size() > 1 ? args.get(1) : taskName(pid);
        try {
            String name = locate(pid, comm);
            io.println(name);
            return EXIT_SUCCESS;
        } catch (PortoClientException e) {
            return fail("Cannot find container by pid", e);
        }
    }

    private String locate(int pid, String comm) {
        try {
            return askDaemon(pid, comm);
        } catch (PortoClientException e) {
            if (e.code() != EError.InvalidMethod_VALUE) {
                throw e;
            }
        }
        if (!comm.isEmpty() && !comm.equals(taskName(pid))) {
            throw new PortoClientException(EError.InvalidValue_VALUE, "wrong comm");
        }
        Map<String, String> cgroups = processCgroups(pid);
        if (cgroups == null) {
            throw new PortoClientException(EError.InvalidValue_VALUE, "task not found");
        }
        List<String> names = client().list("***");
        Map<String, Map<String, ValueOrError>> values = client().get(names, List.of("cgroups"));
        Map<String, Map<String, String>> byContainer = new HashMap<>();
        for (String name : names) {
            ValueOrError v = values.getOrDefault(name, Map.of()).get("cgroups");
            if (v != null && !v.isError()) {
                byContainer.put(name, parseCgroupsProperty(v.value()));
            }
        }
        return owner(cgroups, byContainer);
    }

    /**
     * {@code attach [-t] <container> <pid> [comm]}: moves a process (with -t one thread) into a
     * container through the daemon's attachProcess (AttachThread), fields 201 and 203 of the request.
     */
    int attach(List<String> args, int need) throws Getopt.UsageException {
        Getopt g = Portoctl.options(args, "t", need, false);
        boolean thread = !g.options.isEmpty();
        String name = g.rest.get(0);
        int pid;
        try {
            pid = Integer.parseInt(g.rest.get(1));
        } catch (NumberFormatException e) {
            pid = -1;
        }
        if (pid <= 0) {
            io.error("Cannot parse pid " + g.rest.get(1));
            return EXIT_FAILURE;
        }
        String comm = g.rest.size() > 2 ? g.rest.get(2) : taskName(pid);
        UnknownFieldSet body = UnknownFieldSet.newBuilder()
                .addField(1, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8(name)).build())
                .addField(2, UnknownFieldSet.Field.newBuilder().addVarint(pid).build())
                .addField(3, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8(comm)).build())
                .build();
        try {
            client().call(request(thread ? ATTACH_THREAD_REQUEST : ATTACH_PROCESS_REQUEST, body));
            return EXIT_SUCCESS;
        } catch (PortoClientException e) {
            return fail("Cannot attach", e);
        }
    }

    /** A request whose only method is field {@code field}, holding {@code body}. */
    private static Rpc.TContainerRequest request(int field, UnknownFieldSet body) {
        return Rpc.TContainerRequest.newBuilder()
                .setUnknownFields(UnknownFieldSet.newBuilder()
                        .addField(field, UnknownFieldSet.Field.newBuilder().addLengthDelimited(body.toByteString()).build())
                        .build())
                .buildPartial();
    }

    private String askDaemon(int pid, String comm) {
        UnknownFieldSet body = UnknownFieldSet.newBuilder()
                .addField(1, UnknownFieldSet.Field.newBuilder().addVarint(pid).build())
                .addField(2, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8(comm)).build())
                .build();
        Rpc.TContainerResponse rsp = client().call(request(LOCATE_PROCESS_REQUEST, body));
        try {
            UnknownFieldSet all = UnknownFieldSet.parseFrom(rsp.toByteString());
            List<ByteString> located = all.getField(LOCATE_PROCESS_RESPONSE).getLengthDelimitedList();
            if (!located.isEmpty()) {
                List<ByteString> name = UnknownFieldSet.parseFrom(located.get(0)).getField(1).getLengthDelimitedList();
                if (!name.isEmpty()) {
                    return name.get(0).toStringUtf8();
                }
            }
        } catch (InvalidProtocolBufferException e) {
            // an answer without a name: treated as a daemon that does not locate processes
        }
        throw new PortoClientException(EError.InvalidMethod_VALUE, "locateProcess answered without a name");
    }

    /** The process's name ({@code /proc/<pid>/comm}), or "" when it cannot be read. */
    static String taskName(int pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** controller (or "" for cgroup2) to path, from {@code /proc/<pid>/cgroup}; null if it cannot be read. */
    static Map<String, String> processCgroups(int pid) {
        try {
            return parseProcCgroup(Files.readString(Path.of("/proc/" + pid + "/cgroup")));
        } catch (IOException e) {
            return null;
        }
    }

    /** Lines {@code id:controller,controller:path}; the cgroup2 line has no controllers. Public for the unit tests. */
    public static Map<String, String> parseProcCgroup(String text) {
        Map<String, String> out = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.split(":", 3);
            if (f.length < 3) {
                continue;
            }
            if (f[1].isEmpty()) {
                out.put("", f[2]);
            }
            for (String controller : f[1].split(",")) {
                if (!controller.isEmpty()) {
                    out.put(controller, f[2]);
                }
            }
        }
        return out;
    }

    /** The {@code cgroups} property, {@code controller: path;...}. Public for the unit tests. */
    public static Map<String, String> parseCgroupsProperty(String value) {
        Map<String, String> out = new HashMap<>();
        for (String item : value.split(";")) {
            int colon = item.indexOf(':');
            if (colon > 0) {
                out.put(item.substring(0, colon).strip(), item.substring(colon + 1).strip());
            }
        }
        return out;
    }

    /**
     * The container whose freezer cgroup holds the process (every running container has its own),
     * or, below it, the deepest one whose freezer cgroup contains the process's; "/" for none. A
     * freezer on cgroup2 is matched against the process's cgroup2 path. Public for the unit tests.
     */
    public static String owner(Map<String, String> process, Map<String, Map<String, String>> containers) {
        String best = "/";
        int bestLength = -1;
        for (Map.Entry<String, Map<String, String>> e : containers.entrySet()) {
            String path = e.getValue().get("freezer");
            if (path == null || path.isEmpty() || path.equals("/") || e.getKey().equals("/")) {
                continue;
            }
            String mine = process.containsKey("freezer") ? process.get("freezer") : process.get("");
            if (mine == null) {
                continue;
            }
            boolean inside = mine.equals(path) || mine.startsWith(path.endsWith("/") ? path : path + "/");
            if (inside && path.length() > bestLength) {
                best = e.getKey();
                bestLength = path.length();
            }
        }
        return best;
    }
}

package porto.props;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import porto.domain.Caller;
import porto.domain.Container;
import porto.domain.ContainerService;
import porto.domain.DomainConfig;
import porto.domain.ErrorCode;
import porto.domain.PortoException;
import porto.domain.State;
import porto.fake.FakeKernel;
import porto.fake.FakeProcess;
import porto.fake.Program;

/** One fake machine with a daemon on it, and the helpers the properties share. */
final class World {
    static final Caller ROOT = Caller.ROOT;

    final FakeKernel kernel = new FakeKernel();
    final DomainConfig config;
    ContainerService service;
    int daemonRestarts;

    World() {
        this(DomainConfig.defaults(2, Map.of(), "host"));
    }

    /** A machine described by {@code config} (its cpus and memory). */
    World(DomainConfig config) {
        this.config = config;
        kernel.launcher().define("true", Program.exitsAfter(5, 0));
        kernel.launcher().define("false", Program.exitsAfter(5, 1));
        kernel.launcher().define("deaf", Program.deaf());
        kernel.launcher().define("stubborn", Program.stubborn());
        // A small pid range so pids are reused within one sequence.
        kernel.processes().setPidRange(100, 227);
        service = newService();
        service.start();
        kernel.deliverExits();
    }

    ContainerService newService() {
        ContainerService.Kernel ports = new ContainerService.Kernel(kernel.cgroups(), kernel.launcher(),
                kernel.processes(), kernel.exits(), kernel.clock(), kernel.store(), kernel.users(), kernel.files());
        return porto.domain.DomainWiring.build(ports, config);
    }

    /** The daemon dies; {@code whileDown} runs with no daemon; a new one takes over and hears exits. */
    void restartDaemon(Runnable whileDown) {
        kernel.daemonCrashed();
        whileDown.run();
        service = newService();
        service.start();
        kernel.deliverExits();
        daemonRestarts++;
    }

    /** What a request ended with. */
    interface Request {
        void run() throws PortoException;
    }

    static ErrorCode outcome(Request r) {
        try {
            r.run();
            return ErrorCode.Success;
        } catch (PortoException e) {
            return e.code();
        }
    }

    /** One container as the domain shows it, read under its lock. */
    record View(String name, State state, String parent, int rootPid) {}

    Map<String, View> views() {
        return service.inspect(snap -> {
            Map<String, View> out = new TreeMap<>();
            for (Container c : snap.containers())
                out.put(c.name(), new View(c.name(), c.state(), c.parent() == null ? null : c.parent().name(), c.rootPid()));
            return out;
        });
    }

    Map<String, State> states() {
        Map<String, State> out = new TreeMap<>();
        views().forEach((n, v) -> out.put(n, v.state()));
        return out;
    }

    State state(String name) {
        View v = views().get(name);
        return v == null ? null : v.state();
    }

    /** A property's value, or "!Code" when reading it fails. */
    String get(String name, String property) {
        try {
            return service.get(name, property);
        } catch (PortoException e) {
            return "!" + e.code();
        }
    }

    /** Names sorted; the i-th (modulo their number), or null when there are none. */
    String existing(int index) {
        List<String> names = new ArrayList<>(views().keySet());
        return names.isEmpty() ? null : names.get(Math.floorMod(index, names.size()));
    }

    /** Main tasks that are alive, by pid. */
    List<FakeProcess> mainTasks() {
        List<FakeProcess> out = new ArrayList<>();
        for (FakeProcess p : kernel.processes().running())
            if (p.reportsExit())
                out.add(p);
        return out;
    }

    /** Everything a restarted daemon must show unchanged, per container. */
    Map<String, Map<String, String>> describe() {
        Map<String, Map<String, String>> out = new TreeMap<>();
        for (String name : views().keySet()) {
            Map<String, String> d = new LinkedHashMap<>();
            for (String p : List.of("state", "id", "parent", "command", "memory_limit", "root_pid", "exit_status",
                    "start_errno", "owner_user", "controllers", "weak", "creation_time", "start_time"))
                d.put(p, get(name, p));
            out.put(name, d);
        }
        return out;
    }
}

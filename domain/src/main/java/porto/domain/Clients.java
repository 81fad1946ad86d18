package porto.domain;

import porto.ports.Cgroups;
import porto.ports.Processes;

/**
 * Who a client is: the container its process lives in (the deepest container whose cgroup holds
 * it, the host when none does), and what it may see and do from there ({@link ClientScope}).
 */
final class Clients {
    private final ContainerTree tree;
    private final Properties properties;
    private final Cgroups cgroups;
    private final Processes processes;

    Clients(ContainerTree tree, Properties properties, Cgroups cgroups, Processes processes) {
        this.tree = tree;
        this.properties = properties;
        this.cgroups = cgroups;
        this.processes = processes;
    }

    /** Identifies a client from its socket's peer credentials, reading its process's start time now. */
    Caller identify(int pid, int uid, int gid) {
        long startTime = processes.startTime(pid);
        return identify(pid, uid, gid, startTime < 0 ? Caller.GONE : startTime);
    }

    /** As {@link #identify(int, int, int)}, with the start time of the client's process read at connect. */
    Caller identify(int pid, int uid, int gid, long startTime) {
        return new Caller(pid, uid, gid, containerOf(pid), startTime);
    }

    /** The container whose cgroup holds {@code pid} (the deepest such), "/" for the host's processes. */
    String containerOf(int pid) {
        String path = cgroups.containerPathOf(pid).orElse(null);
        tree.lock();
        try {
            return ClientScope.deepestContainer(tree.containers().keySet(), path);
        } finally {
            tree.unlock();
        }
    }

    /** What an identified client may see and do right now; Permission when porto is disabled for it. */
    ClientScope scope(Caller caller) throws PortoException {
        if (!caller.inContainer())
            return ClientScope.host(caller); // the tree has no say: no lock to wait for
        tree.lock();
        try {
            return ClientScope.of(tree, properties, caller);
        } finally {
            tree.unlock();
        }
    }
}

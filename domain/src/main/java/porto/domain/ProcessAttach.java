package porto.domain;

import java.util.List;
import porto.ports.Cgroups;
import porto.ports.KernelException;

/**
 * attachProcess and AttachThread, with upstream's rules: a process (or thread) moves from the
 * container that holds it into a running container below that one, not across an isolated
 * container between them; the main process of a container stays where it is.
 */
public final class ProcessAttach {
    private final ContainerTree tree;
    private final Properties properties;
    private final UserDatabase users;
    private final ResourceControl resources;
    private final Cgroups cgroups;
    private final Clients clients;

    ProcessAttach(ContainerTree tree, Properties properties, UserDatabase users, ResourceControl resources, Cgroups cgroups,
                  Clients clients) {
        this.tree = tree;
        this.properties = properties;
        this.users = users;
        this.resources = resources;
        this.cgroups = cgroups;
        this.clients = clients;
    }

    public void attach(Caller caller, int pid, String target, boolean thread) throws PortoException {
        if (pid <= 0)
            throw new PortoException(ErrorCode.InvalidValue, "invalid pid " + Integer.toUnsignedString(pid));
        String from = clients.containerOf(pid);
        List<String> dirs;
        tree.lock();
        try {
            // Not into the middle of a cgroup write (a freeze, the kill after a death): waiting for
            // the target's writes covers its ancestors, so the container holding the process too.
            Container into = tree.findAfterWrites(target);
            Container old = tree.find(from);
            if (old.isHost()) {
                if (!caller.isRoot())
                    throw new PortoException(ErrorCode.Permission, "only root may move a process of the host into a container");
            } else {
                Permissions.checkWrite(ClientScope.of(tree, properties, caller), users, caller, old);
            }
            if (!old.isHost() && pid == old.rootPid)
                throw new PortoException(ErrorCode.Busy, "cannot move the main process of " + old.name);
            if (!isBelow(into, old))
                throw new PortoException(ErrorCode.Permission, "container " + into.name + " is not below " + old.name
                        + ", which holds process " + pid);
            if (into.state() != State.RUNNING && into.state() != State.META)
                throw new PortoException(ErrorCode.InvalidState, "container " + into.name + " is " + into.state().text() + ", not running");
            for (Container c = into; c != old; c = c.parent)
                if (ContextProperties.ISOLATE.value(c))
                    throw new PortoException(ErrorCode.InvalidState, "container " + c.name + " isolates its processes from "
                            + old.name + " (isolate=true)");
            if (into.busy)
                throw ContainerTree.busy(into);
            dirs = resources.taskDirectories(into);
        } finally {
            tree.unlock();
        }
        try {
            cgroups.attach(dirs, pid, thread);
        } catch (KernelException e) {
            throw ResourceControl.kernelError("cannot move " + (thread ? "thread " : "process ") + pid + " into " + target, e);
        }
    }

    private static boolean isBelow(Container c, Container ancestor) {
        for (Container p = c.parent; p != null; p = p.parent)
            if (p == ancestor)
                return true;
        return false;
    }
}

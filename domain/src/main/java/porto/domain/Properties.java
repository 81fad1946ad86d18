package porto.domain;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every container property this daemon knows, with its rules. */
public final class Properties {
    private final Map<String, Property> all = new LinkedHashMap<>();

    public Properties() {
        ContextProperties.register(this);
        SecurityProperties.register(this);
        FilesystemProperties.register(this);
        ResourceProperties.register(this);
        LifecycleProperties.register(this);
        StateProperties.register(this);
        ContainerVolumeProperties.register(this);
        Labels.register(this);
        InfoProperties.register(this);
        OwnerContainers.register(this);
        Symlinks.register(this);
        SecretEnv.register(this);
        UnsupportedProperties.register(this);
        NamespaceProperties.register(this);
        KnobStatistics.register(this);
        CpuTotals.register(this);
        NetworkProperties.register(this);
    }

    public Property find(String name) {
        return all.get(name);
    }

    public Collection<Property> all() {
        return all.values();
    }

    void add(Property p) {
        all.put(p.name, p);
    }

    /** exit_code from the wait(2) status: the code, minus the signal, or -99 for the OOM killer. */
    static int exitCode(Container c) {
        if (c.oomKilled)
            return -99;
        int status = c.exitStatus;
        if ((status & 0x7f) == 0)
            return (status >> 8) & 0xff;
        return -(status & 0x7f);
    }

    static void requireDead(Container c, String what) throws PortoException {
        if (c.state() != State.DEAD)
            throw new PortoException(ErrorCode.InvalidState, what + " is available only in dead state, container is " + c.state().text());
    }

    /** As upstream: values of a run (usage, counts, output) are not there while stopped or starting. */
    static void requireRuntime(Container c, String what) throws PortoException {
        if (c.state() == State.STOPPED || c.state() == State.STARTING)
            throw new PortoException(ErrorCode.InvalidState, what + " is not available in " + c.state().text() + " state");
    }

    static void requireTask(Container c, String what) throws PortoException {
        if (!(c.state() == State.RUNNING || c.state() == State.PAUSED || c.state() == State.META) || c.rootPid <= 0)
            throw new PortoException(ErrorCode.InvalidState, what + " is available only while the container runs, it is " + c.state().text());
    }

    static String absolutePath(String value) throws PortoException {
        String v = value.trim();
        if (!v.startsWith("/"))
            throw new PortoException(ErrorCode.InvalidValue, "expected an absolute path, got '" + value + "'");
        return java.nio.file.Path.of(v).normalize().toString();
    }
}

package porto.domain;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import porto.ports.Cgroups;

/**
 * Every container property this daemon knows, with its rules. The registry starts empty and each
 * family registers its declarations with the collaborators it reads ({@link DomainWiring}); a
 * typed declaration's setter is bound here to the host's facts and the kernel's features.
 */
public final class Properties {
    private final Map<String, Property> all = new LinkedHashMap<>();
    private final DomainConfig host;
    private final Cgroups cgroups;

    Properties(DomainConfig host, Cgroups cgroups) {
        this.host = host;
        this.cgroups = cgroups;
    }

    public Property find(String name) {
        return all.get(name);
    }

    public Collection<Property> all() {
        return all.values();
    }

    void add(Property p) {
        if (p.declaration != null)
            p.setter = p.declaration.setter(host, cgroups::unsupported);
        all.put(p.name, p);
    }

    /** The text of property {@code name} of {@code c}: what was set, or its default. */
    String value(Container c, String name) throws PortoException {
        return all.get(name).read(c);
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

package porto.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Get and set of container properties: "name" or "name[key]", checked against who may write it
 * and in which states, applied to a running container at once (its cgroups written with the tree
 * lock released: {@link LiveLimits}), and saved.
 */
final class PropertyAccess {
    private final ContainerTree tree;
    private final Properties properties;
    private final UserDatabase users;
    private final Persistence persistence;
    private final ResourceControl resources;
    private final OutputStore output;
    private final porto.domain.net.NetworkSetup networking;
    private final DomainConfig config;
    private final LiveLimits limits;

    PropertyAccess(ContainerTree tree, Properties properties, UserDatabase users, Persistence persistence,
                   ResourceControl resources, OutputStore output, porto.domain.net.NetworkSetup networking, DomainConfig config,
                   porto.ports.Processes processes) {
        this.tree = tree;
        this.properties = properties;
        this.users = users;
        this.persistence = persistence;
        this.resources = resources;
        this.output = output;
        this.networking = networking;
        this.config = config;
        this.limits = new LiveLimits(resources, processes);
    }

    /** Reads a property or "property[key]" for {@code reader} (stored output is read with their rights). */
    String get(Caller reader, String name, String property) throws PortoException {
        tree.lock();
        try {
            return read(tree.find(name), property, reader);
        } finally {
            tree.unlock();
        }
    }

    /** Reads many properties of many containers at once for {@code reader}; errors are per value. */
    Map<String, Map<String, Result>> getMany(Caller reader, List<String> names, List<String> props) {
        tree.lock();
        try {
            Map<String, Map<String, Result>> out = new LinkedHashMap<>();
            for (String name : names) {
                Map<String, Result> values = new LinkedHashMap<>();
                Container c = tree.containers().get(name);
                if (c == null && name.equals(ContainerName.HOST))
                    c = tree.host();
                for (String p : props) {
                    // A read of stored output lets the lock go: the container may be gone since.
                    if (c != null && !c.isHost() && tree.containers().get(name) != c)
                        c = null;
                    if (c == null) {
                        values.put(p, Result.error(new PortoException(ErrorCode.ContainerDoesNotExist, "container " + name + " does not exist")));
                        continue;
                    }
                    try {
                        values.put(p, Result.ok(read(c, p, reader)));
                    } catch (PortoException e) {
                        values.put(p, Result.error(e));
                    }
                }
                out.put(name, values);
            }
            return out;
        } finally {
            tree.unlock();
        }
    }

    void set(Caller caller, String name, String property, String value) throws PortoException {
        // No property value may hold a NUL: it separates the launcher's records.
        if (value.indexOf('\0') >= 0 || property.indexOf('\0') >= 0)
            throw new PortoException(ErrorCode.InvalidValue, "a NUL character is not allowed in " + property);
        persistence.beginRequest();
        tree.lock();
        try {
            Container c = tree.findAfterWrites(name);
            Permissions.requireNotHost(c);
            Permissions.checkWrite(ClientScope.of(tree, properties, caller), users, caller, c);
            tree.requireIdle(c);
            String key = null;
            String propName = property;
            int bracket = property.indexOf('[');
            if (bracket >= 0) {
                if (!property.endsWith("]"))
                    throw new PortoException(ErrorCode.InvalidProperty, "malformed property name " + property);
                propName = property.substring(0, bracket);
                key = property.substring(bracket + 1, property.length() - 1);
            }
            Property p = properties.find(propName);
            if (p == null && key == null && Labels.isLabelName(propName)) {
                Labels.set(c, Map.of(propName, value.trim()), false); // "A.b" is a label, as upstream
                persistence.save(c);
                tree.notifyLabel(c, propName, value.trim());
            } else if (propName.equals(Labels.PROPERTY)) {
                Map<String, String> before = Labels.of(c);
                setProperty(c, caller, p, propName, key, value);
                Map<String, String> after = Labels.of(c);
                java.util.Set<String> changed = new java.util.TreeSet<>(before.keySet());
                changed.addAll(after.keySet());
                for (String label : changed)
                    if (!java.util.Objects.equals(before.get(label), after.get(label)))
                        tree.notifyLabel(c, label, after.getOrDefault(label, ""));
            } else {
                setProperty(c, caller, p, propName, key, value);
            }
        } finally {
            tree.unlock(); // writes the record
        }
        persistence.requireSaved();
    }

    private void setProperty(Container c, Caller caller, Property p, String propName, String key, String value) throws PortoException {
        if (p == null)
            throw new PortoException(ErrorCode.InvalidProperty, "unknown container property: " + propName);
        if (p.readOnly)
            throw new PortoException(ErrorCode.InvalidValue, "property " + propName + " is read-only");
        if (!p.settableIn.contains(c.state()))
            throw new PortoException(ErrorCode.InvalidState, "property " + propName + " cannot be changed in state " + c.state().text());
        if (key != null) {
            if (!p.keyed)
                throw new PortoException(ErrorCode.InvalidProperty, "property " + propName + " has no keys");
            if (p.keySetter != null) {
                value = p.keySetter.merge(c, key, value);
            } else {
                Map<String, String> map = Values.parseMap(p.read(c), propName.equals("env"));
                map.put(key, value);
                value = Values.formatMap(map);
            }
        }
        String canonical = p.setter.canonical(c, caller, value);
        String previous = c.config.put(propName, canonical);
        try {
            LiveLimits.Plan plan = limits.plan(c, propName, previous);
            if (!plan.isEmpty()) {
                // Until the kernel has the new value, readers see the one in force; but a value that
                // other containers' guarantees are checked against stays new meanwhile, so that a
                // sibling's change or start decided during this write counts it.
                if (!Guarantees.isWatched(propName))
                    restore(c, propName, previous);
                PortoException failure = tree.writeOutsideLock(c, () -> limits.write(plan));
                if (failure != null)
                    throw failure;
                c.config.put(propName, canonical);
            }
            KernelSteps.Step retune = NetworkProperties.retuning(networking, c, propName);
            if (retune != null)
                KernelSteps.writeOutsideLock(tree, c, retune);
            DeathPressure.applyDynamic(resources.cgroups(), c, propName);
        } catch (PortoException e) {
            restore(c, propName, previous);
            throw e;
        }
        if (propName.equals("weak"))
            c.weak = Values.parseBool(canonical);
        persistence.save(c);
    }

    private static void restore(Container c, String property, String value) {
        if (value == null)
            c.config.remove(property);
        else
            c.config.put(property, value);
    }

    /** Reads a property as root (for the daemon's own use). */
    String read(Container c, String property) throws PortoException {
        return read(c, property, Caller.ROOT);
    }

    /**
     * Stored output is read with the tree lock let go: the file may be a user's on a file system
     * that never answers, and that must stall this request only.
     */
    private String readOutput(Container c, OutputStore.Reading reading) throws PortoException {
        c.outputReaders++;
        Object outcome;
        try {
            outcome = tree.outsideLock(() -> {
                try {
                    return reading.perform();
                } catch (PortoException e) {
                    return e;
                }
            });
        } finally {
            c.outputReaders--;
        }
        if (outcome instanceof PortoException e)
            throw e;
        return (String) outcome;
    }

    private String read(Container c, String property, Caller reader) throws PortoException {
        String key = null;
        String name = property;
        int bracket = property.indexOf('[');
        if (bracket >= 0) {
            if (!property.endsWith("]"))
                throw new PortoException(ErrorCode.InvalidProperty, "malformed property name " + property);
            name = property.substring(0, bracket);
            key = property.substring(bracket + 1, property.length() - 1);
        }
        Property p = properties.find(name);
        if (p == null && key == null && Labels.isLabelName(name))
            return Labels.get(c, name); // "A.b" is a label, as upstream
        if (p == null) {
            // "<controller>.<knob>" reads the cgroup file itself, e.g. memory.stat.
            if (key == null && ResourceControl.isKnob(name))
                return c.isHost() ? StateProperties.host(name) : resources.readKnob(c, name);
            throw new PortoException(ErrorCode.InvalidProperty, "unknown container property: " + name);
        }
        if (c.isHost() && !StateProperties.HOST_STATISTICS.contains(name) && !UpstreamStatistics.READ_ON_HOST.contains(name))
            return name.equals("ulimit") ? Ulimits.format(Ulimits.defaults(config)) : StateProperties.host(name);
        if (name.equals("stdout") || name.equals("stderr")) {
            Properties.requireRuntime(c, name);
            return readOutput(c, output.reading(c, name, key, reader));
        }
        if (key == null)
            return p.read(c);
        if (!p.keyed)
            throw new PortoException(ErrorCode.InvalidProperty, "property " + name + " has no keys");
        if (p.keyGetter != null)
            return p.keyGetter.get(c, key);
        Map<String, String> map = Values.parseMap(p.read(c), name.equals("env"));
        String v = map.get(key);
        if (v == null)
            throw new PortoException(ErrorCode.InvalidValue, "no key " + key + " in " + name);
        return v;
    }
}

package porto.domain;

import java.util.ArrayList;
import java.util.List;

/** FindLabel, SetLabel and IncLabel: the label requests of the API, with upstream's checks (see {@link Labels}). */
public final class LabelRequests {
    private final ContainerTree tree;
    private final Properties properties;
    private final UserDatabase users;
    private final Persistence persistence;

    LabelRequests(ContainerTree tree, Properties properties, UserDatabase users, Persistence persistence) {
        this.tree = tree;
        this.properties = properties;
        this.users = users;
        this.persistence = persistence;
    }

    /** One label of one container, as FindLabel lists it. */
    public record Entry(String container, String state, String label, String value) {}

    /** What SetLabel answers: the value before (null when it was unset) and the container's state. */
    public record Previous(String value, String state) {}

    /**
     * Every container (by full name, sorted) whose label matches {@code label} (a mask with ? and
     * *, or a name, ".name" looking up the parents too), with {@code value} and in {@code state}
     * when those are given.
     */
    public List<Entry> find(String label, String value, String state) {
        boolean mask = Masks.isMask(label);
        List<Entry> found = new ArrayList<>();
        tree.lock();
        try {
            for (String name : tree.names(null)) {
                Container c = tree.containers().get(name);
                if (c == null || (state != null && !c.state().text().equals(state)))
                    continue;
                if (mask) {
                    for (var e : Labels.of(c).entrySet())
                        if (Masks.matches(e.getKey(), label) && (value == null || e.getValue().equals(value)))
                            found.add(new Entry(name, c.state().text(), e.getKey(), e.getValue()));
                } else {
                    try {
                        String v = Labels.get(c, label);
                        if (value == null || v.equals(value))
                            found.add(new Entry(name, c.state().text(), label, v));
                    } catch (PortoException notSet) {
                        // not this one
                    }
                }
            }
        } finally {
            tree.unlock();
        }
        return found;
    }

    /** SetLabel (see {@link Labels#setChecked}); an empty value removes the label. */
    public Previous set(Caller caller, String name, String label, String value, String expected, String state) throws PortoException {
        Labels.Previous p = change(caller, name, c -> {
            Labels.Previous before = Labels.setChecked(c, label, value, expected, state);
            tree.notifyLabel(c, label, value);
            return before;
        });
        return new Previous(p.value(), p.state());
    }

    /** IncLabel: the label's number plus {@code add}, stored and returned. */
    public long increment(Caller caller, String name, String label, long add) throws PortoException {
        return change(caller, name, c -> {
            long sum = Labels.increment(c, label, add);
            tree.notifyLabel(c, label, Long.toString(sum));
            return sum;
        });
    }

    private interface Change<T> {
        T apply(Container c) throws PortoException;
    }

    private <T> T change(Caller caller, String name, Change<T> change) throws PortoException {
        T result;
        persistence.beginRequest();
        tree.lock();
        try {
            Container c = tree.find(name);
            Permissions.requireNotHost(c);
            Permissions.checkWrite(ClientScope.of(tree, properties, caller), users, caller, c);
            // A start in progress reads the config without the lock: wait until it is done.
            if (c.busy)
                throw ContainerTree.busy(c);
            result = change.apply(c);
            persistence.save(c);
            tree.notifyChange();
        } finally {
            tree.unlock(); // writes the record
        }
        persistence.requireSaved();
        return result;
    }
}

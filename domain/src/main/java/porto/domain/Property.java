package porto.domain;

import java.util.EnumSet;
import java.util.Set;

/**
 * One container property: its name and description, where it may be set, and how it is read and
 * written. Settable properties keep their value as canonical text in the container's config; the
 * setter validates a user's text and returns that canonical form.
 */
public final class Property {
    /** States in which a static property may be set. */
    static final Set<State> STOPPED_ONLY = EnumSet.of(State.STOPPED);
    /** States in which a dynamic property may be set. */
    static final Set<State> ANY_STATE = EnumSet.allOf(State.class);

    interface Getter {
        String get(ContainerService service, Container container) throws PortoException;
    }

    interface Setter {
        String canonical(ContainerService service, Container container, Caller caller, String value) throws PortoException;
    }

    final String name;
    final String description;
    final Set<State> settableIn;
    final Getter defaultValue;
    final Getter getter;
    final Setter setter;
    /** Holds "key: value; ..." text (or a ';' list of flags), so {@code name[key]} reads or writes one entry. */
    final boolean keyed;
    /** A keyed property holding "A;B;C": {@code name[A]} is "true" or "false". */
    private boolean flags;
    /** Listed by propertyList but not by dataList (which lists read-only facts). */
    final boolean readOnly;

    private Property(String name, String description, Set<State> settableIn, Getter defaultValue,
                     Getter getter, Setter setter, boolean keyed) {
        this.name = name;
        this.description = description;
        this.settableIn = settableIn;
        this.defaultValue = defaultValue;
        this.getter = getter;
        this.setter = setter;
        this.keyed = keyed;
        this.readOnly = setter == null;
    }

    static Property settable(String name, String description, Set<State> settableIn, Getter defaultValue,
                             Setter setter, boolean keyed) {
        return new Property(name, description, settableIn, defaultValue, null, setter, keyed);
    }

    static Property readOnly(String name, String description, Getter getter, boolean keyed) {
        return new Property(name, description, Set.of(), null, getter, null, keyed);
    }

    /** A keyed property whose value is a ';' list of names, such as capabilities. */
    Property asFlags() {
        flags = true;
        return this;
    }

    /** Reads "name[key]" of a keyed property. */
    String readKey(ContainerService service, Container c, String key) throws PortoException {
        if (!keyed)
            throw new PortoException(ErrorCode.InvalidProperty, "property " + name + " has no keys");
        if (flags)
            return Values.formatBool(flagSet(read(service, c)).contains(key.trim().toUpperCase(java.util.Locale.ROOT)));
        String v = Values.parseMap(read(service, c), name.equals("env")).get(key);
        if (v == null)
            throw new PortoException(ErrorCode.InvalidValue, "no key " + key + " in " + name);
        return v;
    }

    /** The whole value after "name[key]" is set to {@code value}. */
    String withKey(ContainerService service, Container c, String key, String value) throws PortoException {
        if (!keyed)
            throw new PortoException(ErrorCode.InvalidProperty, "property " + name + " has no keys");
        if (flags) {
            java.util.Set<String> set = flagSet(read(service, c));
            String k = key.trim().toUpperCase(java.util.Locale.ROOT);
            if (Values.parseBool(value))
                set.add(k);
            else
                set.remove(k);
            return String.join(";", set);
        }
        java.util.Map<String, String> map = Values.parseMap(read(service, c), name.equals("env"));
        map.put(key, value);
        return Values.formatMap(map);
    }

    private static java.util.Set<String> flagSet(String text) {
        java.util.Set<String> set = new java.util.LinkedHashSet<>();
        for (String f : text.split(";"))
            if (!f.isBlank())
                set.add(f.trim());
        return set;
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    public boolean isReadOnly() {
        return readOnly;
    }

    /** Settable while the container runs. */
    public boolean isDynamic() {
        return settableIn.contains(State.RUNNING);
    }

    String read(ContainerService service, Container c) throws PortoException {
        if (getter != null)
            return getter.get(service, c);
        String value = c.config.get(name);
        return value != null ? value : defaultValue.get(service, c);
    }
}

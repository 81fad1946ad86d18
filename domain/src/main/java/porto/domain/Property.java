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
        String get(Container container) throws PortoException;
    }

    interface Setter {
        String canonical(Container container, Caller caller, String value) throws PortoException;
    }

    /** Reads {@code name[key]} where the generic "key: value" lookup does not fit. */
    interface KeyGetter {
        String get(Container container, String key) throws PortoException;
    }

    /** Turns {@code name[key]=value} into a whole new value for the setter. */
    interface KeySetter {
        String merge(Container container, String key, String value) throws PortoException;
    }

    final String name;
    final String description;
    final Set<State> settableIn;
    final Getter defaultValue;
    final Getter getter;
    /** Null for a read-only property; a typed declaration's is bound when it is registered ({@link Properties#add}). */
    Setter setter;
    /** The declaration this entry was made from, or null for an untyped one. */
    TypedProperty<?> declaration;
    /** Holds "key: value; ..." text (or a ';' list of flags), so {@code name[key]} reads or writes one entry. */
    final boolean keyed;
    /** Listed by propertyList but not by dataList (which lists read-only facts). */
    final boolean readOnly;
    /** Special access by key, or null for the generic map lookup. */
    KeyGetter keyGetter;
    KeySetter keySetter;

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

    /** A settable property whose value is shown through {@code getter} rather than as it is kept (env_secret). */
    static Property settableShown(String name, String description, Set<State> settableIn, Getter getter, Setter setter,
                                  boolean keyed) {
        return new Property(name, description, settableIn, c -> "", getter, setter, keyed);
    }

    static Property readOnly(String name, String description, Getter getter, boolean keyed) {
        return new Property(name, description, Set.of(), null, getter, null, keyed);
    }

    /** This property with its own meaning of {@code name[key]} (either may be null). */
    Property withKeys(KeyGetter getter, KeySetter setter) {
        this.keyGetter = getter;
        this.keySetter = setter;
        return this;
    }

    /** A keyed property whose value is a ';' list of names, such as capabilities: {@code name[A]} is "true" or "false". */
    Property asFlags() {
        return withKeys((c, key) -> Values.formatBool(flagSet(read(c)).contains(flag(key))), (c, key, value) -> {
            java.util.Set<String> set = flagSet(read(c));
            if (Values.parseBool(value))
                set.add(flag(key));
            else
                set.remove(flag(key));
            return String.join(";", set);
        });
    }

    private static String flag(String key) {
        return key.trim().toUpperCase(java.util.Locale.ROOT);
    }

    private static java.util.Set<String> flagSet(String text) {
        java.util.Set<String> set = new java.util.LinkedHashSet<>();
        for (String f : text.split(";"))
            if (!f.isBlank())
                set.add(f.trim());
        return set;
    }

    /** The value when nothing was set (for settable properties). */
    String defaultValue(Container c) throws PortoException {
        return defaultValue == null ? null : defaultValue.get(c);
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

    String read(Container c) throws PortoException {
        if (getter != null)
            return getter.get(c);
        String value = c.config.get(name);
        return value != null ? value : defaultValue.get(c);
    }
}

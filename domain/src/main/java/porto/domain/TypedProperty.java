package porto.domain;

import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import porto.ports.Cgroups.Limit;

/**
 * A property declared once with its type: name, description, parser, printer, default, the
 * states in which it may be set, and the kernel feature its values need. Its entry in the registry
 * ({@link #entry}: the property list, portoctl's help, validation, get and set) is made from this
 * declaration, and the domain reads its value parsed ({@link #value}) instead of parsing text again
 * at every use.
 *
 * <p>The value is kept as canonical text in the container's config (which the state store saves)
 * together with its parsed form; the parsed form is taken again only when the text changed.
 * A declaration is immutable: each {@code with}-style method returns a changed copy.
 */
final class TypedProperty<T> {
    interface Parser<T> {
        T parse(String text) throws PortoException;
    }

    /** Parses a user's text that may mean something only on this host (a cpu percentage, say). */
    interface InputParser<T> {
        T parse(String text, DomainConfig host) throws PortoException;
    }

    /** A default that depends on the container (its level, its other properties). */
    interface Default<T> {
        T of(Container c) throws PortoException;
    }

    /** Runs when a new value is set, before it is stored: checks it against the container, or adjusts others. */
    interface OnSet<T> {
        void accept(Container c, T value) throws PortoException;
    }

    final String name;
    private final String description;
    private final Set<State> settableIn;
    /** Parses canonical text (what the config keeps). */
    private final Parser<T> parser;
    private final Function<T, String> printer;
    private Default<T> defaultValue;
    /** Parses a user's text when it needs the host to be understood; null when the canonical parser does. */
    private InputParser<T> input;
    /** The kernel feature the values {@link #needsFeature} accepts depend on, or null. */
    private Limit feature;
    private Predicate<T> needsFeature;
    private OnSet<T> onSet;
    /** Holds "key: value; ..." text, so {@code name[key]} reads or writes one entry. */
    private boolean keyed;

    private TypedProperty(String name, String description, Set<State> settableIn, Parser<T> parser,
                          Function<T, String> printer, Default<T> defaultValue) {
        this.name = name;
        this.description = description;
        this.settableIn = settableIn;
        this.parser = parser;
        this.printer = printer;
        this.defaultValue = defaultValue;
    }

    static <T> TypedProperty<T> of(String name, String description, Set<State> settableIn, Parser<T> parser,
                                   Function<T, String> printer, T defaultValue) {
        return new TypedProperty<>(name, description, settableIn, parser, printer, c -> defaultValue);
    }

    static TypedProperty<Boolean> bool(String name, String description, Set<State> settableIn, boolean defaultValue) {
        return of(name, description, settableIn, Values::parseBool, Values::formatBool, defaultValue);
    }

    /** A size in bytes ("1G", "512M", a plain number), printed as the number of bytes. */
    static TypedProperty<Long> size(String name, String description, Set<State> settableIn, Parser<Long> parser) {
        return of(name, description, settableIn, parser, String::valueOf, 0L);
    }

    private TypedProperty<T> copy() {
        TypedProperty<T> p = new TypedProperty<>(name, description, settableIn, parser, printer, defaultValue);
        p.input = input;
        p.feature = feature;
        p.needsFeature = needsFeature;
        p.onSet = onSet;
        p.keyed = keyed;
        return p;
    }

    /** This property with a default that depends on the container. */
    TypedProperty<T> defaultFor(Default<T> defaultOf) {
        TypedProperty<T> p = copy();
        p.defaultValue = defaultOf;
        return p;
    }

    /** This property as one whose text is "key: value; ...", so {@code name[key]} reads or writes one entry. */
    TypedProperty<T> keyed() {
        TypedProperty<T> p = copy();
        p.keyed = true;
        return p;
    }

    /** This property, whose values that {@code when} accepts need the kernel feature {@code limit}: refused without it. */
    TypedProperty<T> needs(Limit limit, Predicate<T> when) {
        TypedProperty<T> p = copy();
        p.feature = limit;
        p.needsFeature = when;
        return p;
    }

    /** This property, whose user text is parsed by {@code input} (the canonical text still by its parser). */
    TypedProperty<T> input(InputParser<T> input) {
        TypedProperty<T> p = copy();
        p.input = input;
        return p;
    }

    /** This property, running {@code hook} on each new value before it is stored. */
    TypedProperty<T> onSet(OnSet<T> hook) {
        TypedProperty<T> p = copy();
        p.onSet = hook;
        return p;
    }

    /**
     * The registry's entry: reading prints the value, setting parses the user's text and keeps it
     * canonical. Its setter is bound to the host's facts when the registry takes it ({@link Properties#add}).
     */
    Property entry() {
        Property p = Property.settable(name, description, settableIn, c -> printer.apply(defaultValue.of(c)), (c, who, text) -> {
            throw new IllegalStateException(name + " is used before it is registered");
        }, keyed);
        p.declaration = this;
        return p;
    }

    /**
     * As {@link #entry}, but read through {@code reader} instead of the stored value: for a
     * property whose reading may be refused (a feature the kernel or the config lacks).
     */
    Property entryReadBy(Property.Getter reader) {
        Property plain = entry();
        Property p = Property.settableShown(name, description, settableIn, reader, plain.setter, keyed);
        p.declaration = this;
        return p;
    }

    /** The setter of the entry: the user's text checked on this host, the hook run, the value printed canonically. */
    Property.Setter setter(DomainConfig host, Function<Limit, String> unsupported) {
        return (c, who, text) -> {
            T value = checked(() -> host, unsupported, text);
            if (onSet != null)
                onSet.accept(c, value);
            return printer.apply(value);
        };
    }

    /**
     * The user's text parsed (on {@code host}), checked against the kernel's features ({@code unsupported} says why
     * the kernel lacks one, null when it has it), and printed canonically.
     */
    String canonical(Supplier<DomainConfig> host, Function<Limit, String> unsupported, String text) throws PortoException {
        return printer.apply(checked(host, unsupported, text));
    }

    private T checked(Supplier<DomainConfig> host, Function<Limit, String> unsupported, String text) throws PortoException {
        T value = input != null ? input.parse(text, host.get()) : parser.parse(text);
        if (feature != null && needsFeature.test(value)) {
            String why = unsupported.apply(feature);
            if (why != null)
                throw new PortoException(ErrorCode.NotSupported, name + " is not supported: " + why);
        }
        return value;
    }

    /** The value in force for {@code c}: what was set, or the default. */
    T value(Container c) throws PortoException {
        String text = c.config.get(name);
        if (text == null)
            return defaultValue.of(c);
        Container.Parsed kept = c.parsed.get(name);
        if (kept != null && kept.text().equals(text)) {
            @SuppressWarnings("unchecked")
            T value = (T) kept.value();
            return value;
        }
        T value = parser.parse(text);
        c.parsed.put(name, new Container.Parsed(text, value));
        return value;
    }
}

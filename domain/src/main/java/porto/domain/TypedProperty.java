package porto.domain;

import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import porto.ports.Cgroups.Limit;

/**
 * A property declared once with its type: name, description, parser, printer, default, and the
 * states in which it may be set. Its entry in the registry ({@link #entry}: the property list,
 * portoctl's help, validation, get and set) is made from this declaration, and the domain reads
 * its value parsed ({@link #value}) instead of parsing text again at every use.
 *
 * <p>The value is kept as canonical text in the container's config (which the state store saves)
 * together with its parsed form; the parsed form is taken again only when the text changed.
 */
final class TypedProperty<T> {
    interface Parser<T> {
        T parse(String text) throws PortoException;
    }

    /** Parses a user's text that may mean something only on this host (a cpu percentage, say). */
    interface InputParser<T> {
        T parse(String text, DomainConfig host) throws PortoException;
    }

    final String name;
    private final String description;
    private final Set<State> settableIn;
    /** Parses canonical text (what the config keeps). */
    private final Parser<T> parser;
    /** Parses a user's text when it needs the host to be understood; null when the canonical parser does. */
    private final InputParser<T> input;
    private final Function<T, String> printer;
    /** The value when none was set; it may depend on the container (its level, say). */
    private final Function<Container, T> defaultValue;
    /** The kernel feature the values {@link #needsFeature} accepts depend on, or null. */
    private final Limit feature;
    private final Predicate<T> needsFeature;
    /** Holds "key: value; ..." text, so {@code name[key]} reads or writes one entry. */
    private final boolean keyed;

    private TypedProperty(String name, String description, Set<State> settableIn, Parser<T> parser,
                          Function<T, String> printer, Function<Container, T> defaultValue, Limit feature, Predicate<T> needsFeature,
                          InputParser<T> input, boolean keyed) {
        this.keyed = keyed;
        this.name = name;
        this.description = description;
        this.settableIn = settableIn;
        this.parser = parser;
        this.input = input;
        this.printer = printer;
        this.defaultValue = defaultValue;
        this.feature = feature;
        this.needsFeature = needsFeature;
    }

    static <T> TypedProperty<T> of(String name, String description, Set<State> settableIn, Parser<T> parser,
                                   Function<T, String> printer, T defaultValue) {
        return new TypedProperty<>(name, description, settableIn, parser, printer, c -> defaultValue, null, null, null, false);
    }

    /** This property with a default that depends on the container. */
    TypedProperty<T> defaultFor(Function<Container, T> defaultOf) {
        return new TypedProperty<>(name, description, settableIn, parser, printer, defaultOf, feature, needsFeature, input, keyed);
    }

    /** This property as one whose text is "key: value; ...", so {@code name[key]} reads or writes one entry. */
    TypedProperty<T> keyed() {
        return new TypedProperty<>(name, description, settableIn, parser, printer, defaultValue, feature, needsFeature, input, true);
    }

    /** A size in bytes ("1G", "512M", a plain number), printed as the number of bytes. */
    static TypedProperty<Long> size(String name, String description, Set<State> settableIn, Parser<Long> parser) {
        return of(name, description, settableIn, parser, String::valueOf, 0L);
    }

    /** This property, whose values that {@code when} accepts need the kernel feature {@code limit}: refused without it. */
    TypedProperty<T> needs(Limit limit, Predicate<T> when) {
        return new TypedProperty<>(name, description, settableIn, parser, printer, defaultValue, limit, when, input, keyed);
    }

    /** This property, whose user text is parsed by {@code input} (the canonical text still by its parser). */
    TypedProperty<T> input(InputParser<T> input) {
        return new TypedProperty<>(name, description, settableIn, parser, printer, defaultValue, feature, needsFeature, input, keyed);
    }

    static TypedProperty<Boolean> bool(String name, String description, Set<State> settableIn, boolean defaultValue) {
        return of(name, description, settableIn, Values::parseBool, Values::formatBool, defaultValue);
    }

    /** The registry's entry: reading prints the value, setting parses the user's text and keeps it canonical. */
    Property entry() {
        return Property.settable(name, description, settableIn, (s, c) -> printer.apply(defaultValue.apply(c)),
                (s, c, who, text) -> canonical(() -> s.config(), limit -> s.kernel.cgroups().unsupported(limit), text), keyed);
    }

    /**
     * The user's text parsed (on {@code host}), checked against the kernel's features ({@code unsupported} says why
     * the kernel lacks one, null when it has it), and printed canonically.
     */
    String canonical(Supplier<DomainConfig> host, Function<Limit, String> unsupported, String text) throws PortoException {
        T value = input != null ? input.parse(text, host.get()) : parser.parse(text);
        if (feature != null && needsFeature.test(value)) {
            String why = unsupported.apply(feature);
            if (why != null)
                throw new PortoException(ErrorCode.NotSupported, name + " is not supported: " + why);
        }
        return printer.apply(value);
    }

    /** True when {@code c} has a value other than the default. */
    boolean isSet(Container c) throws PortoException {
        return c.config.containsKey(name) && !value(c).equals(defaultValue.apply(c));
    }

    /** The value in force for {@code c}: what was set, or the default. */
    T value(Container c) throws PortoException {
        String text = c.config.get(name);
        if (text == null)
            return defaultValue.apply(c);
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

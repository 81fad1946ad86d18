package porto.domain;

import java.util.Set;
import java.util.function.Function;

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

    final String name;
    private final String description;
    private final Set<State> settableIn;
    private final Parser<T> parser;
    private final Function<T, String> printer;
    private final T defaultValue;

    private TypedProperty(String name, String description, Set<State> settableIn, Parser<T> parser,
                          Function<T, String> printer, T defaultValue) {
        this.name = name;
        this.description = description;
        this.settableIn = settableIn;
        this.parser = parser;
        this.printer = printer;
        this.defaultValue = defaultValue;
    }

    static <T> TypedProperty<T> of(String name, String description, Set<State> settableIn, Parser<T> parser,
                                   Function<T, String> printer, T defaultValue) {
        return new TypedProperty<>(name, description, settableIn, parser, printer, defaultValue);
    }

    static TypedProperty<Boolean> bool(String name, String description, Set<State> settableIn, boolean defaultValue) {
        return of(name, description, settableIn, Values::parseBool, Values::formatBool, defaultValue);
    }

    /** The registry's entry: reading prints the value, setting parses the user's text and keeps it canonical. */
    Property entry() {
        return Property.settable(name, description, settableIn, (s, c) -> printer.apply(defaultValue),
                (s, c, who, text) -> printer.apply(parser.parse(text)), false);
    }

    /** The value in force for {@code c}: what was set, or the default. */
    T value(Container c) throws PortoException {
        String text = c.config.get(name);
        if (text == null)
            return defaultValue;
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

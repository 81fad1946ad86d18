package porto.domain;

import java.util.Map;
import java.util.TreeMap;

/**
 * Labels: "PREFIX.name" keys with short values a container carries for its users, as upstream's
 * rules: the prefix is 2 to 16 capital letters and not PORTO; names and values use the characters
 * of container names (letters, digits, {@code _-@:.}); a name is at most 128 bytes, a value at most
 * 65536; a container has at most 100. An empty value removes the label. They are kept as the
 * "labels" entry of the container's config ("A.b: 1; C.d: x", sorted), so they are saved with it.
 */
final class Labels {
    private Labels() {}

    static final String PROPERTY = "labels";
    static final int NAME_MAX = 128;
    static final int VALUE_MAX = 65536;
    static final int COUNT_MAX = 100;
    private static final String PREFIX_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final String NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-@:.";

    /**
     * The "labels" property: all of them ("A.b: 1; C.d: x"), set whole (those not named are
     * removed) or one by one as labels[A.b]; labels[.A.b] also looks in the parents.
     */
    static void register(Properties p) {
        p.add(Property.settable(PROPERTY, "user-defined labels: <PREFIX.name>: <value>; ...", Property.ANY_STATE,
                c -> "", (c, who, text) -> {
                    return format(apply(new TreeMap<>(), Values.parseMap(text, false)));
                }, true).withKeys((c, key) -> get(c, key), (c, key, value) -> {
                    TreeMap<String, String> labels = of(c);
                    validate(key, value.trim());
                    if (value.trim().isEmpty())
                        labels.remove(key);
                    else
                        labels.put(key, value.trim());
                    return format(labels);
                }));
    }

    /** True when a property name is a label's: capitals, then a dot (upstream routes these to labels). */
    static boolean isLabelName(String property) {
        int dot = property.indexOf('.');
        return dot > 0 && only(property.substring(0, dot), PREFIX_CHARS);
    }

    static void validate(String label, String value) throws PortoException {
        if (label.length() > NAME_MAX)
            throw invalid("label name is too long, at most " + NAME_MAX + " bytes");
        if (value.length() > VALUE_MAX)
            throw invalid("label value is too long, at most " + VALUE_MAX + " bytes");
        int dot = label.indexOf('.');
        if (dot < 2 || dot > 16 || !only(label.substring(0, dot), PREFIX_CHARS) || !only(label, NAME_CHARS)
                || label.startsWith("PORTO"))
            throw invalid("invalid label name '" + label + "': PREFIX.name with a prefix of 2-16 capital letters (not PORTO)"
                    + " and letters, digits and _-@:. after it");
        if (!only(value, NAME_CHARS))
            throw invalid("invalid label value '" + value + "': letters, digits and _-@:. only");
    }

    private static PortoException invalid(String message) {
        return new PortoException(ErrorCode.InvalidLabel, message);
    }

    private static boolean only(String text, String allowed) {
        for (int i = 0; i < text.length(); i++)
            if (allowed.indexOf(text.charAt(i)) < 0)
                return false;
        return true;
    }

    /** The container's labels, sorted by name. */
    static TreeMap<String, String> of(Container c) {
        TreeMap<String, String> map = new TreeMap<>();
        String text = c.config.get(PROPERTY);
        if (text == null || text.isEmpty())
            return map;
        try {
            map.putAll(Values.parseMap(text, false));
        } catch (PortoException e) {
            // written by us; a damaged record reads as no labels
        }
        return map;
    }

    static String format(Map<String, String> labels) {
        return Values.formatMap(labels);
    }

    private static void store(Container c, TreeMap<String, String> labels) {
        if (labels.isEmpty())
            c.config.remove(PROPERTY);
        else
            c.config.put(PROPERTY, format(labels));
    }

    /** One label; ".NAME" looks in the container, then its parents, as upstream. */
    static String get(Container c, String label) throws PortoException {
        if (label.startsWith(".")) {
            String name = label.substring(1);
            for (Container p = c; p != null; p = p.parent) {
                String v = of(p).get(name);
                if (v != null)
                    return v;
            }
        } else {
            String v = of(c).get(label);
            if (v != null)
                return v;
        }
        throw new PortoException(ErrorCode.LabelNotFound, "label " + label + " is not set");
    }

    /** Sets (or, with an empty value, removes) several labels; {@code replace} removes the others first. */
    static void set(Container c, Map<String, String> changes, boolean replace) throws PortoException {
        store(c, apply(replace ? new TreeMap<>() : of(c), changes));
    }

    /** {@code labels} with the changes made, each checked, and their number. */
    private static TreeMap<String, String> apply(TreeMap<String, String> labels, Map<String, String> changes) throws PortoException {
        for (var e : changes.entrySet())
            validate(e.getKey(), e.getValue());
        for (var e : changes.entrySet()) {
            if (e.getValue().isEmpty())
                labels.remove(e.getKey());
            else
                labels.put(e.getKey(), e.getValue());
        }
        if (labels.size() > COUNT_MAX)
            throw new PortoException(ErrorCode.ResourceNotAvailable, "too many labels: at most " + COUNT_MAX);
        return labels;
    }

    /** The outcome of SetLabel: the value before (null when unset) and the container's state. */
    record Previous(String value, String state) {}

    /**
     * SetLabel: fails Busy when {@code expected} is given and the label holds something else
     * (LabelNotFound when it is unset and something non-empty was expected), InvalidState when
     * {@code state} is given and the container is in another.
     */
    static Previous setChecked(Container c, String label, String value, String expected, String state) throws PortoException {
        validate(label, value);
        TreeMap<String, String> labels = of(c);
        String before = labels.get(label);
        if (expected != null) {
            if (before == null && !expected.isEmpty())
                throw new PortoException(ErrorCode.LabelNotFound, "container " + c.name + " has no label " + label);
            if (before != null && !before.equals(expected))
                throw new PortoException(ErrorCode.Busy, "container " + c.name + " label " + label + " is " + before + " not " + expected);
        }
        if (state != null && !c.state().text().equals(state))
            throw new PortoException(ErrorCode.InvalidState, "container " + c.name + " is " + c.state().text() + " not " + state);
        if (!value.isEmpty() && before == null && labels.size() >= COUNT_MAX)
            throw new PortoException(ErrorCode.ResourceNotAvailable, "too many labels: at most " + COUNT_MAX);
        if (value.isEmpty())
            labels.remove(label);
        else
            labels.put(label, value);
        store(c, labels);
        return new Previous(before, c.state().text());
    }

    /** IncLabel: adds {@code add} to a label's number (an unset one counts from 0) and returns the sum. */
    static long increment(Container c, String label, long add) throws PortoException {
        validate(label, "");
        TreeMap<String, String> labels = of(c);
        String before = labels.get(label);
        long value = 0;
        if (before == null) {
            if (add == 0)
                throw new PortoException(ErrorCode.LabelNotFound, "label " + label + " is not set");
            if (labels.size() >= COUNT_MAX)
                throw new PortoException(ErrorCode.ResourceNotAvailable, "too many labels: at most " + COUNT_MAX);
        } else {
            try {
                value = Long.parseLong(before);
            } catch (NumberFormatException e) {
                throw new PortoException(ErrorCode.InvalidValue, "label " + label + " is not a number: '" + before + "'");
            }
        }
        long sum;
        try {
            sum = Math.addExact(value, add);
        } catch (ArithmeticException e) {
            throw new PortoException(ErrorCode.InvalidValue, "label " + label + " overflows: " + value + " + " + add);
        }
        labels.put(label, Long.toString(sum));
        store(c, labels);
        return sum;
    }
}

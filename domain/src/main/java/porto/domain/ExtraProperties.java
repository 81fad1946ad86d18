package porto.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * portod.conf's extra_properties: at each start, properties a container did not set itself are
 * given the configured value when its name matches the filter, as upstream. Those given at the
 * last start are listed under {@link #APPLIED} (the read-only property extra_properties) and
 * taken back before the next start, so a changed configuration takes effect then.
 */
final class ExtraProperties {
    private ExtraProperties() {}

    static final String APPLIED = "extra_properties";

    static void apply(Properties properties, Container c) throws PortoException {
        for (String earlier : Values.splitList(c.config.getOrDefault(APPLIED, ""), ';'))
            if (!earlier.isBlank())
                c.config.remove(base(earlier));
        c.config.remove(APPLIED);
        List<String> applied = new ArrayList<>();
        for (ContainerDefaults.ExtraProperties extra : c.defaults.extraProperties()) {
            if (!Masks.matches(c.name, extra.filter()))
                continue;
            for (var e : extra.properties().entrySet()) {
                String name = base(e.getKey());
                Property p = properties.find(name);
                if (p == null || p.readOnly || c.config.containsKey(name))
                    continue;
                String value = e.getValue();
                if (!name.equals(e.getKey())) {
                    String key = e.getKey().substring(name.length() + 1, e.getKey().length() - 1);
                    value = p.keySetter != null ? p.keySetter.merge(c, key, value) : value;
                }
                try {
                    c.config.put(name, p.setter.canonical(c, Caller.ROOT, value));
                } catch (PortoException err) {
                    throw new PortoException(err.code(), "extra property " + e.getKey() + " of portod.conf: " + err.getMessage());
                }
                applied.add(e.getKey());
            }
        }
        if (!applied.isEmpty())
            c.config.put(APPLIED, String.join(";", applied));
    }

    private static String base(String name) {
        int bracket = name.indexOf('[');
        return bracket < 0 ? name : name.substring(0, bracket);
    }
}

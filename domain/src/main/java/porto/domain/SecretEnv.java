package porto.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * env_secret: environment variables the task gets like env's, which are never shown back. Reading
 * the property shows each as "NAME=&lt;secret salt=S md5=H&gt;" with a fresh random salt and the md5 of
 * salt and value, as upstream, so a user can check a value without the daemon revealing it.
 */
final class SecretEnv {
    private SecretEnv() {}

    private static final SecureRandom RANDOM = new SecureRandom();

    static final TypedProperty<Map<String, String>> ENV_SECRET = TypedProperty.of("env_secret",
            "secret environment of the main process, never shown in clear: <name>=<value>; ...", Property.STOPPED_ONLY,
            t -> Collections.unmodifiableMap(Values.parseMap(t, true)), Values::formatMap, Map.<String, String>of()).keyed();

    static void register(Properties p) {
        Property entry = ENV_SECRET.entry();
        // Its own entry: reading must never print the values the config keeps.
        p.add(Property.settableShown(entry.name(), entry.description(), Property.STOPPED_ONLY, c -> shown(c), (c, who, text) -> {
            Map<String, String> vars = Values.parseMap(text, true);
            for (String name : vars.keySet())
                if (name.isEmpty() || name.contains("="))
                    throw Values.invalid("invalid variable name '" + name + "' in env_secret");
            return Values.formatMap(vars);
        }, true).withKeys((c, key) -> {
            String v = ENV_SECRET.value(c).get(key);
            if (v == null)
                throw new PortoException(ErrorCode.InvalidValue, "no variable " + key + " in env_secret");
            return hidden(key, v);
        }, (c, key, value) -> {
            Map<String, String> vars = new LinkedHashMap<>(ENV_SECRET.value(c)); // the kept values, not the shown ones
            vars.put(key, value);
            return Values.formatMap(vars);
        }));
    }

    /** What a reader sees: names with a salted digest instead of values. */
    static String shown(Container c) throws PortoException {
        StringBuilder out = new StringBuilder();
        for (var e : ENV_SECRET.value(c).entrySet())
            out.append(out.length() > 0 ? "; " : "").append(hidden(e.getKey(), e.getValue()));
        return out.toString();
    }

    private static String hidden(String name, String value) {
        byte[] raw = new byte[8];
        RANDOM.nextBytes(raw);
        String salt = HexFormat.of().formatHex(raw);
        return name + "=<secret salt=" + salt + " md5=" + md5(salt + value) + ">";
    }

    static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

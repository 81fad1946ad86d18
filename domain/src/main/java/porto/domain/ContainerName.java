package porto.domain;

/** The rules for container names, from the manual's "Name" section. */
public final class ContainerName {
    public static final int MAX_COMPONENT = 128;
    public static final int MAX_LENGTH = 200;
    public static final int MAX_LEVELS = 16;
    /** Absolute names start with this prefix; "/porto/a/b" is "a/b" seen from the host. */
    public static final String ABSOLUTE_PREFIX = "/porto/";
    public static final String HOST = "/";

    private ContainerName() {}

    /** Checks a full name relative to the host ("a/b/c"); throws InvalidValue explaining why not. */
    public static void validate(String name) throws PortoException {
        if (name == null || name.isEmpty())
            throw invalid("container name is empty");
        if (name.length() > MAX_LENGTH)
            throw invalid("container name is longer than " + MAX_LENGTH + " characters: " + name);
        String[] parts = name.split("/", -1);
        if (parts.length > MAX_LEVELS)
            throw invalid("container name has more than " + MAX_LEVELS + " levels: " + name);
        for (String part : parts) {
            if (part.isEmpty())
                throw invalid("container name has an empty component: " + name);
            if (part.length() > MAX_COMPONENT)
                throw invalid("container name component is longer than " + MAX_COMPONENT + " characters: " + name);
            if (part.equals("self") || part.equals(".") || part.equals(".."))
                throw invalid("container name component '" + part + "' is reserved: " + name);
            for (int i = 0; i < part.length(); i++) {
                char c = part.charAt(i);
                if (!isAllowed(c))
                    throw invalid("container name contains forbidden character '" + c + "': " + name);
            }
        }
    }

    static boolean isAllowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '-' || c == '@' || c == ':' || c == '.';
    }

    /** Parent of "a/b" is "a"; parent of a first-level name is the host "/". */
    public static String parent(String name) {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? HOST : name.substring(0, slash);
    }

    public static int level(String name) {
        if (name.equals(HOST))
            return 0;
        int levels = 1;
        for (int i = 0; i < name.length(); i++)
            if (name.charAt(i) == '/')
                levels++;
        return levels;
    }

    /** True when {@code name} is {@code ancestor} itself or lies below it. */
    public static boolean isWithin(String name, String ancestor) {
        if (ancestor.equals(HOST))
            return true;
        return name.equals(ancestor) || name.startsWith(ancestor + "/");
    }

    public static String absolute(String name) {
        return name.equals(HOST) ? HOST : ABSOLUTE_PREFIX + name;
    }

    private static PortoException invalid(String message) {
        return new PortoException(ErrorCode.InvalidValue, message);
    }
}

package porto.domain;

/**
 * How much of porto a client inside a container may use: the manual's enable_porto values, weakest
 * first. A client gets the weakest level set on its container or any ancestor.
 */
enum AccessLevel {
    NONE("false"),
    READ_ISOLATE("read-isolate"),
    READ_ONLY("read-only"),
    ISOLATE("isolate"),
    CHILD_ONLY("child-only"),
    FULL("true");

    private final String text;

    AccessLevel(String text) {
        this.text = text;
    }

    String text() {
        return text;
    }

    boolean canWrite() {
        return compareTo(READ_ONLY) > 0;
    }

    /** Shows only the container's own subtree (names are relative to it). */
    boolean isolatesReads() {
        return this == READ_ISOLATE || this == ISOLATE;
    }

    /** Writes are limited to the container's own subtree. */
    boolean isolatesWrites() {
        return this == READ_ISOLATE || this == ISOLATE || this == CHILD_ONLY;
    }

    static AccessLevel parse(String value) throws PortoException {
        return switch (value.trim()) {
            case "false", "none" -> NONE;
            case "read-isolate" -> READ_ISOLATE;
            case "read-only" -> READ_ONLY;
            case "isolate" -> ISOLATE;
            case "child-only" -> CHILD_ONLY;
            case "true", "full" -> FULL;
            default -> throw Values.invalid("unknown enable_porto value '" + value
                    + "': expected false, read-isolate, read-only, isolate, child-only or true");
        };
    }

    /** A child under a read-only (or no) access level cannot be given write access (the manual's rule for non-root). */
    static boolean compatible(AccessLevel parent, AccessLevel child) {
        return switch (parent) {
            case NONE -> child == NONE;
            case READ_ISOLATE, READ_ONLY -> child.compareTo(READ_ONLY) <= 0;
            default -> true;
        };
    }
}

package porto.client;

import porto.rpc.Rpc.EError;

/**
 * A failed Porto call: either the daemon answered with an error, or the socket failed.
 *
 * <p>{@link #code()} is the numeric error code of rpc.proto's {@code EError} ({@link #error()} the
 * enum constant); failures on this side of the socket are {@code SocketUnavailable} (cannot connect),
 * {@code SocketError} (the connection broke) and {@code SocketTimeout}. {@link #errorMessage()} is the
 * text, possibly empty, and {@link #getMessage()} renders both as {@code Name (text)}, the way portoctl
 * prints them.
 */
public final class PortoClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int code;
    private final String errorMessage;

    public PortoClientException(EError error, String errorMessage) {
        this(error.getNumber(), errorMessage, null);
    }

    public PortoClientException(int code, String errorMessage) {
        this(code, errorMessage, null);
    }

    public PortoClientException(int code, String errorMessage, Throwable cause) {
        super(null, cause);
        this.code = code;
        this.errorMessage = errorMessage == null ? "" : errorMessage;
    }

    /** The numeric error code, as upstream's tools also use it for their exit status. */
    public int code() {
        return code;
    }

    /** The error code as the enum; {@code Unknown} for a number this client does not know. */
    public EError error() {
        EError e = EError.forNumber(code);
        return e == null ? EError.Unknown : e;
    }

    /** The error text without the code; may be empty. */
    public String errorMessage() {
        return errorMessage;
    }

    /** {@code Name (text)}, or just {@code Name} when there is no text. */
    @Override
    public String getMessage() {
        return describe(code, errorMessage);
    }

    /** {@code Name (text)}, or just {@code Name} when there is no text. */
    public static String describe(int code, String text) {
        String name = errorName(code);
        if (text == null || text.isEmpty()) {
            return name;
        }
        return new StringBuilder(name.length() + text.length() + 3)
                .append(name).append(" (").append(text).append(')').toString();
    }

    /** The name of an error code, {@code ContainerDoesNotExist} for 4; the number if unknown. */
    public static String errorName(int code) {
        EError e = EError.forNumber(code);
        return e == null ? Integer.toString(code) : e.name();
    }
}

package porto.domain;

/** A refused or failed request: Porto's error code, a message for the user, and an errno if any. */
public final class PortoException extends Exception {
    private final ErrorCode code;
    private final int errno;

    public PortoException(ErrorCode code, String message) {
        this(code, message, 0);
    }

    public PortoException(ErrorCode code, String message, int errno) {
        super(message, null, false, false);
        this.code = code;
        this.errno = errno;
    }

    public ErrorCode code() {
        return code;
    }

    public int errno() {
        return errno;
    }

    @Override
    public String toString() {
        return code + " (" + getMessage() + ")";
    }
}

package porto.ports;

/** A kernel call failed: carries the errno (0 when there is none) and what was being done. */
public class KernelException extends Exception {
    private final int errno;

    public KernelException(int errno, String message) {
        super(message);
        this.errno = errno;
    }

    public KernelException(int errno, String message, Throwable cause) {
        super(message, cause);
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}

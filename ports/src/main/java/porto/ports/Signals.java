package porto.ports;

/** The signal numbers the daemon sends and reads in exit statuses (Linux, x86-64 and arm64 alike). */
public final class Signals {
    private Signals() {}

    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;
}

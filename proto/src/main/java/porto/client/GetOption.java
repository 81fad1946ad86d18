package porto.client;

/** Flags of a {@link PortoClient#get} or {@link PortoClient#getProperty} request. */
public enum GetOption {
    /** Do not wait for containers that are busy; their values come back as {@code Busy} errors. */
    NONBLOCK,
    /** Refresh cached statistics before answering. */
    SYNC,
    /** Only values that were really set, not defaults. */
    REAL
}

package porto.domain;

/** State changes of containers, as reported to waiters and AsyncWait clients. */
public final class Events {
    private Events() {}

    /** Receives every state change; "destroyed" is reported when a container goes away. */
    public interface Listener {
        void stateChanged(String name, String state, long whenMillis);

        /** A label was set, changed or (with an empty value) removed. */
        default void labelChanged(String name, String state, String label, String value, long whenMillis) {
        }
    }
}

package porto.domain;

/** A state change of a container, as reported to waiters: name as seen from the host. */
public record Events() {
    /** Receives every state change; "destroyed" is reported when a container goes away. */
    public interface Listener {
        void stateChanged(String name, String state, long whenMillis);
    }
}

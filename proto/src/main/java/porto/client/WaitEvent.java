package porto.client;

/**
 * A container reaching a state, as answered by a wait or pushed after an async wait.
 *
 * @param name  the container's name; for pushed events the daemon may send {@code state = "timeout"}
 * @param state the state it reached (empty if the daemon did not say)
 * @param when  when it happened, seconds since the epoch (0 if not told)
 * @param label the label that changed, for label waits; empty otherwise
 * @param value the label's new value, for label waits; empty otherwise
 */
public record WaitEvent(String name, String state, long when, String label, String value) {
}

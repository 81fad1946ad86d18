package porto.client;

/**
 * One entry of the daemon's property or data list.
 *
 * @param name        the property's name
 * @param description the daemon's one-line description
 * @param readOnly    whether it can only be read (upstream calls these "data")
 * @param dynamic     whether it can be changed while the container runs
 */
public record PropertyDescription(String name, String description, boolean readOnly, boolean dynamic) {
}

package porto.client;

/**
 * The daemon's version.
 *
 * @param tag      release tag, for example {@code 5.3.15}
 * @param revision source revision
 */
public record Version(String tag, String revision) {
}

package porto.daemon.config;

/** A configuration file that cannot be used: its message names the file, and the line where known. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }
}

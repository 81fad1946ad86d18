package porto.daemon;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** The daemon's log: standard error, which the master points at /var/log/portod.log. */
public final class Log {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    private static final long PID = ProcessHandle.current().pid();

    private Log() {}

    public static void info(String message) {
        System.err.println(LocalDateTime.now().format(TIME) + " portod[" + PID + "]: " + message);
    }

    public static void error(String message, Throwable t) {
        info("ERROR " + message + (t == null ? "" : ": " + t));
    }
}

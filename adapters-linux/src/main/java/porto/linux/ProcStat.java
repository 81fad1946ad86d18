package porto.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fields of /proc/PID/stat; the command name may hold spaces, so fields count from the last ')'. */
final class ProcStat {
    private ProcStat() {}

    static String read(int pid) {
        try {
            return Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
        } catch (IOException e) {
            return null;
        }
    }

    static char state(String stat) {
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }

    /** Field 22: start time in clock ticks since boot. */
    static long startTime(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // fields[0] is field 3 (state), so field 22 is fields[19].
        return Long.parseLong(fields[19]);
    }
}

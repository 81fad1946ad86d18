package porto.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import porto.ports.KernelException;
import porto.ports.Processes;
import porto.ports.Scheduling;

/** Signals through kill(2); facts from /proc. */
public final class LinuxProcesses implements Processes {
    private final POSIX posix = POSIXFactory.getNativePOSIX();
    private volatile Scheduler scheduler;

    @Override
    public void kill(int pid, int signal) {
        if (pid > 0)
            posix.kill(pid, signal);
    }

    @Override
    public boolean isAlive(int pid, long startTime) {
        String stat = ProcStat.read(pid);
        if (stat == null)
            return false;
        char state = ProcStat.state(stat);
        return state != 'Z' && state != 'X' && ProcStat.startTime(stat) == startTime;
    }

    @Override
    public boolean catchesSignal(int pid, int signal) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "status"))) {
                if (line.startsWith("SigCgt:")) {
                    long mask = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    return (mask & (1L << (signal - 1))) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }

    @Override
    public void setScheduling(int pid, Scheduling scheduling) throws KernelException {
        if (scheduler == null)
            scheduler = new Scheduler(); // loads libc bindings only when first needed
        scheduler.apply(pid, scheduling);
    }

    /** The daemon's own hard limit for an rlimit resource, or -1 for unlimited. */
    public long hardLimit(int resource) {
        var limit = posix.getrlimit(resource);
        long max = limit.rlimMax();
        return max < 0 ? -1 : max;
    }
}

package porto.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import porto.ports.KernelException;
import porto.ports.Processes;
import porto.ports.Scheduling;

/** Signals through kill(2); facts from /proc. */
public final class LinuxProcesses implements Processes {
    /**
     * Ends this process at once: every state change is on disk before it is answered, so there is
     * nothing to flush, and the JVM's orderly exit would wait for threads blocked in the kernel.
     */
    public static void exitNow(int code) {
        Native.exitNow(code);
    }

    private volatile Scheduler scheduler;

    @Override
    public void kill(int pid, int signal) {
        if (pid > 0)
            Native.kill(pid, signal);
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
    public java.util.Map<String, Long> memoryStatus(int pid) {
        java.util.Map<String, Long> out = new java.util.HashMap<>();
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc", Integer.toString(pid), "status"))) {
                // "VmRSS:	    1234 kB"
                int colon = line.indexOf(':');
                if (colon < 0 || !line.endsWith(" kB"))
                    continue;
                String number = line.substring(colon + 1, line.length() - 3).trim();
                if (number.matches("[0-9]+"))
                    out.put(line.substring(0, colon), Long.parseLong(number) * 1024);
            }
        } catch (java.io.IOException | RuntimeException e) {
            return java.util.Map.of(); // gone meanwhile
        }
        return out;
    }

    @Override
    public long startTime(int pid) {
        String stat = pid > 0 ? ProcStat.read(pid) : null;
        return stat == null ? -1 : ProcStat.startTime(stat);
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

    /**
     * The daemon's own hard limit for a resource named as in /proc/self/limits ("Max open files"),
     * or -1 when unlimited or unknown.
     */
    public long hardLimit(String limitName) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (!line.startsWith(limitName))
                    continue;
                String[] words = line.substring(limitName.length()).trim().split("\\s+");
                return words[1].equals("unlimited") ? -1 : Long.parseLong(words[1]);
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}

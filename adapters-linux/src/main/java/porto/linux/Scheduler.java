package porto.linux;

import static porto.ports.Errno.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import porto.ports.KernelException;
import porto.ports.Scheduling;

/** sched_setscheduler(2), setpriority(2) and ioprio_set(2) for the threads of running tasks. */
final class Scheduler {
    private static final int PRIO_PROCESS = 0;
    private static final int IOPRIO_WHO_PROCESS = 1;

    private final int ioprioSet = switch (System.getProperty("os.arch")) {
        case "aarch64", "riscv64" -> 30;
        default -> 251; // x86_64
    };

    void apply(int pid, Scheduling s) throws KernelException {
        for (int tid : threads(pid)) {
            check(Native.schedSetscheduler(tid, s.policy(), s.priority()), "sched_setscheduler", tid);
            if (s.policy() != Scheduling.SCHED_RR)
                check(Native.setpriority(PRIO_PROCESS, tid, s.nice()), "setpriority", tid);
            check(Native.syscall(ioprioSet, IOPRIO_WHO_PROCESS, tid, s.ioprio()), "ioprio_set", tid);
        }
    }

    private static void check(int result, String call, int tid) throws KernelException {
        if (result >= 0)
            return;
        int errno = -result;
        if (errno != ESRCH) // the thread exited meanwhile
            throw new KernelException(errno, call + "(" + tid + ") failed with errno " + errno);
    }

    private static List<Integer> threads(int pid) {
        try (var tasks = Files.list(Path.of("/proc", Integer.toString(pid), "task"))) {
            return tasks.map(p -> Integer.parseInt(p.getFileName().toString())).toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            return List.of();
        }
    }
}

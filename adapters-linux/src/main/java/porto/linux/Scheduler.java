package porto.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.SaveError;
import porto.ports.KernelException;
import porto.ports.Scheduling;

/** sched_setscheduler(2), setpriority(2) and ioprio_set(2) for the threads of running tasks. */
final class Scheduler {
    private static final int PRIO_PROCESS = 0;
    private static final int IOPRIO_WHO_PROCESS = 1;
    private static final int ESRCH = 3;

    /** The few libc calls needed; jnr-posix has none of them. */
    public interface LibC {
        @SaveError
        int sched_setscheduler(int pid, int policy, @In int[] param);

        @SaveError
        int setpriority(int which, int who, int prio);

        @SaveError
        int syscall(int number, int which, int who, int ioprio);
    }

    private final LibC libc = LibraryLoader.create(LibC.class).load("c");
    private final Runtime runtime = Runtime.getRuntime(libc);
    private final int ioprioSet = switch (System.getProperty("os.arch")) {
        case "aarch64", "riscv64" -> 30;
        default -> 251; // x86_64
    };

    void apply(int pid, Scheduling s) throws KernelException {
        for (int tid : threads(pid)) {
            check(libc.sched_setscheduler(tid, s.policy(), new int[] {s.priority()}), "sched_setscheduler", tid);
            if (s.policy() != Scheduling.SCHED_RR)
                check(libc.setpriority(PRIO_PROCESS, tid, s.nice()), "setpriority", tid);
            check(libc.syscall(ioprioSet, IOPRIO_WHO_PROCESS, tid, s.ioprio()), "ioprio_set", tid);
        }
    }

    private void check(int result, String call, int tid) throws KernelException {
        if (result >= 0)
            return;
        int errno = LastError.getLastError(runtime);
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

package porto.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Makes this JVM the child subreaper that portod-native master is for the daemon: tasks whose
 * launcher exited are re-parented here, and {@link #waitFor} collects their wait(2) status.
 */
final class Reaper {
    private static final int PR_SET_CHILD_SUBREAPER = 36;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle PRCTL = LINKER.downcallHandle(LINKER.defaultLookup().find("prctl").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
            Linker.Option.firstVariadicArg(1));
    private static final MethodHandle WAITPID = LINKER.downcallHandle(LINKER.defaultLookup().find("waitpid").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private Reaper() {}

    static synchronized void becomeSubreaper() {
        try {
            if ((int) PRCTL.invokeExact(PR_SET_CHILD_SUBREAPER, 1L, 0L, 0L, 0L) != 0)
                throw new IllegalStateException("prctl(PR_SET_CHILD_SUBREAPER) failed");
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static final int WNOHANG = 1;

    /** Blocks until {@code pid}, a child of this JVM, exits; its wait status, or -1 when it is not our child. */
    static int waitFor(int pid) {
        return waitpid(pid, 0);
    }

    /** The wait status of {@code pid} if it has exited, -2 while it runs, -1 when it is not our child. */
    static int poll(int pid) {
        return waitpid(pid, WNOHANG);
    }

    private static int waitpid(int pid, int options) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment status = arena.allocate(ValueLayout.JAVA_INT);
            int r = (int) WAITPID.invokeExact(pid, status, options);
            return r == pid ? status.get(ValueLayout.JAVA_INT, 0) : r == 0 ? -2 : -1;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}

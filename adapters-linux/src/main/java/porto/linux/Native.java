package porto.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * The few libc calls the JDK has no API for, through the JDK's own foreign function interface.
 * (jnr-posix and jnr-ffi cost 150 to 350 ms of start-up each, which a reload pays; this costs ~35.)
 * Each call returns -errno on failure.
 */
final class Native {
    static final int FALLOC_FL_COLLAPSE_RANGE = 0x08;
    static final int O_RDWR = 2;
    static final int O_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_PEERCRED = 17;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private Native() {}

    private static MethodHandle function(String name, FunctionDescriptor descriptor, Linker.Option... more) {
        MemorySegment address = LINKER.defaultLookup().find(name).orElseThrow(() -> new UnsatisfiedLinkError(name));
        Linker.Option[] options = java.util.Arrays.copyOf(more, more.length + 1);
        options[more.length] = Linker.Option.captureCallState("errno");
        return LINKER.downcallHandle(address, descriptor, options);
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    // Each handle lives in its own holder, so a call links only what it uses.
    private static final class Kill {
        static final MethodHandle H = function("kill",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    private static final class Open {
        static final MethodHandle H = function("open",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    private static final class Close {
        static final MethodHandle H = function("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    private static final class Fallocate {
        static final MethodHandle H = function("fallocate", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
    }

    private static final class Getsockopt {
        static final MethodHandle H = function("getsockopt", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    }

    private static final class Exit {
        static final MethodHandle H = LINKER.downcallHandle(LINKER.defaultLookup().find("_exit").orElseThrow(),
                FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT));
    }

    /** _exit(2) at once. The JVM's own exit waits up to 300 ms for threads blocked in native calls. */
    static void exitNow(int code) {
        try {
            Exit.H.invokeExact(code);
        } catch (Throwable t) {
            Runtime.getRuntime().halt(code);
        }
    }

    private static final class SchedSetscheduler {
        static final MethodHandle H = function("sched_setscheduler", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    }

    private static final class Setpriority {
        static final MethodHandle H = function("setpriority", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    private static final class Syscall3 {
        static final MethodHandle H = function("syscall", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
                Linker.Option.firstVariadicArg(1));
    }

    private static final class Openat2 {
        static final MethodHandle H = function("syscall", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
                Linker.Option.firstVariadicArg(1));
    }

    private static final class SyscallLongs {
        static final MethodHandle H = function("syscall", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
                Linker.Option.firstVariadicArg(1));
    }

    /**
     * A raw syscall with up to four word arguments (pointers as addresses); result or -errno. Raw,
     * because glibc's setgroups() would change the groups of every thread, not just this one.
     */
    static long syscall(long number, long a, long b, long c, long d) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long rc = (long) SyscallLongs.H.invokeExact(state, number, a, b, c, d);
            return rc >= 0 ? rc : -errno(state);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static final class Pread {
        static final MethodHandle H = function("pread", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
    }

    /** pread(2) into {@code into} (native memory); bytes read or -errno. */
    static long pread(int fd, MemorySegment into, long offset) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long rc = (long) Pread.H.invokeExact(state, fd, into, into.byteSize(), offset);
            return rc >= 0 ? rc : -errno(state);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static final long SYS_OPENAT2 = 437;

    /** openat2(2) of {@code path} below {@code dirfd} with these RESOLVE_* flags; a descriptor or -errno. */
    static int openat2(int dirfd, String path, long flags, long resolve) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment how = arena.allocate(24); // struct open_how { u64 flags, mode, resolve; }
            how.set(ValueLayout.JAVA_LONG, 0, flags | O_CLOEXEC);
            how.set(ValueLayout.JAVA_LONG, 16, resolve);
            long rc = (long) Openat2.H.invokeExact(state, SYS_OPENAT2, dirfd, arena.allocateFrom(path), how, 24L);
            return rc >= 0 ? (int) rc : -errno(state);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static final class Mkdirat {
        static final MethodHandle H = function("mkdirat", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    }

    /** mkdirat(2); 0 or -errno. */
    static int mkdirat(int dirfd, String name, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) Mkdirat.H.invokeExact(state, dirfd, arena.allocateFrom(name), mode);
            return rc == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static final class Mount {
        static final MethodHandle H = function("mount", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
    }

    /** mount(2) of a filesystem with string data; 0 or -errno. */
    static int mount(String source, String target, String type, long flags, String data) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) Mount.H.invokeExact(state, arena.allocateFrom(source), arena.allocateFrom(target),
                    arena.allocateFrom(type), flags, arena.allocateFrom(data));
            return rc == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** sched_setscheduler(2) with one priority; 0 or -errno. */
    static int schedSetscheduler(int pid, int policy, int priority) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) SchedSetscheduler.H.invokeExact(state, pid, policy, arena.allocateFrom(ValueLayout.JAVA_INT, priority));
            return rc == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** setpriority(2); 0 or -errno. */
    static int setpriority(int which, int who, int priority) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) Setpriority.H.invokeExact(state, which, who, priority);
            return rc == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** A raw syscall with three int arguments (ioprio_set has no libc wrapper); result or -errno. */
    static int syscall(long number, int a, int b, int c) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long rc = (long) Syscall3.H.invokeExact(state, number, a, b, c);
            return rc >= 0 ? (int) rc : -errno(state);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int kill(int pid, int signal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) Kill.H.invokeExact(state, pid, signal);
            return rc == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** open(2); a descriptor, or -errno. */
    static int open(String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) Open.H.invokeExact(state, arena.allocateFrom(path), flags | O_CLOEXEC, 0);
            return fd >= 0 ? fd : -errno(state);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) Close.H.invokeExact(arena.allocate(CALL_STATE), fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int fallocate(int fd, int mode, long offset, long length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) Fallocate.H.invokeExact(state, fd, mode, offset, length);
            return rc == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static final int SO_PEERPIDFD = 77;

    /** SO_PEERPIDFD (Linux 6.5): a pidfd of the process that connected, or -errno. */
    static int peerPidfd(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment pidfd = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment length = arena.allocateFrom(ValueLayout.JAVA_INT, 4);
            int rc = (int) Getsockopt.H.invokeExact(state, fd, SOL_SOCKET, SO_PEERPIDFD, pidfd, length);
            return rc == 0 ? pidfd.get(ValueLayout.JAVA_INT, 0) : -errno(state);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** SO_PEERCRED of a connected UNIX socket: {pid, uid, gid}. */
    static int[] peerCredentials(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment cred = arena.allocate(12);
            MemorySegment length = arena.allocateFrom(ValueLayout.JAVA_INT, 12);
            int rc = (int) Getsockopt.H.invokeExact(state, fd, SOL_SOCKET, SO_PEERCRED, cred, length);
            if (rc != 0)
                throw new IllegalStateException("getsockopt(SO_PEERCRED) on fd " + fd + ": errno " + errno(state));
            return new int[] {cred.get(ValueLayout.JAVA_INT, 0), cred.get(ValueLayout.JAVA_INT, 4), cred.get(ValueLayout.JAVA_INT, 8)};
        } catch (IllegalStateException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}

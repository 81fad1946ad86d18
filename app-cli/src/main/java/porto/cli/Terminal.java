package porto.cli;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The pseudo-terminal that {@code exec} and {@code shell} give a container when portoctl's standard
 * input is a terminal, as upstream's: the container's stdin, stdout and stderr are the slave side
 * (passed as {@code /dev/fd/<slave>}); portoctl puts its own terminal in raw mode and copies bytes
 * both ways, passes on window-size changes, and leaves when the container closes the terminal or the
 * user types {@code ^X^X}.
 *
 * <p>libc is reached through java.lang.foreign; this class is loaded only on that path (see
 * {@link RunCommands#stdinIsTerminal()}), so other commands and runs without a terminal do not pay
 * for linking it at start-up.
 */
final class Terminal implements AutoCloseable {
    private static final int O_RDWR = 2;
    private static final int O_NOCTTY = 0400;
    private static final int O_CLOEXEC = 02000000;
    private static final int TCSANOW = 0;
    private static final long TIOCGWINSZ = 0x5413;
    private static final long TIOCSWINSZ = 0x5414;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final byte CTRL_X = 0x18;
    /** glibc's struct termios is 60 bytes on Linux; room to spare. */
    private static final long TERMIOS_SIZE = 128;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final MemoryLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout ADDRESS = ValueLayout.ADDRESS;

    private static final MethodHandle POSIX_OPENPT = function("posix_openpt", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle UNLOCKPT = function("unlockpt", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle PTSNAME_R = function("ptsname_r", FunctionDescriptor.of(INT, INT, ADDRESS, LONG));
    private static final MethodHandle OPEN = function("open", FunctionDescriptor.of(INT, ADDRESS, INT));
    private static final MethodHandle CLOSE = function("close", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle READ = function("read", FunctionDescriptor.of(LONG, INT, ADDRESS, LONG),
            Linker.Option.captureCallState("errno"));
    private static final MethodHandle WRITE = function("write", FunctionDescriptor.of(LONG, INT, ADDRESS, LONG),
            Linker.Option.captureCallState("errno"));
    private static final MethodHandle TCGETATTR = function("tcgetattr", FunctionDescriptor.of(INT, INT, ADDRESS));
    private static final MethodHandle TCSETATTR = function("tcsetattr", FunctionDescriptor.of(INT, INT, INT, ADDRESS));
    private static final MethodHandle CFMAKERAW = function("cfmakeraw", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle IOCTL = function("ioctl", FunctionDescriptor.of(INT, INT, LONG, ADDRESS),
            Linker.Option.firstVariadicArg(2));

    private final Arena arena = Arena.ofShared();
    private int master;
    private int slave;

    private Terminal(int master, int slave) {
        this.master = master;
        this.slave = slave;
    }

    /** A new pseudo-terminal pair, neither side our controlling terminal. */
    static Terminal open() {
        try (Arena local = Arena.ofConfined()) {
            int m = (int) POSIX_OPENPT.invokeExact(O_RDWR | O_NOCTTY | O_CLOEXEC);
            if (m < 0) {
                throw new IllegalStateException("Cannot open master terminal");
            }
            MemorySegment name = local.allocate(128);
            if ((int) UNLOCKPT.invokeExact(m) != 0 || (int) PTSNAME_R.invokeExact(m, name, 128L) != 0) {
                int ignored = (int) CLOSE.invokeExact(m);
                throw new IllegalStateException("Cannot unlock terminal");
            }
            int s = (int) OPEN.invokeExact(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
            if (s < 0) {
                int ignored = (int) CLOSE.invokeExact(m);
                throw new IllegalStateException("Cannot open slave terminal " + name.getString(0));
            }
            Terminal t = new Terminal(m, s);
            t.copyWindowSize(); // before the container starts: it may ask at once
            return t;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The slave side, for {@code /dev/fd/<slave>}. */
    int slave() {
        return slave;
    }

    /**
     * Copies bytes between our terminal and the container's until the container's side is closed
     * (all its holders exited) or standard input ends; true when the user left with {@code ^X^X}.
     */
    boolean forward() throws InterruptedException {
        closeFd(slave);
        slave = -1;
        MemorySegment saved = arena.allocate(TERMIOS_SIZE);
        boolean raw = call(TCGETATTR, 0, saved) == 0;
        if (raw) {
            MemorySegment rawMode = arena.allocate(TERMIOS_SIZE);
            rawMode.copyFrom(saved);
            try {
                CFMAKERAW.invokeExact(rawMode);
                int ignored = (int) TCSETATTR.invokeExact(0, TCSANOW, rawMode);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }
        Object winch = WindowSize.follow(this::copyWindowSize);
        copyWindowSize(); // again: it may have changed while the container started
        CountDownLatch done = new CountDownLatch(1);
        AtomicBoolean escaped = new AtomicBoolean();
        Thread output = Thread.ofPlatform().daemon().name("pty-output").start(() -> {
            copy(master, 1, null);
            done.countDown();
        });
        Thread.ofPlatform().daemon().name("pty-input").start(() -> {
            if (copy(0, master, escaped)) {
                write(2, "\n\r<exit portoctl>\n\r".getBytes(StandardCharsets.US_ASCII));
            }
            done.countDown();
        });
        done.await();
        if (raw) {
            try {
                int ignored = (int) TCSETATTR.invokeExact(0, TCSANOW, saved);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }
        WindowSize.stop(winch);
        if (!escaped.get()) {
            output.join(1000); // the container's last bytes, read before the end was seen
        }
        return escaped.get();
    }

    /**
     * Copies from {@code in} to {@code out} until either ends; with {@code escape}, two {@code ^X} in
     * a row stop it there (not passed on) and set it; returns whether that happened.
     */
    private boolean copy(int in, int out, AtomicBoolean escape) {
        MemorySegment buf = arena.allocate(4096);
        MemorySegment state = arena.allocate(CALL_STATE);
        int controlX = 0;
        while (true) {
            long n;
            try {
                n = (long) READ.invokeExact(state, in, buf, 4096L);
            } catch (Throwable t) {
                return false;
            }
            if (n <= 0) {
                int errno = (int) ERRNO.get(state, 0L);
                if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
                    continue;
                }
                return false;
            }
            if (escape != null) {
                for (long i = 0; i < n; i++) {
                    controlX = buf.get(ValueLayout.JAVA_BYTE, i) == CTRL_X ? controlX + 1 : 0;
                    if (controlX >= 2) {
                        escape.set(true);
                        return true;
                    }
                }
            }
            if (!writeAll(out, buf, n, state)) {
                return false;
            }
        }
    }

    private static boolean writeAll(int fd, MemorySegment buf, long n, MemorySegment state) {
        long off = 0;
        while (off < n) {
            long w;
            try {
                w = (long) WRITE.invokeExact(state, fd, buf.asSlice(off), n - off);
            } catch (Throwable t) {
                return false;
            }
            if (w < 0) {
                if ((int) ERRNO.get(state, 0L) == EINTR) {
                    continue;
                }
                return false;
            }
            off += w;
        }
        return true;
    }

    private void write(int fd, byte[] bytes) {
        MemorySegment buf = arena.allocate(bytes.length);
        buf.copyFrom(MemorySegment.ofArray(bytes));
        writeAll(fd, buf, bytes.length, arena.allocate(CALL_STATE));
    }

    /** Our terminal's size given to the container's, as upstream does on SIGWINCH. */
    private void copyWindowSize() {
        MemorySegment size = arena.allocate(8);
        if (call(IOCTL, 0, TIOCGWINSZ, size) == 0) {
            call(IOCTL, master, TIOCSWINSZ, size);
        }
    }

    private static int call(MethodHandle h, int fd, MemorySegment arg) {
        try {
            return (int) h.invokeExact(fd, arg);
        } catch (Throwable t) {
            return -1;
        }
    }

    private static int call(MethodHandle h, int fd, long request, MemorySegment arg) {
        try {
            return (int) h.invokeExact(fd, request, arg);
        } catch (Throwable t) {
            return -1;
        }
    }

    private static void closeFd(int fd) {
        if (fd >= 0) {
            try {
                int ignored = (int) CLOSE.invokeExact(fd);
            } catch (Throwable t) {
                // nothing to do about a failed close
            }
        }
    }

    @Override
    public void close() {
        closeFd(slave);
        slave = -1;
        // The master stays open: a pty-output thread may still read it; the exit closes it.
    }

    private static MethodHandle function(String name, FunctionDescriptor d, Linker.Option... options) {
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(), d, options);
    }

    /** SIGWINCH through sun.misc.Signal, kept apart so that a JVM without it still forwards. */
    private static final class WindowSize {
        static Object follow(Runnable onChange) {
            try {
                sun.misc.Signal winch = new sun.misc.Signal("WINCH");
                return sun.misc.Signal.handle(winch, s -> onChange.run());
            } catch (Throwable t) {
                return null;
            }
        }

        static void stop(Object previous) {
            if (previous instanceof sun.misc.SignalHandler h) {
                try {
                    sun.misc.Signal.handle(new sun.misc.Signal("WINCH"), h);
                } catch (Throwable t) {
                    // the handler stays; harmless, portoctl is about to exit
                }
            }
        }
    }
}

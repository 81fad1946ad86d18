package porto.linux;

import static porto.ports.Errno.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import porto.ports.KernelException;
import porto.ports.LaunchSpec;

/**
 * File access with a user's rights, inside the daemon. Credentials are per thread in the kernel,
 * so one platform thread, which runs nothing else, takes the user's fsuid, fsgid and groups and
 * drops every effective capability (CAP_SYS_PTRACE would still open other processes' /proc files),
 * makes the calls it is given, and takes the daemon's rights back. Only raw syscalls change
 * credentials: glibc's setgroups() would change every thread of the JVM.
 *
 * <p>The launcher does the same for what a task needs ({@code client_cred} in launcher.c); this is
 * for what the daemon itself opens for a client, such as a stream read back.
 */
final class AsUser {
    private static final boolean ARM = "aarch64".equals(System.getProperty("os.arch"));
    private static final long SYS_GETGROUPS = ARM ? 158 : 115;
    private static final long SYS_SETGROUPS = ARM ? 159 : 116;
    private static final long SYS_SETFSUID = ARM ? 151 : 122;
    private static final long SYS_SETFSGID = ARM ? 152 : 123;
    private static final long SYS_CAPGET = ARM ? 90 : 125;
    private static final long SYS_CAPSET = ARM ? 91 : 126;
    private static final int CAPABILITY_VERSION_3 = 0x20080522;
    /** Two {effective, permitted, inheritable} words: capabilities 0-31 and 32-63. */
    private static final long CAP_DATA_BYTES = 24;
    private static final int MAX_GROUPS = 65536;

    private static final ExecutorService THREAD = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("porto-as-user").factory());

    private AsUser() {}

    /** Raw calls made with the user's rights: they return a descriptor (or 0) or -errno. */
    interface Calls {
        int run();
    }

    /**
     * Runs {@code calls} with the rights of {@code as}, or with the daemon's when {@code as} is
     * null; returns what they return. Fails, without running them, if the rights cannot be taken.
     */
    static int call(LaunchSpec.Cred as, Calls calls) throws KernelException {
        if (as == null)
            return calls.run();
        Future<Integer> result = THREAD.submit(() -> switched(as, calls));
        try {
            return result.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof KernelException k)
                throw k;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KernelException(EINTR, "interrupted while acting as user " + as.uid());
        }
    }

    private static int switched(LaunchSpec.Cred as, Calls calls) throws KernelException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment header = arena.allocate(8);
            header.set(ValueLayout.JAVA_INT, 0, CAPABILITY_VERSION_3);
            MemorySegment saved = arena.allocate(CAP_DATA_BYTES);
            require(Native.syscall(SYS_CAPGET, header.address(), saved.address(), 0, 0), "capget");
            MemorySegment own = arena.allocate(ValueLayout.JAVA_INT, MAX_GROUPS);
            long ownCount = require(Native.syscall(SYS_GETGROUPS, MAX_GROUPS, own.address(), 0, 0), "getgroups");
            long ownFsuid = Native.syscall(SYS_SETFSUID, -1, 0, 0, 0);
            long ownFsgid = Native.syscall(SYS_SETFSGID, -1, 0, 0, 0);
            MemorySegment theirs = arena.allocate(ValueLayout.JAVA_INT, Math.max(1, as.groups().size()));
            for (int i = 0; i < as.groups().size(); i++)
                theirs.setAtIndex(ValueLayout.JAVA_INT, i, as.groups().get(i));
            try {
                require(Native.syscall(SYS_SETGROUPS, as.groups().size(), theirs.address(), 0, 0), "setgroups");
                Native.syscall(SYS_SETFSGID, as.gid(), 0, 0, 0);
                Native.syscall(SYS_SETFSUID, as.uid(), 0, 0, 0);
                // setfsuid() reports no errors: asking with an invalid id answers the current one.
                if (Native.syscall(SYS_SETFSUID, -1, 0, 0, 0) != as.uid() || Native.syscall(SYS_SETFSGID, -1, 0, 0, 0) != as.gid())
                    throw new KernelException(EPERM, "cannot take the file system ids of user " + as.uid());
                MemorySegment none = arena.allocate(CAP_DATA_BYTES).copyFrom(saved);
                none.set(ValueLayout.JAVA_INT, 0, 0); // effective, capabilities 0-31
                none.set(ValueLayout.JAVA_INT, 12, 0); // effective, capabilities 32-63
                require(Native.syscall(SYS_CAPSET, header.address(), none.address(), 0, 0), "capset");
                return calls.run();
            } finally {
                Native.syscall(SYS_CAPSET, header.address(), saved.address(), 0, 0);
                Native.syscall(SYS_SETFSUID, ownFsuid, 0, 0, 0);
                Native.syscall(SYS_SETFSGID, ownFsgid, 0, 0, 0);
                Native.syscall(SYS_SETGROUPS, ownCount, own.address(), 0, 0);
            }
        }
    }

    private static long require(long rc, String call) throws KernelException {
        if (rc < 0)
            throw new KernelException((int) -rc, call + " failed while taking a user's rights");
        return rc;
    }
}

package porto.linux;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.byref.IntByReference;

/** SO_PEERCRED of a connected UNIX socket: the client's pid, uid and gid, straight from the kernel. */
public final class PeerCredentials {
    private static final int SOL_SOCKET = 1;
    private static final int SO_PEERCRED = 17;

    public record Credentials(int pid, int uid, int gid) {}

    public interface LibC {
        int getsockopt(int fd, int level, int option, Pointer value, IntByReference length);
    }

    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    private PeerCredentials() {}

    /** Reads the credentials of socket {@code fd}; throws when the kernel refuses. */
    public static Credentials of(int fd) {
        Pointer buf = Memory.allocate(RUNTIME, 12);
        IntByReference len = new IntByReference(12);
        if (LIBC.getsockopt(fd, SOL_SOCKET, SO_PEERCRED, buf, len) != 0)
            throw new IllegalStateException("getsockopt(SO_PEERCRED) failed on fd " + fd);
        return new Credentials(buf.getInt(0), buf.getInt(4), buf.getInt(8));
    }
}

package porto.linux;

/** SO_PEERCRED of a connected UNIX socket: the client's pid, uid and gid, straight from the kernel. */
public final class PeerCredentials {
    public record Credentials(int pid, int uid, int gid) {}

    private PeerCredentials() {}

    /** Reads the credentials of socket {@code fd}; throws when the kernel refuses. */
    public static Credentials of(int fd) {
        int[] c = Native.peerCredentials(fd);
        return new Credentials(c[0], c[1], c[2]);
    }
}

package porto.linux;

/**
 * SO_PEERCRED of a connected UNIX socket: the client's pid, uid and gid, straight from the kernel;
 * and when its process started, so that a pid reused later is never taken for the client.
 */
public final class PeerCredentials {
    /** @param startTime clock ticks since boot, as in /proc/PID/stat; -1 when the process is already gone */
    public record Credentials(int pid, int uid, int gid, long startTime) {}

    private static final long SYS_PIDFD_SEND_SIGNAL = 424;

    private PeerCredentials() {}

    /** Reads the credentials of socket {@code fd}; throws when the kernel refuses. */
    public static Credentials of(int fd) {
        int[] c = Native.peerCredentials(fd);
        return new Credentials(c[0], c[1], c[2], startTime(fd, c[0]));
    }

    /**
     * The start time of the process that connected. With a pidfd of that very process
     * (SO_PEERPIDFD), the time read from /proc/PID is its own if the process still lives after
     * the read: its pid cannot have been reused meanwhile. Older kernels: /proc/PID as it is now.
     */
    private static long startTime(int socket, int pid) {
        int pidfd = Native.peerPidfd(socket);
        try {
            String stat = ProcStat.read(pid);
            if (stat == null)
                return -1;
            if (pidfd >= 0 && Native.syscall(SYS_PIDFD_SEND_SIGNAL, pidfd, 0, 0, 0) != 0)
                return -1;
            return ProcStat.startTime(stat);
        } finally {
            if (pidfd >= 0)
                Native.close(pidfd);
        }
    }
}

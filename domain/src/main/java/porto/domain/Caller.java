package porto.domain;

/**
 * Who sent a request: the peer credentials of the client's socket and the container its process
 * lives in ({@link ContainerName#HOST} for a process on the host). For a client inside a container,
 * {@link ContainerService#identify} replaces uid and gid with the container's owner, as the manual
 * says requests from containers are executed on behalf of their owner.
 */
/**
 * @param startTime when the client's process started (clock ticks since boot, read at connect), so
 *                  that a pid reused since is never taken for the client; 0 when not known
 */
public record Caller(int pid, int uid, int gid, String container, long startTime) {
    public static final Caller ROOT = new Caller(0, 0, 0, ContainerName.HOST, 0);
    /** {@link #startTime} of a client whose process was gone before it could be identified. */
    public static final long GONE = -1;

    public Caller(int pid, int uid, int gid) {
        this(pid, uid, gid, ContainerName.HOST, 0);
    }

    public boolean isRoot() {
        return uid == 0;
    }

    public boolean inContainer() {
        return !container.equals(ContainerName.HOST);
    }
}

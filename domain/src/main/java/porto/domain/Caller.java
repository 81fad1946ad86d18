package porto.domain;

/**
 * Who sent a request: the peer credentials of the client's socket and the container its process
 * lives in ({@link ContainerName#HOST} for a process on the host). For a client inside a container,
 * {@link ContainerService#identify} replaces uid and gid with the container's owner, as the manual
 * says requests from containers are executed on behalf of their owner.
 */
public record Caller(int pid, int uid, int gid, String container) {
    public static final Caller ROOT = new Caller(0, 0, 0, ContainerName.HOST);

    public Caller(int pid, int uid, int gid) {
        this(pid, uid, gid, ContainerName.HOST);
    }

    public boolean isRoot() {
        return uid == 0;
    }

    public boolean inContainer() {
        return !container.equals(ContainerName.HOST);
    }
}

package porto.domain;

/**
 * Who sent a request: the peer credentials of the client's socket. Clients on the host see every
 * container; the name they use is relative to the host.
 */
public record Caller(int pid, int uid, int gid) {
    public static final Caller ROOT = new Caller(0, 0, 0);

    public boolean isRoot() {
        return uid == 0;
    }
}

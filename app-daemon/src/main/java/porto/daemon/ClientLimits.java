package porto.daemon;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Upstream's client limits (its daemon config, same names and defaults): at most
 * {@code max_clients} (1000) connections, and at most {@code max_clients_in_container} (500) from
 * one container, or, on the host, from one user; root may have 100 more of each. When a limit is
 * reached, the client idle the longest beyond {@code client_idle_timeout} (60 s) is dropped to make
 * room, as upstream does; when none is, the newcomer is refused with ResourceNotAvailable.
 * Set in portod.conf's daemon section; the environment variables PORTO_MAX_CLIENTS,
 * PORTO_MAX_CLIENTS_IN_CONTAINER and PORTO_CLIENT_IDLE_TIMEOUT (seconds) override it.
 */
final class ClientLimits {
    /** Upstream's NR_SUPERUSER_CLIENTS: root keeps a way in when users have taken every slot. */
    static final int SUPERUSER_EXTRA = 100;

    /**
     * Refused clients kept open at once, each waiting (at most {@code refusalWaitMillis}) for the
     * request its refusal answers; beyond them a refused connection is closed at once, so a flood
     * of connects cannot use up the daemon's descriptors.
     */
    static final int MAX_WAITING_REFUSALS = 100;

    record Settings(int maxClients, int maxPerOwner, long idleTimeoutNanos, long refusalWaitMillis) {
        /**
         * portod.conf's daemon section, each value overridden by its environment variable when set;
         * PORTO_REFUSAL_WAIT_MS (not upstream's) is how long a refused client may take to ask.
         */
        static Settings from(Map<String, String> env, porto.daemon.config.DaemonConfig config) {
            return new Settings(Integer.parseInt(env.getOrDefault("PORTO_MAX_CLIENTS", String.valueOf(config.maxClients()))),
                    Integer.parseInt(env.getOrDefault("PORTO_MAX_CLIENTS_IN_CONTAINER", String.valueOf(config.maxClientsInContainer()))),
                    TimeUnit.SECONDS.toNanos(Long.parseLong(env.getOrDefault("PORTO_CLIENT_IDLE_TIMEOUT",
                            String.valueOf(config.clientIdleTimeoutS())))),
                    Long.parseLong(env.getOrDefault("PORTO_REFUSAL_WAIT_MS", "5000")));
        }
    }

    /** What the limits need of a connection. */
    interface Client {
        /** "user UID" for a client on the host, "container NAME" for one inside a container. */
        String owner();

        /** True while a request is being handled or answered. */
        boolean busy();

        /** System.nanoTime() of its last request or answer. */
        long lastActivity();

        /** Closes the connection; it leaves through {@link #leave}. */
        void drop();
    }

    private final Settings settings;
    private final Set<Client> clients = Collections.newSetFromMap(new IdentityHashMap<>());

    ClientLimits(Settings settings) {
        this.settings = settings;
    }

    /** Admits a client, dropping an idle one if a limit is reached; null, or why it cannot be admitted. */
    synchronized String admit(Client client, boolean superuser) {
        int extra = superuser ? SUPERUSER_EXTRA : 0;
        long same = clients.stream().filter(c -> c.owner().equals(client.owner())).count();
        if (same >= settings.maxPerOwner() + extra && !dropIdle(client.owner()))
            return "too many clients of " + client.owner() + ": " + same + " connections are open (max_clients_in_container "
                    + (settings.maxPerOwner() + extra) + ") and none has been idle for " + seconds() + " s";
        if (clients.size() >= settings.maxClients() + extra && !dropIdle(null))
            return "too many clients: " + clients.size() + " connections are open (max_clients " + (settings.maxClients() + extra)
                    + ") and none has been idle for " + seconds() + " s";
        clients.add(client);
        return null;
    }

    private int waitingRefusals;
    /** Refused connections closed at once since the last refusal that was logged. */
    private long closedUnanswered;

    /**
     * A refused client may wait for its answer: true while fewer than {@link #MAX_WAITING_REFUSALS}
     * do, and then {@link #refusalAnswered} must follow; false means close it at once.
     */
    synchronized boolean mayWaitForRefusal() {
        if (waitingRefusals >= MAX_WAITING_REFUSALS) {
            closedUnanswered++;
            return false;
        }
        waitingRefusals++;
        return true;
    }

    synchronized void refusalAnswered() {
        waitingRefusals--;
    }

    /** Refused connections closed unanswered since the last call (for the log). */
    synchronized long takeClosedUnanswered() {
        long n = closedUnanswered;
        closedUnanswered = 0;
        return n;
    }

    long refusalWaitMillis() {
        return settings.refusalWaitMillis();
    }

    synchronized void leave(Client client) {
        clients.remove(client);
    }

    synchronized int count() {
        return clients.size();
    }

    private long seconds() {
        return TimeUnit.NANOSECONDS.toSeconds(settings.idleTimeoutNanos());
    }

    /** Drops the client (of {@code owner}, or anyone's) idle the longest beyond the timeout; false when none is. */
    private boolean dropIdle(String owner) {
        long now = System.nanoTime();
        Client victim = null;
        long longest = settings.idleTimeoutNanos();
        for (Client c : clients) {
            if (c.busy() || (owner != null && !c.owner().equals(owner)))
                continue;
            long idle = now - c.lastActivity();
            if (idle >= longest) {
                victim = c;
                longest = idle;
            }
        }
        if (victim == null)
            return false;
        Log.info("dropping a client of " + victim.owner() + " idle for " + TimeUnit.NANOSECONDS.toMillis(longest)
                + " ms to make room for another");
        clients.remove(victim);
        victim.drop();
        return true;
    }
}

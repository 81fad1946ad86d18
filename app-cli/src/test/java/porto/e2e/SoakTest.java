package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import porto.client.PortoClient;
import porto.client.PortoClientException;
import porto.rpc.Rpc.EError;

/**
 * Many clients create, start, wait, read and destroy containers while the daemon is killed with
 * SIGKILL at random moments. Afterwards every container a client saw is either gone by a destroy
 * that succeeded or still there, consistent; every exit status read is the true one; nothing leaks.
 */
class SoakTest extends PortodTest {
    static final int CLIENTS = 50;
    static final Duration RUN = Duration.ofSeconds(40);

    /** What a client knows of one of its containers. */
    record Ledger(int expectedCode, boolean destroyed) {}

    private static boolean transientFailure(PortoClientException e) {
        return e.error() == EError.SocketError || e.error() == EError.SocketUnavailable || e.error() == EError.SocketTimeout;
    }

    /** Runs {@code call} until it gets through a daemon restart; returns its outcome. */
    private static <T> T retry(java.util.function.Supplier<T> call) {
        while (true) {
            try {
                return call.get();
            } catch (PortoClientException e) {
                if (!transientFailure(e))
                    throw e;
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    throw new IllegalStateException(ie);
                }
            }
        }
    }

    @Test
    void containersStayConsistentWhileTheDaemonIsKilled() throws Exception {
        Map<String, Ledger> ledger = new ConcurrentHashMap<>();
        List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger kills = new AtomicInteger();
        long end = System.nanoTime() + RUN.toNanos();

        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            int id = i;
            clients.add(Thread.ofVirtual().start(() -> {
                Random random = new Random(id);
                try (PortoClient c = portod.client()) {
                    for (int k = 0; System.nanoTime() < end; k++) {
                        String name = "soak-" + id + "-" + k;
                        int code = random.nextInt(100);
                        ledger.put(name, new Ledger(code, false));
                        try {
                            retry(() -> {
                                try {
                                    c.create(name);
                                } catch (PortoClientException e) {
                                    if (e.error() != EError.ContainerAlreadyExists)
                                        throw e; // the create got through before the daemon died
                                }
                                return null;
                            });
                            retry(() -> {
                                c.setProperty(name, "command", "bash -c 'sleep 0.$((RANDOM % 3)); exit " + code + "'");
                                return null;
                            });
                            retry(() -> {
                                try {
                                    c.start(name);
                                } catch (PortoClientException e) {
                                    if (e.error() != EError.InvalidState)
                                        throw e; // started before the daemon died
                                }
                                return null;
                            });
                            String found = retry(() -> c.waitContainers(List.of(name), 30_000));
                            if (found == null) {
                                wrong.add(name + ": wait timed out in state " + retry(() -> c.getProperty(name, "state")));
                                continue;
                            }
                            String status = retry(() -> c.getProperty(name, "exit_status"));
                            if (!status.equals(Integer.toString(code << 8)))
                                wrong.add(name + ": exit_status " + status + ", expected " + (code << 8));
                            retry(() -> {
                                try {
                                    c.destroy(name);
                                } catch (PortoClientException e) {
                                    if (e.error() != EError.ContainerDoesNotExist)
                                        throw e; // destroyed before the daemon died
                                }
                                return null;
                            });
                            ledger.put(name, new Ledger(code, true));
                            completed.incrementAndGet();
                        } catch (PortoClientException e) {
                            wrong.add(name + ": " + e.getMessage());
                        }
                    }
                }
            }));
        }

        Random random = new Random(42);
        while (System.nanoTime() < end - Duration.ofSeconds(5).toNanos()) {
            Thread.sleep(1000 + random.nextInt(2000));
            long pid = portod.daemonPid();
            PortodProcess.signal(pid, "KILL");
            kills.incrementAndGet();
        }
        for (Thread t : clients)
            t.join(Duration.ofSeconds(120));

        assertTrue(wrong.isEmpty(), wrong.size() + " inconsistencies, first: " + wrong.subList(0, Math.min(10, wrong.size())));
        assertTrue(kills.get() >= 5, "the daemon was killed " + kills.get() + " times");
        assertTrue(completed.get() > CLIENTS, "containers went through their whole life: " + completed.get());
        try (PortoClient c = portod.client()) {
            for (String name : retry(() -> c.list())) {
                Ledger l = ledger.get(name);
                assertTrue(l != null && !l.destroyed(), name + " exists but its destroy succeeded");
            }
            // Whatever remains (clients stopped mid-way) is consistent and can be destroyed.
            for (String name : c.list()) {
                String state = c.getProperty(name, "state");
                assertTrue(List.of("stopped", "running", "dead").contains(state), name + " is " + state);
                c.destroy(name);
            }
        }
        assertTrue(portod.cgroupsEmpty(), "no cgroup leaked");
        System.out.printf("soak: %d containers completed, daemon killed %d times%n", completed.get(), kills.get());
    }
}

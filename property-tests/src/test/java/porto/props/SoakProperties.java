package porto.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import porto.domain.State;
import porto.fake.Program;

/**
 * The end-to-end soak, on the fake kernel: many clients take containers through their whole life
 * while the daemon crashes at random moments. Deterministic (the seed is jqwik's) and fast.
 * Afterwards, and after every crash, each container a client saw created exists unless a destroy of
 * it succeeded, and every exit status read is the one its task exited with.
 */
class SoakProperties {
    private enum Phase { NEW, CREATED, STARTED, READ, DONE }

    private static final class Client {
        final String name;
        final int code;
        Phase phase = Phase.NEW;

        Client(String name, int code) {
            this.name = name;
            this.code = code;
        }
    }

    @Property(tries = 40)
    void containersStayConsistentWhileTheDaemonCrashes(@ForAll @IntRange(min = 5, max = 40) int clients,
                                                      @ForAll long seed) throws Exception {
        World w = new World();
        for (int code = 0; code < 10; code++)
            w.kernel.launcher().define("exit" + code, Program.exitsAfter(20 + code * 7, code));
        Random random = new Random(seed);
        List<Client> all = new ArrayList<>();
        for (int i = 0; i < clients; i++)
            all.add(new Client("soak-" + i, random.nextInt(10)));
        Map<String, Boolean> destroyed = new HashMap<>();

        for (int step = 0; step < clients * 8; step++) {
            int dice = random.nextInt(100);
            if (dice < 5) {
                w.restartDaemon(() -> w.kernel.clock().advance(random.nextInt(50)));
                checkLedger(w, all, destroyed);
                continue;
            }
            if (dice < 20) {
                w.kernel.clock().advance(random.nextInt(40));
                continue;
            }
            Client c = all.get(random.nextInt(all.size()));
            switch (c.phase) {
                case NEW -> {
                    w.service.create(World.ROOT, c.name, false);
                    w.service.set(World.ROOT, c.name, "command", "exit" + c.code);
                    c.phase = Phase.CREATED;
                }
                case CREATED -> {
                    w.service.start(World.ROOT, c.name);
                    c.phase = Phase.STARTED;
                }
                case STARTED -> {
                    if (w.state(c.name) == State.DEAD) {
                        assertEquals(Integer.toString(c.code << 8), w.get(c.name, "exit_status"), c.name + ": its true exit status");
                        c.phase = Phase.READ;
                    }
                }
                case READ -> {
                    w.service.destroy(World.ROOT, c.name);
                    destroyed.put(c.name, true);
                    c.phase = Phase.DONE;
                }
                case DONE -> { }
            }
            w.kernel.deliverExits();
            Invariants.check(w);
        }
        checkLedger(w, all, destroyed);
        // Every client's container came to rest in a state the ledger explains.
        for (Client c : all)
            if (c.phase == Phase.STARTED || c.phase == Phase.READ)
                assertTrue(List.of(State.RUNNING, State.DEAD).contains(w.state(c.name)), c.name + " is " + w.state(c.name));
    }

    private static void checkLedger(World w, List<Client> all, Map<String, Boolean> destroyed) throws Exception {
        List<String> present = w.service.list(null);
        for (Client c : all) {
            if (c.phase == Phase.NEW)
                assertTrue(!present.contains(c.name), c.name + " was never created");
            else if (destroyed.containsKey(c.name))
                assertTrue(!present.contains(c.name), c.name + " came back after its destroy succeeded");
            else
                assertTrue(present.contains(c.name), c.name + " was created and never destroyed, yet it is gone");
            if (present.contains(c.name) && w.state(c.name) == State.DEAD)
                assertEquals(Integer.toString(c.code << 8), w.get(c.name, "exit_status"), c.name + " after a crash");
        }
        Invariants.check(w);
    }
}

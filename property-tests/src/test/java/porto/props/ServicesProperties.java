package porto.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import porto.domain.PortoException;
import porto.domain.State;

/** Respawn, aging, weak cleanup and output rotation, driven by the deterministic clock. */
class ServicesProperties {

    private static void run(World w, String name, String command) throws PortoException {
        w.service.create(World.ROOT, name, false);
        w.service.set(World.ROOT, name, "command", command);
        w.service.start(World.ROOT, name);
    }

    /** A container that keeps dying is respawned a second after each death, at most max times. */
    @Property(tries = 60)
    void respawnHonoursMaxRespawns(@ForAll @IntRange(min = -1, max = 4) int max,
                                   @ForAll @IntRange(min = 1, max = 8) int seconds) throws Exception {
        World w = new World();
        w.service.create(World.ROOT, "r", false);
        w.service.set(World.ROOT, "r", "command", "true"); // the fake's true exits after 5 ms
        w.service.set(World.ROOT, "r", "respawn", "true");
        w.service.set(World.ROOT, "r", "max_respawns", Integer.toString(max));
        w.service.start(World.ROOT, "r");
        for (int s = 0; s < seconds * 10; s++) {
            w.kernel.clock().advance(100);
            Invariants.check(w);
        }
        int count = Integer.parseInt(w.get("r", "respawn_count"));
        // Each cycle is 5 ms of life and a 1 s pause: about one respawn per elapsed second.
        int possible = seconds;
        assertTrue(count <= possible, "respawned " + count + " times in " + seconds + " s");
        if (max >= 0) {
            assertTrue(count <= max, "respawned " + count + " times, max_respawns " + max);
            assertTrue(count >= Math.min(max, possible - 1), "respawns happen while allowed: " + count);
        } else {
            assertTrue(count >= possible - 1, "unlimited respawns keep going: " + count);
        }
    }

    /** A dead container is destroyed aging_time seconds after its death, not before. */
    @Property(tries = 40)
    void deadContainersAgeOut(@ForAll @IntRange(min = 1, max = 20) int agingSeconds) throws Exception {
        World w = new World();
        w.service.create(World.ROOT, "old", false);
        w.service.set(World.ROOT, "old", "command", "true");
        w.service.set(World.ROOT, "old", "aging_time", Integer.toString(agingSeconds));
        w.service.start(World.ROOT, "old");
        w.kernel.clock().advance(5);
        assertEquals(State.DEAD, w.state("old"));
        w.kernel.clock().advance(agingSeconds * 1000L - 10);
        assertEquals(List.of("old"), w.service.list(null), "still there just before aging_time");
        w.kernel.clock().advance(20);
        assertEquals(List.of(), w.service.list(null), "gone after aging_time");
        Invariants.check(w);
    }

    @Example
    void agingSurvivesARestartOfTheDaemon() throws Exception {
        World w = new World();
        w.service.create(World.ROOT, "old", false);
        w.service.set(World.ROOT, "old", "command", "true");
        w.service.set(World.ROOT, "old", "aging_time", "10");
        w.service.start(World.ROOT, "old");
        w.kernel.clock().advance(5);
        w.kernel.clock().advance(6_000);
        w.restartDaemon(() -> { });
        w.kernel.clock().advance(3_000);
        assertEquals(List.of("old"), w.service.list(null));
        w.kernel.clock().advance(1_100);
        assertEquals(List.of(), w.service.list(null), "the new daemon counts from the death, not from its start");
    }

    @Example
    void weakContainersAreDestroyedWhenTheDaemonRestarts() throws Exception {
        World w = new World();
        w.service.create(World.ROOT, "weak", true);
        run(w, "weak/child", "sleep 1000");
        w.service.create(World.ROOT, "strong", false);
        w.restartDaemon(() -> { });
        assertEquals(List.of("strong"), w.service.list(null), "no client survives a restart");
        Invariants.check(w);
    }

    /** Whatever a container writes, rotation keeps the stored tail within the limit and the offsets true. */
    @Property(tries = 40)
    void rotationKeepsTheTailAndCountsWhatItDrops(@ForAll @IntRange(min = 1, max = 40) int chunks,
                                                   @ForAll @IntRange(min = 1, max = 3000) int chunkSize) throws Exception {
        World w = new World();
        run(w, "chatty", "sleep 1000");
        w.service.set(World.ROOT, "chatty", "stdout_limit", "4096");
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < chunks; i++) {
            String chunk = Character.toString('a' + i % 26).repeat(chunkSize);
            all.append(chunk);
            w.kernel.files().append("/place/porto/chatty/stdout", chunk.getBytes(StandardCharsets.UTF_8));
            w.kernel.clock().advance(2_000);
        }
        long offset = Long.parseLong(w.get("chatty", "stdout_offset"));
        long stored = w.kernel.files().size("/place/porto/chatty/stdout");
        assertEquals(all.length(), offset + stored, "offset + stored = everything written");
        assertTrue(stored <= 4096 + chunkSize, "rotation keeps the file near the limit: " + stored);
        String tail = w.service.get("chatty", "stdout");
        assertTrue(all.toString().endsWith(tail), "what is read is the end of what was written");
        assertEquals(Math.min(4096, (int) stored), tail.length());
    }
}

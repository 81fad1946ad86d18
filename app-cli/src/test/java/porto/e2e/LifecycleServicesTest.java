package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import porto.client.PortoClient;
import porto.client.PortoClientException;
import porto.rpc.Rpc.EError;

/** Output rotation, respawn and aging on a real portod. */
class LifecycleServicesTest extends PortodTest {
    @Test
    void chattyContainerKeepsOnlyTheTailOfItsOutput() throws Exception {
        long total = 100L << 20;
        try (PortoClient c = portod.client()) {
            c.create("chatty");
            // 100 MiB of 'x' and then a recognisable last line.
            c.setProperty("chatty", "command", "bash -c 'head -c " + total + " /dev/zero | tr \"\\\\0\" x; echo; echo THE-END'");
            c.setProperty("chatty", "stdout_limit", "1M");
            c.start("chatty");
            assertEquals("chatty", c.waitContainers(List.of("chatty"), 60_000));
            long onDisk = Files.size(portod.place.resolve("chatty").resolve("stdout"));
            assertTrue(onDisk <= (1L << 20) + 8192, "stored output is about the limit: " + onDisk);
            long offset = Long.parseLong(c.getProperty("chatty", "stdout_offset"));
            assertEquals(total + 1 + "THE-END\n".length(), offset + onDisk, "offset + stored = everything written");
            String tail = c.getProperty("chatty", "stdout[:8]");
            assertEquals("THE-END\n", tail);
            assertEquals("THE-END\n", c.getProperty("chatty", "stdout[" + (offset + onDisk - 8) + ":]"));
            PortoClientException cut = assertThrows(PortoClientException.class, () -> c.getProperty("chatty", "stdout[0:10]"));
            assertEquals(EError.InvalidValue, cut.error());
            assertTrue(cut.errorMessage().contains("dropped"), cut.errorMessage());
            c.destroy("chatty");
        }
    }

    @Test
    void respawnRestartsUpToMaxRespawns() throws Exception {
        try (PortoClient c = portod.client()) {
            c.create("phoenix");
            c.setProperty("phoenix", "command", "true");
            c.setProperty("phoenix", "respawn", "true");
            c.setProperty("phoenix", "max_respawns", "2");
            c.start("phoenix");
            Await.until("phoenix respawned twice", Duration.ofSeconds(20), () -> c.getProperty("phoenix", "respawn_count").equals("2"));
            portod.awaitState("phoenix", "dead", Duration.ofSeconds(10));
            // A third respawn would make phoenix running again a respawn delay (1 s) after this death:
            // wait for that event, three delays long.
            assertNull(c.wait(List.of("phoenix"), List.of(), 3_000, "running"), "no third respawn");
            assertEquals("dead", c.getProperty("phoenix", "state"));
            assertEquals("2", c.getProperty("phoenix", "respawn_count"));
            assertEquals(EError.InvalidValue, assertThrows(PortoClientException.class, () -> c.setProperty("phoenix", "max_respawns", "-2")).error());
            c.destroy("phoenix");
        }
    }

    @Test
    void deadContainersAgeOut() throws Exception {
        try (PortoClient c = portod.client()) {
            c.create("old");
            c.setProperty("old", "command", "true");
            c.setProperty("old", "aging_time", "1");
            c.start("old");
            c.waitContainers(List.of("old"), 10_000);
            Await.until("old is destroyed a second after its death", Duration.ofSeconds(10), () -> !c.list().contains("old"));
            c.create("young");
            assertEquals(EError.InvalidValue, assertThrows(PortoClientException.class, () -> c.setProperty("young", "aging_time", "soon")).error());
            c.destroy("young");
        }
    }
}

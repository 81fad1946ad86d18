package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import porto.client.PortoClient;

/**
 * pressurize_on_death on the real kernel: a dead container, and a meta container with no live
 * child, get upstream's tiny memory soft limit (memory.soft_limit_in_bytes on v1, memory.high on
 * v2); a start, a live child or turning the property off takes it away.
 */
class PressurizeOnDeathTest extends PortodTest {
    private static final String ONE_MEGABYTE = Long.toString(1L << 20);

    private static String softLimit(PortoClient c, String name) throws Exception {
        return ContainerCgroup.of(c, name, "memory").read("memory.soft_limit_in_bytes", "memory.high");
    }

    /** What the kernel shows for no soft limit in this hierarchy. */
    private static String none(PortoClient c, String name) throws Exception {
        return ContainerCgroup.of(c, name, "memory").unified() ? "max" : "9223372036854771712";
    }

    @Test
    void aDeadContainerGetsATinySoftLimitUntilItIsTurnedOff() throws Exception {
        client.create("pd");
        try {
            client.setProperty("pd", "command", "true");
            client.setProperty("pd", "pressurize_on_death", "true");
            client.start("pd");
            assertEquals("pd", client.waitContainers(List.of("pd"), 30_000));
            assertEquals("dead", client.getProperty("pd", "state"));
            assertEquals("true", client.getProperty("pd", "pressurize_on_death"));
            assertEquals(ONE_MEGABYTE, softLimit(client, "pd"));
            // Changed while dead: at once.
            client.setProperty("pd", "pressurize_on_death", "false");
            assertEquals(none(client, "pd"), softLimit(client, "pd"));
            client.setProperty("pd", "pressurize_on_death", "true");
            assertEquals(ONE_MEGABYTE, softLimit(client, "pd"));
            Errors.expect("InvalidValue", () -> client.setProperty("pd", "pressurize_on_death", "maybe"));
        } finally {
            client.destroy("pd");
        }
    }

    @Test
    void aMetaContainerIsPressurizedWhileNoChildLives() throws Exception {
        client.create("pm");
        try {
            client.setProperty("pm", "pressurize_on_death", "true");
            client.create("pm/live");
            client.setProperty("pm/live", "command", "sleep 1000");
            client.start("pm/live");
            assertEquals("meta", client.getProperty("pm", "state"));
            assertEquals(none(client, "pm"), softLimit(client, "pm"));
            client.kill("pm/live", 9);
            assertEquals("pm/live", client.waitContainers(List.of("pm/live"), 30_000));
            assertEquals(ONE_MEGABYTE, softLimit(client, "pm"));
            // A child started again: the parent is not hollow any more.
            client.stop("pm/live");
            client.start("pm/live");
            assertEquals(none(client, "pm"), softLimit(client, "pm"));
        } finally {
            client.destroy("pm");
        }
    }

    @Test
    void theDefaultAndTheLimitComeFromPortodConf() throws Exception {
        Path dir = Files.createTempDirectory("portod-conf");
        Path conf = dir.resolve("portod.conf");
        Files.writeString(conf, "container { pressurize_on_death: true dead_memory_soft_limit: 2097152 }\n");
        try (PortodProcess p = PortodProcess.start(Map.of("PORTO_CONFIG", conf.toString()));
             PortoClient c = p.client()) {
            c.create("a");
            assertEquals("true", c.getProperty("a", "pressurize_on_death"));
            c.setProperty("a", "command", "true");
            c.start("a");
            assertEquals("a", c.waitContainers(List.of("a"), 30_000));
            assertEquals(Long.toString(2L << 20), softLimit(c, "a"));
        } finally {
            Files.deleteIfExists(conf);
            Files.deleteIfExists(dir);
        }
    }
}

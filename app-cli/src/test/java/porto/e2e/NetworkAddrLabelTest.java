package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * portod.conf's {@code network { addrlabel { ... } }}: every network namespace the daemon makes for
 * a container gets the label, as ip-addrlabel(8) shows from inside the container; the daemon's own
 * namespace does not.
 */
class NetworkAddrLabelTest {
    private NetWorld world;
    private PortodProcess portod;
    private Path conf;

    @BeforeEach
    void setUp() throws Exception {
        world = new NetWorld();
        conf = Files.createTempFile("portod-addrlabel", ".conf");
        Files.writeString(conf, "network {\n  addrlabel { prefix: \"2001:db8:5::/48\" label: 42 }\n}\n");
        portod = world.startDaemon(Map.of("PORTO_CONFIG", conf.toString()));
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (portod != null)
                portod.close();
        } finally {
            try {
                world.close();
            } finally {
                Files.deleteIfExists(conf);
            }
        }
    }

    private PortodProcess.Run ok(String... args) throws Exception {
        PortodProcess.Run r = portod.portoctl(args);
        assertEquals(0, r.code(), () -> "portoctl " + String.join(" ", args) + ": " + r.err() + "\nlog:\n" + portod.logText());
        return r;
    }

    @Test
    void anL3ContainerSeesTheConfiguredAddressLabel() throws Exception {
        ok("create", "labelled");
        ok("set", "labelled", "net", "L3 eth0");
        ok("set", "labelled", "ip", "eth0 198.51.100.10");
        ok("set", "labelled", "command", "ip addrlabel list");
        ok("start", "labelled");
        ok("wait", "labelled");
        String labels = ok("get", "labelled", "stdout").out();
        assertTrue(labels.contains("prefix 2001:db8:5::/48 label 42"), labels);
        assertTrue(labels.contains("prefix ::/0 label 1"), "the kernel's defaults stay: " + labels);
        assertFalse(NetWorld.ip("-n", world.host, "addrlabel", "list").contains("2001:db8:5::/48"),
                "only the container's namespace has it");
        ok("destroy", "labelled");
    }
}

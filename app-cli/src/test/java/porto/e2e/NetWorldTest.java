package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Base of the network tests that need only a fresh {@link NetWorld} and its daemon for each test. */
abstract class NetWorldTest {
    NetWorld world;
    PortodProcess portod;

    @BeforeEach
    void startWorld() throws Exception {
        world = new NetWorld();
        prepareWorld();
        portod = world.startDaemon(daemonEnvironment());
    }

    /** What a test needs in the world before its daemon starts (links, routes); nothing by default. */
    void prepareWorld() throws Exception {
    }

    /** The environment the daemon starts with (its network settings); none by default. */
    Map<String, String> daemonEnvironment() {
        return Map.of();
    }

    @AfterEach
    void closeWorld() throws Exception {
        try {
            if (portod != null)
                portod.close();
        } finally {
            world.close();
        }
    }

    /** Runs portoctl against the world's daemon and requires success. */
    PortodProcess.Run ok(String... args) throws Exception {
        PortodProcess.Run r = portod.portoctl(args);
        assertEquals(0, r.code(), () -> "portoctl " + String.join(" ", args) + ": " + r.err() + "\nlog:\n" + portod.logText());
        return r;
    }
}

package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import porto.client.PortoClient;

/** Base of the end-to-end tests: one real portod per test class, and portoctl helpers. */
abstract class PortodTest {
    static Portod portod;
    /** A connection for tests that talk to the API directly. */
    static PortoClient client;

    @BeforeAll
    static void startPortod() throws Exception {
        portod = Portod.start();
        client = portod.client();
    }

    @AfterAll
    static void stopPortod() throws Exception {
        if (client != null)
            client.close();
        if (portod != null)
            portod.close();
        client = null;
        portod = null;
    }

    /** Runs portoctl and requires success. */
    static Portod.Run ok(String... args) throws Exception {
        Portod.Run r = portod.portoctl(args);
        assertEquals(0, r.code(), () -> "portoctl " + String.join(" ", args) + " failed: " + r.err() + "\nlog:\n" + portod.logText());
        return r;
    }

    /** "portoctl get NAME PROPERTY", without the trailing newline. */
    static String get(String name, String property) throws Exception {
        return ok("get", name, property).line();
    }
}

package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import porto.client.PortoClient;

/** Base of the end-to-end tests: one real portod per test class, and portoctl helpers. */
abstract class PortodTest {
    static PortodProcess portod;
    /** A connection for tests that talk to the API directly. */
    static PortoClient client;

    @BeforeAll
    static void startPortod() throws Exception {
        portod = PortodProcess.start();
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
    static PortodProcess.Run ok(String... args) throws Exception {
        PortodProcess.Run r = portod.portoctl(args);
        assertEquals(0, r.code(), () -> "portoctl " + String.join(" ", args) + " failed: " + r.err() + "\nlog:\n" + portod.logText());
        return r;
    }

    /** "portoctl get NAME PROPERTY", without the trailing newline. */
    static String get(String name, String property) throws Exception {
        return ok("get", name, property).line();
    }

    /** Runs portoctl and requires a failure whose message contains {@code error} (an error code, or any text). */
    static PortodProcess.Run fails(String error, String... args) throws Exception {
        PortodProcess.Run r = portod.portoctl(args);
        assertTrue(r.code() != 0, () -> "portoctl " + String.join(" ", args) + " should fail with " + error + ", printed: " + r.out());
        assertTrue(r.err().contains(error), () -> "portoctl " + String.join(" ", args) + " should fail with " + error + ": " + r.err());
        return r;
    }

    /** "portoctl run NAME PROPS...", waits for its death and returns its stdout without the last newline. */
    static String output(String name, String... props) throws Exception {
        String[] args = new String[props.length + 2];
        args[0] = "run";
        args[1] = name;
        System.arraycopy(props, 0, args, 2, props.length);
        ok(args);
        ok("wait", name);
        String out = ok("get", name, "stdout").out();
        return out.endsWith("\n") ? out.substring(0, out.length() - 1) : out;
    }
}

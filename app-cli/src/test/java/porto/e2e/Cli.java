package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** portoctl against one test daemon, with the checks the isolation tests share. */
record Cli(Portod portod) {

    /** Runs portoctl and requires success. */
    Portod.Run ok(String... args) throws Exception {
        Portod.Run r = portod.portoctl(args);
        assertEquals(0, r.code(), () -> "portoctl " + String.join(" ", args) + " failed: " + r.err() + "\nlog:\n" + portod.logText());
        return r;
    }

    /** Runs portoctl and requires a failure whose message names {@code error} (an error code, or any text). */
    Portod.Run fails(String error, String... args) throws Exception {
        Portod.Run r = portod.portoctl(args);
        assertTrue(r.code() != 0, () -> "portoctl " + String.join(" ", args) + " should fail with " + error + ", printed: " + r.out());
        assertTrue(r.err().contains(error), () -> "portoctl " + String.join(" ", args) + " should fail with " + error + ": " + r.err());
        return r;
    }

    /** Runs a container to its death and returns its stdout without the last newline. */
    String output(String name, String... props) throws Exception {
        String[] args = new String[props.length + 2];
        args[0] = "run";
        args[1] = name;
        System.arraycopy(props, 0, args, 2, props.length);
        ok(args);
        ok("wait", name);
        String out = ok("get", name, "stdout").out();
        return out.endsWith("\n") ? out.substring(0, out.length() - 1) : out;
    }

    String get(String name, String property) throws Exception {
        return ok("get", name, property).line();
    }
}

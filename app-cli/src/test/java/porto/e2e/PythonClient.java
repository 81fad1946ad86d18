package porto.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A few lines of Python that speak the wire protocol (varint-framed messages the test encodes as
 * hex), for clients a test runs as another user and that must do what portoctl cannot: hold many
 * connections, hand a connection to another process, exec a setuid program.
 */
final class PythonClient {
    /** send(s, body), receive(s) (None when the daemon closed the connection), requests(s, "hex,hex"). */
    static final String PRELUDE = """
            import os, socket, sys
            def send(s, body):
                n, head = len(body), b''
                while True:
                    head += bytes([(n & 0x7f) | (0x80 if n > 0x7f else 0)])
                    n >>= 7
                    if not n: break
                s.sendall(head + body)
            def receive(s):
                n, shift = 0, 0
                while True:
                    b = s.recv(1)
                    if not b: return None
                    n |= (b[0] & 0x7f) << shift
                    shift += 7
                    if not b[0] & 0x80: break
                body = b''
                while len(body) < n:
                    more = s.recv(n - len(body))
                    if not more: return None
                    body += more
                return body
            def requests(s, frames):
                for f in frames.split(','):
                    send(s, bytes.fromhex(f))
                    print(receive(s).hex(), flush=True)
            """;

    private PythonClient() {}

    /**
     * Writes {@code text} as {@code name} in a directory of its own that every user may read and
     * enter (the test runs it as another user); {@link #remove} takes the directory away again.
     */
    static Path script(String name, String text) throws Exception {
        Path dir = Files.createTempDirectory("porto-python-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path script = dir.resolve(name);
        Files.writeString(script, text);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
        return script;
    }

    /** Removes a script's directory and whatever the test put beside it. */
    static void remove(Path script) throws Exception {
        if (script != null)
            PortodProcess.deleteTree(script.getParent());
    }
}

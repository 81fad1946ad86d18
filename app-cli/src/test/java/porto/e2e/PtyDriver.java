package porto.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program on a pseudo-terminal of its own, as a user at a terminal would: python3 opens the
 * pair, sets the window size, starts the program as the leader of a session whose controlling
 * terminal is the slave, then plays a dialogue of "expect TEXT", "send TEXT" and "resize ROWS COLS"
 * (the terminal's new size: the kernel tells its foreground programs by SIGWINCH) steps and reads
 * until the program closes the terminal. Every wait has a deadline, so a hang fails the test.
 */
final class PtyDriver {
    private static final String SCRIPT = """
            import json, os, select, struct, sys, termios, fcntl, time
            spec = json.loads(sys.argv[1])
            master, slave = os.openpty()
            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', spec['rows'], spec['cols'], 0, 0))
            name = os.ttyname(slave)
            pid = os.fork()
            if pid == 0:
                os.close(master)
                os.setsid()
                fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
                for fd in (0, 1, 2):
                    os.dup2(slave, fd)
                os.execvp(spec['argv'][0], spec['argv'])
            os.close(slave)
            out = b''
            deadline = time.monotonic() + spec['timeout']
            def pump(until):
                global out
                while until is None or until.encode() not in out:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise SystemExit('timed out waiting for %r; got %r' % (until, out))
                    r, _, _ = select.select([master], [], [], left)
                    if not r:
                        continue
                    try:
                        data = os.read(master, 4096)
                    except OSError:
                        data = b''
                    if not data:
                        if until is None:
                            return
                        raise SystemExit('closed before %r; got %r' % (until, out))
                    out += data
            for kind, text in spec['steps']:
                if kind == 'expect':
                    pump(text)
                elif kind == 'resize':
                    rows, cols = map(int, text.split())
                    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
                else:
                    os.write(master, text.encode())
            pump(None)
            _, status = os.waitpid(pid, 0)
            print(json.dumps({'tty': name, 'status': os.waitstatus_to_exitcode(status),
                              'output': out.decode('utf-8', 'replace')}))
            """;

    /** What the program printed on its terminal, its exit status, and the name of that terminal. */
    record Result(String tty, int status, String output) {}

    private PtyDriver() {}

    /**
     * Runs {@code argv} on a terminal of {@code rows} x {@code cols}; {@code steps} alternate "expect",
     * "send" or "resize" with their text.
     */
    static Result run(Map<String, String> env, List<String> argv, int rows, int cols, String... steps) throws Exception {
        StringBuilder json = new StringBuilder("{\"rows\": ").append(rows).append(", \"cols\": ").append(cols)
                .append(", \"timeout\": 90, \"argv\": [");
        for (int i = 0; i < argv.size(); i++)
            json.append(i == 0 ? "" : ", ").append(quote(argv.get(i)));
        json.append("], \"steps\": [");
        for (int i = 0; i < steps.length; i += 2)
            json.append(i == 0 ? "" : ", ").append('[').append(quote(steps[i])).append(", ").append(quote(steps[i + 1])).append(']');
        json.append("]}");
        Path out = Files.createTempFile("porto-pty", ".json");
        try {
            List<String> cmd = new ArrayList<>(List.of("python3", "-c", SCRIPT, json.toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectErrorStream(false);
            pb.environment().putAll(env);
            pb.redirectError(ProcessBuilder.Redirect.INHERIT);
            Process p = pb.start();
            p.getOutputStream().close();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the pty driver hangs: " + argv);
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0)
                throw new AssertionError("the pty driver failed (" + p.exitValue() + "): " + text);
            return parse(text);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static Result parse(String json) throws Exception {
        // Parsed by python3 again into three lines: no JSON library is needed here.
        Process p = new ProcessBuilder("python3", "-c",
                "import json,sys; d=json.load(sys.stdin); sys.stdout.write(d['tty']+'\\n'+str(d['status'])+'\\n'+d['output'])")
                .start();
        p.getOutputStream().write(json.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        String[] parts = text.split("\n", 3);
        return new Result(parts[0], Integer.parseInt(parts[1]), parts.length > 2 ? parts[2] : "");
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\')
                sb.append('\\').append(c);
            else if (c < 0x20)
                sb.append(String.format("\\u%04x", (int) c));
            else
                sb.append(c);
        }
        return sb.append('"').toString();
    }
}

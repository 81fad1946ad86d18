package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Output sent to a regular file that a shell opened without O_APPEND ({@code > log}) keeps what is
 * there: the container's writes through /dev/fd/N and portoctl's own land after it, as upstream's do.
 */
class PortoctlAppendTest extends PortodTest {
    static Path scratch;
    static String portoctl;

    @BeforeAll
    static void tools() throws Exception {
        scratch = Files.createTempDirectory("porto-append-");
        portoctl = PortodProcess.portoctlScript(scratch).toString();
    }

    @AfterAll
    static void clean() throws Exception {
        if (scratch != null)
            PortodProcess.deleteTree(scratch);
    }

    /** Runs {@code sh -c script} with this daemon's environment; its combined output on failure. */
    private static void shell(String script) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true);
        pb.environment().putAll(portod.env());
        pb.environment().put("PORTOCTL", portoctl);
        Process p = pb.start();
        p.getOutputStream().close();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), said);
    }

    @Test
    void execOutputToATruncatedFileKeepsWhatTheShellWrote() throws Exception {
        Path log = scratch.resolve("log");
        shell("{ echo before; \"$PORTOCTL\" exec append-exec 'command=echo \"Hello, world!\"'; echo after; } > " + log);
        assertEquals("before\nHello, world!\nafter\n", Files.readString(log));
    }

    @Test
    void devFdOutputToAFileWithContentKeepsIt() throws Exception {
        Path out = scratch.resolve("out");
        Files.writeString(out, "already here\n");
        shell("exec 3<>" + out + "; \"$PORTOCTL\" run append-fd 'command=echo appended' stdout_path=/dev/fd/3"
                + " stderr_path=/dev/fd/3 && \"$PORTOCTL\" wait append-fd >/dev/null && \"$PORTOCTL\" destroy append-fd");
        assertEquals("already here\nappended\n", Files.readString(out));
    }

    @Test
    void execStderrToAFileAppendsToo() throws Exception {
        Path err = scratch.resolve("err");
        shell("{ echo first >&2; \"$PORTOCTL\" exec append-err 'command=sh -c \"echo oops >&2; exit 3\"'; echo last >&2; } 2> "
                + err + " || true");
        assertEquals("first\noops\nContainer exit code: 3\nlast\n", Files.readString(err));
    }
}

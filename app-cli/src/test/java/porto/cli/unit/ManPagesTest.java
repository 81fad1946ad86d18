package porto.cli.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * portoctl(8) and portod(8) render without a warning from groff, and portoctl(8) describes the
 * commands of this portoctl.
 */
class ManPagesTest {
    private static final Path MAN = Path.of("../packaging/man").toAbsolutePath().normalize();

    private static String render(String page) throws Exception {
        Process p = new ProcessBuilder("groff", "-man", "-Tutf8", "-P-c", "-ww", MAN.resolve(page).toString()).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        String warnings = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), warnings);
        assertEquals("", warnings, page + " renders without warnings");
        // groff marks bold and underline with backspaces: keep the letters
        return new String(out, StandardCharsets.UTF_8).replaceAll(".\b", "");
    }

    @Test
    void portoctlPageRendersAndNamesItsCommands() throws Exception {
        String text = render("portoctl.8");
        for (String command : List.of("create", "destroy", "run", "exec", "shell", "gc", "start", "stop", "restart",
                "pause", "resume", "respawn", "kill", "set", "list", "get", "pget", "dget", "wait", "find", "top", "sort",
                "raw", "version", "help", "attach"))
            assertTrue(text.matches("(?s).*\n {7}" + command + "\\b.*"), "portoctl(8) describes " + command);
        assertTrue(Files.readString(MAN.resolve("portoctl.8")).startsWith(".TH PORTOCTL 8 "));
    }

    @Test
    void portodPageRenders() throws Exception {
        String text = render("portod.8");
        for (String command : List.of("status", "start", "stop", "shutdown", "reload", "upgrade", "dump"))
            assertTrue(text.matches("(?s).*\n {7}" + command + "\\b.*"), "portod(8) describes " + command);
    }
}

package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The "portod" link beside the socket (the manual's /run/portod) names the installed command, so an
 * administrator may run portod through it: a daemon started that way keeps the link pointing at the
 * real file, and the master can run it again on reload.
 */
class PortodLinkTest {
    /** A wrapper like the installed /usr/sbin/portod: it tells the daemon its own name. */
    private static Path wrapper(Path dir) throws Exception {
        StringBuilder text = new StringBuilder("#!/bin/sh\nexport PORTOD_COMMAND=\"$0\"\nexec");
        for (String word : PortodProcess.java("porto.daemon.Portod"))
            text.append(" '").append(word.replace("'", "'\\''")).append('\'');
        Path script = Files.createDirectories(dir).resolve("portod");
        Files.writeString(script, text.append(" \"$@\"\n").toString());
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private static void run(PortodProcess p, Path command, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(command.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(p.env());
        Process process = pb.start();
        process.getOutputStream().close();
        String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS))
            process.destroyForcibly();
        assertEquals(0, process.exitValue(), () -> command + " " + String.join(" ", args) + ": " + said + "\nlog:\n" + p.logText());
    }

    @Test
    void aDaemonStartedThroughTheLinkBesideTheSocketReloads() throws Exception {
        try (PortodProcess p = PortodProcess.unstarted()) {
            Path installed = wrapper(p.runDir.resolve("sbin")).toRealPath();
            Path link = p.socket.resolveSibling("portod");
            run(p, installed, "start");
            assertEquals(installed, link.toRealPath());

            run(p, link, "--timeout", "60", "restart"); // the master now runs the link's name
            assertEquals(installed, link.toRealPath(), "the link points at the installed file, not at itself");
            long before = p.daemonPid();
            run(p, link, "--timeout", "60", "reload");
            p.awaitNewDaemon(before, Duration.ofSeconds(60));
            assertEquals(installed, link.toRealPath());
        }
    }
}

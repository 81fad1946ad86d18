package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * portoctl with the installed JVM options (scripts/jvm-options.sh) run inside a container: it
 * leaves nothing in the container's /tmp (no hsperfdata directory, whose files a JVM in another
 * pid namespace could take for stale or collide with) and prints no JVM warning around its output.
 */
class PortoctlInContainerTest extends PortodTest {
    /** PORTOCTL_JVM_OPTIONS as scripts/jvm-options.sh sets them for the installed portoctl. */
    private static List<String> installedOptions() throws Exception {
        Process p = new ProcessBuilder("bash", "-c", ". ../scripts/jvm-options.sh && printf %s \"$PORTOCTL_JVM_OPTIONS\"").start();
        String options = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), "cannot read ../scripts/jvm-options.sh");
        assertTrue(!options.isEmpty(), "scripts/jvm-options.sh sets no PORTOCTL_JVM_OPTIONS");
        return List.of(options.split("\\s+"));
    }

    @Test
    void portoctlInAContainerLeavesNoHsperfdataAndPrintsNoWarnings() throws Exception {
        Path tools = Files.createDirectories(portod.runDir.resolve("tools"));
        Path containerTmp = Files.createDirectories(portod.runDir.resolve("container-tmp"));
        StringBuilder script = new StringBuilder("#!/bin/sh\nexec '").append(ProcessHandle.current().info().command().orElse("java")).append('\'');
        for (String option : installedOptions())
            script.append(" '").append(option).append('\'');
        script.append(" -cp '").append(System.getProperty("java.class.path")).append("' porto.cli.Portoctl \"$@\"\n");
        Path portoctl = tools.resolve("portoctl");
        Files.writeString(portoctl, script.toString());
        Files.setPosixFilePermissions(portoctl, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));

        ok("run", "inner", "command=sh -c '" + portoctl + " get self state; " + portoctl + " list -1'",
                "env=PORTO_SOCKET=" + portod.socket, "bind=" + containerTmp + " /tmp");
        ok("wait", "inner");
        assertEquals("0", get("inner", "exit_code"), () -> "stderr: " + get0("inner", "stderr"));
        assertEquals("running\ninner\n", ok("get", "inner", "stdout").out());
        assertEquals("", ok("get", "inner", "stderr").out().strip(), "portoctl printed to stderr");
        try (var left = Files.list(containerTmp)) {
            assertEquals(List.of(), left.map(p -> p.getFileName().toString()).toList(), "portoctl left files in the container's /tmp");
        }
        ok("destroy", "inner");
    }

    private static String get0(String name, String property) {
        try {
            return get(name, property);
        } catch (Exception e) {
            return e.toString();
        }
    }
}

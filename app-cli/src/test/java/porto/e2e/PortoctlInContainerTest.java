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
        script.append(" -cp '").append(classPathOutsideTmp(tools.resolve("cp"))).append("' porto.cli.Portoctl \"$@\"\n");
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

    /**
     * The tests' class path, with the entries under /tmp (a clone checked out there) copied into
     * {@code into}: the container's /tmp is a directory of its own, which hides the host's.
     */
    private static String classPathOutsideTmp(Path into) throws java.io.IOException {
        String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> entries = new java.util.ArrayList<>();
        int copied = 0;
        for (String entry : path.split(java.io.File.pathSeparator)) {
            Path source = Path.of(entry).toAbsolutePath();
            if (entry.isEmpty() || !Files.exists(source))
                continue;
            if (!source.startsWith("/tmp")) {
                entries.add(source.toString());
                continue;
            }
            Path copy = into.resolve(Integer.toString(copied++));
            try (var tree = Files.walk(source)) {
                for (Path p : (Iterable<Path>) tree::iterator) {
                    Path target = copy.resolve(source.relativize(p).toString());
                    if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                        Files.createDirectories(target);
                    else if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                        Files.copy(p, target);
                }
            }
            entries.add(copy.toString());
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static String get0(String name, String property) {
        try {
            return get(name, property);
        } catch (Exception e) {
            return e.toString();
        }
    }
}

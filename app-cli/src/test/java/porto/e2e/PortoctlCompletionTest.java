package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bash completion of packaging/bash-completion/portoctl, loaded into a real bash and driven as
 * readline would (COMP_WORDS, COMP_CWORD, then the function that "complete" names), against this
 * daemon: commands, container names from the daemon, property names from its help.
 */
class PortoctlCompletionTest extends PortodTest {
    static final Path SCRIPT = Path.of("../packaging/bash-completion/portoctl").toAbsolutePath().normalize();
    static Path tools;

    @BeforeAll
    static void tools() throws Exception {
        tools = Files.createTempDirectory("porto-completion-");
        PortodProcess.portoctlScript(tools);
    }

    @AfterAll
    static void clean() throws Exception {
        if (tools != null)
            PortodProcess.deleteTree(tools);
    }

    /** What completing the last of {@code words} offers, one per line, sorted. */
    private static List<String> complete(String... words) throws Exception {
        StringBuilder line = new StringBuilder();
        for (String w : words)
            line.append(" '").append(w.replace("'", "'\\''")).append('\'');
        String script = "source '" + SCRIPT + "'\n"
                + "f=$(complete -p portoctl | sed 's/.*-F \\([^ ]*\\) .*/\\1/')\n"
                + "COMP_WORDS=(" + line + ")\n"
                + "COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"
                + "COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE}\n"
                + "\"$f\" portoctl \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\"\n"
                + "printf '%s\\n' \"${COMPREPLY[@]}\" | sort\n";
        ProcessBuilder pb = new ProcessBuilder("bash", "--norc", "--noprofile", "-c", script);
        pb.environment().putAll(portod.env());
        pb.environment().put("PATH", tools + ":" + System.getenv("PATH"));
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out.isBlank() ? List.of() : List.of(out.strip().split("\n"));
    }

    @Test
    void completesCommandsContainersAndProperties() throws Exception {
        ok("create", "comp-a");
        ok("create", "comp-b");
        try {
            List<String> commands = complete("portoctl", "st");
            assertTrue(commands.containsAll(List.of("start", "stop")), commands.toString());
            assertTrue(commands.stream().allMatch(c -> c.startsWith("st")), commands.toString());
            assertEquals(List.of("destroy"), complete("portoctl", "-t", "5", "dest"), "after the global -t");
            assertEquals(List.of("comp-a", "comp-b"), complete("portoctl", "start", "comp-"), "names from the daemon");
            assertEquals(List.of("comp-b"), complete("portoctl", "destroy", "comp-a", "comp-b"));
            List<String> props = complete("portoctl", "get", "comp-a", "memory_l");
            assertTrue(props.contains("memory_limit"), props.toString());
            assertTrue(complete("portoctl", "run", "new", "memory_l").contains("memory_limit="),
                    "run takes property=value");
            assertEquals(List.of(), complete("portoctl", "run", "comp-"), "run names a new container");
        } finally {
            ok("destroy", "comp-a");
            ok("destroy", "comp-b");
        }
    }
}

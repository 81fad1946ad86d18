package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every program an end-to-end test runs is named in scripts/test-packages.txt, so the test command
 * installs it and nothing a test needs comes from one machine's history. The programs are read from
 * the tests' string literals: container commands, shell scripts, processes the tests start, the
 * commands a {@link Rootfs} is made of.
 */
class TestPackagesListTest {
    private static final Path SOURCES = Path.of("src/test/java/porto/e2e");
    private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"");
    /** A literal that holds a command line: a command property or a shell script. */
    private static final Pattern COMMAND_LINE = Pattern.compile("^command=|-c '");
    /** Where a program's name stands in a command line: its start, after ; && | $( . */
    private static final Pattern PROGRAM_IN_LINE = Pattern.compile("(?:^|; |&& |\\| |\\$\\()([a-z][a-z0-9._-]*)");
    /** Calls whose first literal argument is a program. */
    private static final Pattern PROGRAM_CALL = Pattern.compile(
            "(?:ProcessBuilder\\(|ProcessBuilder\\(List\\.of\\(|\\bhost\\(|Rootfs\\.run\\(|launch\\(List\\.of\\(|TestPackages\\.(?:locate|require)\\()\"([a-z][a-z0-9._-]*)");
    /** A host shell script: the literals of sh(...)'s argument, on one line, joined. */
    private static final Pattern SHELL_CALL = Pattern.compile("\\bsh\\((.*)\\)", Pattern.MULTILINE);
    private static final Pattern ROOTFS_CALL = Pattern.compile("Rootfs\\.with(?:HostPrograms)?\\(([^)]*)\\)");
    private static final Set<String> SHELL_WORDS = Set.of("builtin", "do", "done", "else", "exec", "exit", "fi",
            "for", "if", "command", "read", "then", "trap", "ulimit", "umask", "wait", "while", "cd", "export", "set");

    @Test
    void everyProgramTheTestsRunIsListed() throws Exception {
        Set<String> unlisted = new TreeSet<>();
        for (String program : programsInTests())
            if (!SHELL_WORDS.contains(program) && TestPackages.packageOf(program).isEmpty())
                unlisted.add(program);
        assertEquals(Set.of(), unlisted, "programs the end-to-end tests run but " + TestPackages.file() + " does not name");
    }

    @Test
    void theScanFindsTheProgramsItIsMeantTo() throws Exception {
        Set<String> found = programsInTests();
        for (String program : Set.of("busybox", "mkfs.ext4", "losetup", "ip", "ps", "kill", "unshare", "mkfifo", "ionice"))
            assertEquals(true, found.contains(program), program + " is run by a test and should be found");
    }

    static Set<String> programsInTests() throws Exception {
        Set<String> programs = new TreeSet<>();
        try (var files = Files.list(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                if (file.getFileName().toString().equals("TestPackagesListTest.java"))
                    continue;
                String source = Files.readString(file);
                addAll(programs, PROGRAM_CALL.matcher(source), 1);
                Matcher roots = ROOTFS_CALL.matcher(source);
                while (roots.find())
                    addAll(programs, LITERAL.matcher(roots.group(1)), 1);
                Matcher scripts = SHELL_CALL.matcher(source);
                while (scripts.find()) {
                    StringBuilder script = new StringBuilder();
                    Matcher parts = LITERAL.matcher(scripts.group(1));
                    while (parts.find())
                        script.append(parts.group(1)).append(' ');
                    addAll(programs, PROGRAM_IN_LINE.matcher(script.toString().replace("command -v ", "; ")), 1);
                }
                Matcher literals = LITERAL.matcher(source);
                while (literals.find()) {
                    Matcher line = COMMAND_LINE.matcher(literals.group(1));
                    if (line.find())
                        addAll(programs, PROGRAM_IN_LINE.matcher(literals.group(1).substring(line.end())), 1);
                }
            }
        }
        return programs;
    }

    private static void addAll(Set<String> into, Matcher m, int group) {
        while (m.find())
            into.add(m.group(group));
    }
}

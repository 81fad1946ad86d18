package porto.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * scripts/test-packages.txt: the Debian packages the tests use and the commands each provides.
 * The scripts install from it; the tests look programs up through it, so a program missing on this
 * machine is reported with the package that brings it.
 */
final class TestPackages {
    private static final Map<String, String> PACKAGE_OF_COMMAND = read();

    private TestPackages() {}

    static Path file() {
        return Path.of(System.getProperty("porto.test.packages", "../scripts/test-packages.txt")).toAbsolutePath().normalize();
    }

    /** Every listed command and the package it comes from, in the file's order. */
    static Map<String, String> commands() {
        return PACKAGE_OF_COMMAND;
    }

    static Optional<String> packageOf(String command) {
        return Optional.ofNullable(PACKAGE_OF_COMMAND.get(command));
    }

    /** "install the Debian package P (...)" or, for an unlisted command, where to list it. */
    static String advice(String command) {
        return packageOf(command)
                .map(p -> "install the Debian package " + p + " (bash scripts/test.sh installs everything in " + file() + ")")
                .orElse("no line of " + file() + " names it: add its package there");
    }

    /** The real file of a command found on PATH (never a shell builtin), if there is one. */
    static Optional<Path> locate(String command) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        for (String dir : path.split(":")) {
            if (dir.isEmpty())
                continue;
            Path candidate = Path.of(dir, command);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                try {
                    return Optional.of(candidate.toRealPath());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return Optional.empty();
    }

    /** As {@link #locate}, or an error naming the package to install. */
    static Path require(String command) {
        return locate(command).orElseThrow(() -> new IllegalStateException(
                "the tests need the program '" + command + "', which is not on this machine: " + advice(command)));
    }

    private static Map<String, String> read() {
        Map<String, String> commands = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file())) {
                String text = line.strip();
                if (text.isEmpty() || text.startsWith("#"))
                    continue;
                String[] words = text.split("\\s+");
                for (int i = 1; i < words.length; i++)
                    commands.put(words[i], words[0]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the list of test packages " + file(), e);
        }
        return java.util.Collections.unmodifiableMap(commands);
    }
}

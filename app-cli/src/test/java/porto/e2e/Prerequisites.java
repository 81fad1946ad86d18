package porto.e2e;

import java.util.ArrayList;
import java.util.List;

/**
 * What the end-to-end tests need from the machine, checked once before a daemon starts: every
 * command of scripts/test-packages.txt. A missing one fails the test class at once with the
 * package to install, rather than deep inside a test with a stack trace.
 */
final class Prerequisites {
    private static String missing;

    private Prerequisites() {}

    static synchronized void check() {
        if (missing == null)
            missing = findMissing();
        if (!missing.isEmpty())
            throw new IllegalStateException("this machine lacks what the end-to-end tests use:\n" + missing
                    + "run bash scripts/test.sh, which installs the packages of " + TestPackages.file());
    }

    private static String findMissing() {
        List<String> lines = new ArrayList<>();
        TestPackages.commands().forEach((command, pkg) -> {
            if (TestPackages.locate(command).isEmpty())
                lines.add("  " + command + " (Debian package " + pkg + ")\n");
        });
        return String.join("", lines);
    }
}

package porto.e2e;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * What the end-to-end tests need from the machine, checked before a daemon starts: root, and every
 * command of scripts/test-packages.txt. A missing one fails the test class at once with what to do,
 * rather than deep inside a test with a stack trace. Without root the suite fails too: it is skipped
 * only when the run says so with {@value #SKIP}.
 */
final class Prerequisites {
    static final String SKIP = "-Dporto.e2e.skip=true";
    private static String missing;

    private Prerequisites() {}

    static synchronized void check() {
        if (Boolean.getBoolean("porto.e2e.skip"))
            Assumptions.abort("end-to-end tests skipped as asked (" + SKIP + ")");
        if (new com.sun.security.auth.module.UnixSystem().getUid() != 0)
            throw new IllegalStateException("the end-to-end tests need root: they start portod and run real containers."
                    + " Run them as root, or skip them explicitly with " + SKIP);
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

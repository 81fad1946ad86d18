package porto.conformance;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * Suites on the real kernel need root. Without it they fail, saying so, unless the run was told
 * to leave them out with {@code -Dporto.e2e.skip=true} (the switch of the end-to-end suite too):
 * a build must never turn green by quietly skipping them.
 */
public final class NeedsRoot {
    public static final String SKIP_PROPERTY = "porto.e2e.skip";

    private NeedsRoot() {}

    /** Call first in a fixture that touches the real kernel. */
    public static void check(String what) {
        if (new com.sun.security.auth.module.UnixSystem().getUid() == 0)
            return;
        if (Boolean.getBoolean(SKIP_PROPERTY))
            Assumptions.abort(what + " needs root; skipped as -D" + SKIP_PROPERTY + "=true asks");
        fail(what + " needs root: run the build as root, or pass -D" + SKIP_PROPERTY + "=true to leave the real-kernel suites out");
    }
}

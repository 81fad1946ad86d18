package porto.e2e;

import java.time.Duration;

/**
 * Waiting for something the daemon or the kernel offers no event for: the condition is polled until
 * it holds, and a deadline turns a hang into a failure that says what never happened.
 */
final class Await {
    private Await() {}

    interface Condition {
        boolean holds() throws Exception;
    }

    static void until(String what, Duration timeout, Condition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() - deadline > 0)
                throw new AssertionError("waited " + timeout.toSeconds() + " s in vain until " + what);
            Thread.sleep(10);
        }
    }
}

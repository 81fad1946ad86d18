package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import porto.client.PortoClientException;

/** Asserts that a request fails with a given error and a message worth reading. */
final class Errors {
    private Errors() {}

    interface Request {
        void run();
    }

    /** The message of the expected failure, for further checks. */
    static String expect(String error, Request request) {
        try {
            request.run();
        } catch (PortoClientException e) {
            assertEquals(error, PortoClientException.errorName(e.code()), e.getMessage());
            if (e.errorMessage() == null || e.errorMessage().length() < 10)
                fail("the message should say what was expected: '" + e.errorMessage() + "'");
            return e.errorMessage();
        }
        return fail("expected " + error);
    }
}

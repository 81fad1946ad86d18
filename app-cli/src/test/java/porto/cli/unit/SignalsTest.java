package porto.cli.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import porto.cli.Signals;

class SignalsTest {

    @Test
    void namesWithAndWithoutPrefix() {
        assertEquals(9, Signals.parse("SIGKILL"));
        assertEquals(9, Signals.parse("KILL"));
        assertEquals(9, Signals.parse("kill"));
        assertEquals(15, Signals.parse("SIGTERM"));
        assertEquals(1, Signals.parse("SIGHUP"));
        assertEquals(10, Signals.parse("SIGUSR1"));
        assertEquals(12, Signals.parse("SIGUSR2"));
        assertEquals(19, Signals.parse("SIGSTOP"));
        assertEquals(18, Signals.parse("SIGCONT"));
        assertEquals(31, Signals.parse("SIGSYS"));
    }

    @Test
    void aliases() {
        assertEquals(6, Signals.parse("SIGIOT"));
        assertEquals(6, Signals.parse("SIGABRT"));
        assertEquals(17, Signals.parse("SIGCLD"));
        assertEquals(29, Signals.parse("SIGPOLL"));
        assertEquals(29, Signals.parse("SIGIO"));
    }

    @Test
    void numbers() {
        assertEquals(9, Signals.parse("9"));
        assertEquals(0, Signals.parse("0"));
        assertEquals(64, Signals.parse("64"));
        assertEquals(-1, Signals.parse("-1"));
    }

    @Test
    void garbageIsRejected() {
        assertNull(Signals.parse("SIGFOO"));
        assertNull(Signals.parse("nine"));
        assertNull(Signals.parse(""));
        assertNull(Signals.parse("9x"));
    }

    @Test
    void descriptionsAreStrsignals() {
        assertEquals("Killed", Signals.describe(9));
        assertEquals("Terminated", Signals.describe(15));
        assertEquals("Segmentation fault", Signals.describe(11));
        assertEquals("Hangup", Signals.describe(1));
        assertEquals("Bad system call", Signals.describe(31));
        assertEquals("Real-time signal 0", Signals.describe(34));
        assertEquals("Real-time signal 30", Signals.describe(64));
        assertEquals("Unknown signal 32", Signals.describe(32));
        assertEquals("Unknown signal 0", Signals.describe(0));
    }
}

package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import porto.client.PortoClient;

/**
 * A daemon that stops answering is noticed: the master pings it on its pipe, and one that leaves
 * a ping unanswered for the heartbeat timeout is killed and replaced; containers run on.
 */
class HungDaemonTest {
    private static final long HEARTBEAT_MS = 3000; // short for the test, long enough for a loaded machine
    private static PortodProcess portod;

    @BeforeAll
    static void start() throws Exception {
        portod = PortodProcess.start(Map.of("PORTO_HEARTBEAT_TIMEOUT_MS", Long.toString(HEARTBEAT_MS)));
    }

    @AfterAll
    static void stop() throws Exception {
        if (portod != null)
            portod.close();
    }

    @Test
    void aStoppedDaemonIsReplacedAndContainersRunOn() throws Exception {
        String rootPid;
        try (PortoClient c = portod.client()) {
            c.create("kept");
            c.setProperty("kept", "command", "sleep 1000");
            c.start("kept");
            rootPid = c.getProperty("kept", "root_pid");
        }
        long hung = portod.daemonPid();
        PortodProcess.signal(hung, "STOP");
        try {
            portod.awaitNewDaemon(hung, Duration.ofMillis(HEARTBEAT_MS).plusSeconds(40)); // the heartbeat, a JVM start, slack for a loaded machine
        } finally {
            if (portod.daemonPid() == hung)
                PortodProcess.signal(hung, "CONT"); // not replaced: let it be stopped normally
        }
        assertTrue(portod.logText().contains("daemon " + hung + " did not answer a heartbeat"), portod.logText());
        assertFalse(ProcessHandle.of(hung).map(ProcessHandle::isAlive).orElse(false), "the hung daemon was killed");
        try (PortoClient c = portod.client()) {
            assertEquals("running", c.getProperty("kept", "state"));
            assertEquals(rootPid, c.getProperty("kept", "root_pid"), "the same task runs on");
            c.destroy("kept");
        }
    }

    @Test
    void anExitIsAcknowledgedByPidAndStartTime() throws Exception {
        try (PortoClient c = portod.client()) {
            c.create("quick");
            c.setProperty("quick", "command", "true");
            c.start("quick");
            portod.awaitState("quick", "dead", Duration.ofSeconds(30));
            c.destroy("quick");
        }
        // SIGUSR1 (reopenlog) also makes the master log what it still holds; the acknowledged exit is gone from it.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String want = "daemon " + portod.daemonPid() + ", 0 pending exits";
        while (!portod.logText().contains(want)) {
            assertTrue(System.nanoTime() < deadline, () -> "the exit stays unacknowledged; log:\n" + portod.logText());
            PortodProcess.signal(portod.masterPid(), "USR1");
            Thread.sleep(100);
        }
        assertFalse(portod.logText().contains("unexpected line from daemon"), portod.logText());
    }
}

package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import porto.rpc.Rpc;

/** "portoctl wait -A": one line per event, upstream's columns, and a dead container's exit code. */
class PortoctlWaitTest extends PortodTest {

    @Test
    void asyncWaitForDeadPrintsTimeStateNameAndExitCode() throws Exception {
        ok("create", "waited");
        ok("set", "waited", "command", "sh -c 'exit 3'");
        // Verbose: the daemon logs each request, so the test sees when portoctl's AsyncWait is in place.
        client.call(Rpc.TContainerRequest.newBuilder()
                .setSetSystem(Rpc.TSetSystemRequest.newBuilder().setVerbose(true)).build());
        Path out = Files.createTempFile("porto-wait", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(PortodProcess.java("porto.cli.Portoctl", "wait", "-A", "-S", "dead", "waited"));
            pb.environment().putAll(portod.env());
            pb.redirectOutput(out.toFile()).redirectErrorStream(true);
            Process waiter = pb.start();
            // The daemon logs its answer once the wait is in place.
            Await.until("the daemon answers portoctl's AsyncWait", Duration.ofSeconds(60),
                    () -> portod.logText().contains(": AsyncWait Success"));
            ok("start", "waited");
            assertTrue(waiter.waitFor(60, TimeUnit.SECONDS), "portoctl wait -A -S dead exits after the event");
            assertEquals(0, waiter.exitValue());
            String printed = Files.readString(out);
            assertTrue(printed.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d dead\twaited\texit_code = 3\n"),
                    "one line: time, state, name, exit code, tab-separated: [" + printed + "]");
        } finally {
            Files.deleteIfExists(out);
            client.call(Rpc.TContainerRequest.newBuilder()
                    .setSetSystem(Rpc.TSetSystemRequest.newBuilder().setVerbose(false)).build());
            ok("destroy", "waited");
        }
    }
}

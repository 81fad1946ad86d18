package porto.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's side of the master's pipes, on FIFOs standing in for fds 3 and 4. */
class MasterExitsTest {
    @TempDir
    Path dir;

    @Test
    void aPingIsAnsweredWhileAnExitIsStillBeingHandledAndTheAckNamesTheStartTime() throws Exception {
        Path reports = dir.resolve("reports");
        Path acks = dir.resolve("acks");
        for (Path fifo : List.of(reports, acks))
            assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        CountDownLatch handled = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        MasterExits exits = new MasterExits(reports.toString(), acks.toString(), line -> { });
        // Opening a FIFO waits for its other end: start() opens acks for writing, we for reading.
        CompletableFuture<Void> started = CompletableFuture.runAsync(() -> exits.start((pid, status, start) -> {
            handled.countDown();
            try {
                release.await(); // a handler held up, as by a long request
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exits.acknowledge(pid);
        }));
        try (BufferedReader answers = new BufferedReader(new InputStreamReader(new FileInputStream(acks.toFile()), StandardCharsets.US_ASCII));
             OutputStream master = new FileOutputStream(reports.toFile())) {
            started.get(30, TimeUnit.SECONDS);
            master.write("exit 4242 0 987654\nping 17\n".getBytes(StandardCharsets.US_ASCII));
            master.flush();
            assertTrue(handled.await(30, TimeUnit.SECONDS), "the exit reached its handler");
            assertEquals("pong 17", nextLine(answers), "answered while the exit is being handled");
            release.countDown();
            assertEquals("ack 4242 987654", nextLine(answers));
        }
    }

    /** The next line, or a failure after 30 s rather than a test that hangs. */
    private static String nextLine(BufferedReader in) throws Exception {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return in.readLine();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return line.get(30, TimeUnit.SECONDS);
    }
}

package porto.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import porto.ports.KernelException;
import porto.conformance.NeedsRoot;

/**
 * The long-lived launcher: launches from many threads at once each get their own launcher's
 * answer, a failed launch its own error, and a server that died is replaced by the next launch.
 */
class LaunchServerTest {
    private static final Path NATIVE = Path.of(System.getProperty("porto.native"));

    @BeforeAll
    static void root() {
        NeedsRoot.check("the launch server");
        Reaper.becomeSubreaper(); // the tasks come to this JVM, as they come to the master
    }

    /** The records of a task running {@code argv} as root in the host's namespaces. */
    private static byte[] spec(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> records = new ArrayList<>(List.of("cwd=/", "umask=22", "caps_bound=ffffffffff", "groups=", "gid=0", "uid=0"));
        for (String a : argv)
            records.add("arg=" + a);
        for (String r : records) {
            out.writeBytes(r.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return out.toByteArray();
    }

    private static int launchedPid(String answer) {
        String[] words = answer.split(" ");
        assertEquals("ok", words[0], answer);
        return Integer.parseInt(words[1]);
    }

    @Test
    void concurrentLaunchesEachGetTheirOwnTask() throws Exception {
        LaunchServer server = LaunchServer.of(NATIVE);
        int n = 24;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> pids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String seconds = Integer.toString(1000 + i); // tells the tasks apart in /proc/PID/cmdline
                pids.add(pool.submit((Callable<Integer>) () -> launchedPid(server.launch(spec("/bin/sleep", seconds)))));
            }
            for (int i = 0; i < n; i++) {
                int pid = pids.get(i).get();
                String cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ').trim();
                assertEquals("/bin/sleep " + (1000 + i), cmdline);
                new ProcessBuilder("kill", "-KILL", Integer.toString(pid)).start().waitFor();
                assertEquals(9, Reaper.waitFor(pid) & 0x7f); // killed by SIGKILL, and a child of this JVM
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedLaunchAnswersItsErrorToItsCaller() throws Exception {
        String answer = LaunchServer.of(NATIVE).launch(spec("/nonexistent/program"));
        assertTrue(answer.startsWith("error 2 "), answer);
        assertTrue(answer.contains("/nonexistent/program"), answer);
    }

    /** A server of our own, driven through its pipes as the daemon drives it. */
    private static Process server() throws Exception {
        return new ProcessBuilder(NATIVE.toString(), "launch-server").start();
    }

    private static void request(OutputStream to, long id, byte[] spec) throws Exception {
        to.write(("launch " + id + " " + spec.length + "\n").getBytes(StandardCharsets.US_ASCII));
        to.write(spec);
        to.flush();
    }

    @Test
    void aSpecTooLargeIsRefusedAloneAndTheServerGoesOn() throws Exception {
        KernelException refused = assertThrows(KernelException.class,
                () -> LaunchServer.of(NATIVE).launch(new byte[LaunchServer.MAX_SPEC + 1]));
        assertEquals(7, refused.errno()); // E2BIG, before anything is sent
        // Sent all the same, the server answers that launch alone, drops its bytes, and goes on.
        Process server = server();
        try (OutputStream to = server.getOutputStream();
             BufferedReader answers = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
            request(to, 1, new byte[LaunchServer.MAX_SPEC + 1]);
            request(to, 2, spec("/bin/true"));
            assertTrue(answers.readLine().startsWith("1 error 7 "));
            String second = answers.readLine();
            assertTrue(second.startsWith("2 ok "), second);
            assertEquals(0, Reaper.waitFor(launchedPid(second.substring(2))));
        } finally {
            server.destroyForcibly().waitFor();
        }
    }

    @Test
    void aTaskWhoseStartCannotBeReportedIsKilled() throws Exception {
        Process server = server();
        try (OutputStream to = server.getOutputStream();
             BufferedReader log = new BufferedReader(new InputStreamReader(server.getErrorStream(), StandardCharsets.UTF_8))) {
            server.getInputStream().close(); // the daemon is gone: no one reads the answers
            request(to, 1, spec("/bin/sleep", "1000"));
            String line;
            while ((line = log.readLine()) != null && !line.contains("killing task "))
                ;
            assertTrue(line != null, "the server said it killed the task");
            int pid = Integer.parseInt(line.replaceAll(".*killing task (\\d+):.*", "$1"));
            assertEquals(9, Reaper.waitFor(pid) & 0x7f, "the task was killed, not left running");
        } finally {
            server.destroyForcibly().waitFor();
        }
    }

    @Test
    void aDeadServerIsReplacedByTheNextLaunch() throws Exception {
        LaunchServer server = LaunchServer.of(NATIVE);
        int first = launchedPid(server.launch(spec("/bin/true")));
        assertEquals(0, Reaper.waitFor(first));
        List<ProcessHandle> servers = ProcessHandle.current().children()
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains("launch-server")).orElse(false))
                .toList();
        assertEquals(1, servers.size(), "one launch server per binary");
        servers.getFirst().destroyForcibly();
        servers.getFirst().onExit().get();
        int second = launchedPid(server.launch(spec("/bin/true")));
        assertEquals(0, Reaper.waitFor(second));
    }
}

package porto.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
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

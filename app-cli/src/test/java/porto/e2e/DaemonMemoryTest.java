package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import porto.rpc.Rpc.TContainerRequest;

/**
 * The daemon's memory comes back after what a user can do to it: bursts of connections, and
 * containers made and destroyed by the thousand (each used to leave its aging timer behind for a
 * day). Driven by porto-alice through a Python client; measured with the daemon's resident size
 * and jcmd's class histogram.
 */
class DaemonMemoryTest {
    private static final String SCRIPT = PythonClient.PRELUDE + """
            mode, path, count, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
            frames = [bytes.fromhex(h) for h in sys.argv[5].split(',')]
            if mode == 'connections':
                # rounds of count connections open at once, each asking once
                for _ in range(rounds):
                    conns = []
                    for i in range(count):
                        s = socket.socket(socket.AF_UNIX); s.connect(path); conns.append(s)
                        send(s, frames[0]); receive(s)
                    for s in conns: s.close()
            elif mode == 'containers':
                # count times the same requests on one connection
                s = socket.socket(socket.AF_UNIX); s.connect(path)
                for _ in range(count):
                    for f in frames:
                        send(s, f); receive(s)
            print('done', flush=True)
            """;
    private static Path script;

    @BeforeAll
    static void files() throws Exception {
        Users.ensure();
        script = PythonClient.script("client.py", SCRIPT);
    }

    @AfterAll
    static void cleanUp() throws Exception {
        PythonClient.remove(script);
    }

    private static String hex(List<TContainerRequest.Builder> requests) {
        List<String> out = new ArrayList<>();
        for (var r : requests)
            out.add(HexFormat.of().formatHex(r.build().toByteArray()));
        return String.join(",", out);
    }

    private static void alice(PortodProcess d, String mode, int count, int rounds, String frames) throws Exception {
        PortodProcess.Run r = Users.run(Users.ALICE, List.of("/usr/bin/python3", script.toString(), mode, d.socket.toString(),
                Integer.toString(count), Integer.toString(rounds), frames), Map.of());
        assertEquals("done", r.out().strip(), r.err());
    }

    private static long residentKb(PortodProcess d) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + d.daemonPid() + "/status")))
            if (line.startsWith("VmRSS:"))
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
        throw new AssertionError("no VmRSS");
    }

    @Test
    void heapGrownByABurstOfClientsIsGivenBack() throws Exception {
        // The heap settings of the installed daemon (scripts/jvm-options.sh): it may shrink to 8 MB.
        try (PortodProcess d = PortodProcess.start(Map.of("PORTO_HEAP_TRIM_SECONDS", "1",
                "JAVA_TOOL_OPTIONS", "-Xms8m -Xmx512m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30"))) {
            var version = TContainerRequest.newBuilder();
            version.getVersionBuilder();
            String frames = hex(List.of(version));
            // Warm up with the same burst: the first one also brings up every carrier thread and
            // compiles the code it runs, which stay; what must go back is the heap it grew.
            alice(d, "connections", 450, 4, frames);
            long before = residentKb(d);
            alice(d, "connections", 450, 4, frames);
            long peak = residentKb(d);
            long deadline = System.nanoTime() + 30_000_000_000L;
            long now = peak;
            while (System.nanoTime() < deadline && (now = residentKb(d)) > before + 8 * 1024)
                Thread.sleep(200);
            System.out.println("daemon resident: " + before + " kB, after the bursts " + peak + " kB, then " + now + " kB");
            assertTrue(now <= before + 8 * 1024, "resident " + before + " kB before, " + peak + " kB after the bursts, "
                    + now + " kB 30 s later");
        }
    }

    @Test
    void aDestroyedContainerLeavesNoTimerBehind() throws Exception {
        try (PortodProcess d = PortodProcess.start()) {
            var create = TContainerRequest.newBuilder();
            create.getCreateBuilder().setName("churn");
            var command = TContainerRequest.newBuilder();
            command.getSetPropertyBuilder().setName("churn").setProperty("command").setValue("true");
            var start = TContainerRequest.newBuilder();
            start.getStartBuilder().setName("churn");
            var await = TContainerRequest.newBuilder();
            await.getWaitBuilder().addName("churn").setTimeoutMs(10_000);
            var destroy = TContainerRequest.newBuilder();
            destroy.getDestroyBuilder().setName("churn");
            alice(d, "containers", 300, 1, hex(List.of(create, command, start, await, destroy)));
            long timers = instances(d, "java.util.concurrent.ScheduledThreadPoolExecutor$ScheduledFutureTask");
            System.out.println("timers pending after 300 containers made and destroyed: " + timers);
            assertTrue(timers < 30, timers + " timers pending after 300 containers were made and destroyed");
        }
    }

    /** Live instances of a class in the daemon, by jcmd GC.class_histogram (which collects first). */
    private static long instances(PortodProcess d, String className) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(d.daemonPid()), "GC.class_histogram")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        for (String line : out.lines().toList()) {
            String[] words = line.trim().split("\\s+");
            if (words.length >= 4 && words[3].equals(className))
                return Long.parseLong(words[1]);
        }
        assertTrue(out.contains("num "), "jcmd failed: " + out);
        return 0;
    }
}

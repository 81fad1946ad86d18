package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import porto.client.PortoClient;

/**
 * The portod command as upstream's: options, commands, output and exit codes, driven through this
 * build's porto.daemon.Portod entry point with a daemon of the test's own.
 */
class PortodCommandTest {

    private static PortodProcess.Run portod(PortodProcess p, String... args) throws Exception {
        return p.portodCommand(args);
    }

    private static PortodProcess.Run ok(PortodProcess p, String... args) throws Exception {
        PortodProcess.Run r = p.portodCommand(args);
        assertEquals(0, r.code(), () -> "portod " + String.join(" ", args) + " failed: " + r.out() + r.err() + "\nlog:\n" + p.logText());
        return r;
    }

    @Test
    void unknownOptionsAndCommandsPrintTheUsageAndExit1() throws Exception {
        try (PortodProcess p = PortodProcess.unstarted()) {
            PortodProcess.Run bad = portod(p, "--bogus", "status");
            assertEquals(1, bad.code());
            assertTrue(bad.err().contains("Unknown option: --bogus"), bad.err());
            assertTrue(bad.out().contains("Usage: portod"), bad.out());
            PortodProcess.Run unknown = portod(p, "frobnicate");
            assertEquals(1, unknown.code());
            assertTrue(unknown.err().contains("Unknown command: frobnicate"), unknown.err());
            for (String help : new String[] {"help", "-h", "--help"})
                assertTrue(ok(p, help).out().contains("clearstat [stat]"), help);
            assertTrue(ok(p, "version").out().startsWith("version: "));
            assertTrue(ok(p, "-v").out().startsWith("version: "));
            PortodProcess.Run stopped = portod(p, "status");
            assertEquals(1, stopped.code());
            assertEquals("stopped\n", stopped.out());
            assertEquals(1, portod(p, "reload").code(), "reload of a stopped portod fails");
            assertEquals(0, portod(p, "stop").code(), "stop of a stopped portod succeeds");
        }
    }

    @Test
    void startReloadDumpAndStopWithUpstreamsOptions() throws Exception {
        try (PortodProcess p = PortodProcess.unstarted()) {
            ok(p, "--verbose", "start");
            assertEquals("running\n", ok(p, "status").out());
            assertEquals(1, portod(p, "start").code(), "a second start is refused");
            assertTrue(ok(p, "version").out().contains("running: "));
            try (PortoClient c = p.client()) {
                c.create("keep");
                c.setProperty("keep", "command", "sleep 1000");
                c.start("keep");
            }
            String get = ok(p, "get").out();
            assertTrue(get.contains("porto_version: \"") && get.contains("verbose: true") && get.contains("container_count: 1")
                    && get.contains("container_running: 1") && get.contains("container_started: 1"), get);
            String dump = ok(p, "dump").out();
            assertTrue(dump.contains("sleep 1000"), dump);

            long daemon = p.daemonPid();
            ok(p, "--verbose", "reload");
            assertNotEquals(daemon, p.daemonPid());
            try (PortoClient c = p.client()) {
                assertEquals("running", c.getProperty("keep", "state"), "reload keeps containers");
            }
            assertTrue(ok(p, "get").out().contains("porto_starts: 2"), "the master ran two daemons");

            ok(p, "--discard", "reload");
            try (PortoClient c = p.client()) {
                assertFalse(c.list().contains("keep"), "--discard reload drops the saved containers");
            }
            assertEquals("", ok(p, "dump").out());

            ok(p, "stop");
            PortodProcess.Run status = portod(p, "status");
            assertEquals(1, status.code());
            assertEquals("stopped\n", status.out());
        }
    }

    @Test
    void setClearstatFreezeAndReopenlog() throws Exception {
        try (PortodProcess p = PortodProcess.unstarted()) {
            ok(p, "start");
            ok(p, "set", "verbose", "true");
            assertTrue(ok(p, "get").out().contains("verbose: true"));
            ok(p, "set", "debug", "false");
            ok(p, "set", "verbose", "false");
            assertTrue(ok(p, "get").out().contains("verbose: false"));
            assertEquals(1, portod(p, "set", "nonsense", "1").code());
            assertEquals(1, portod(p, "set", "verbose").code());

            try (PortoClient c = p.client()) {
                c.list();
            }
            assertFalse(ok(p, "get").out().contains("request_completed: 0\n"));
            ok(p, "clearstat", "requests_completed");
            assertTrue(ok(p, "get").out().contains("request_completed: 1\n"), "only the get after the clear counts");
            ok(p, "clearstat");
            PortodProcess.Run unknown = portod(p, "clearstat", "no_such_stat");
            assertEquals(1, unknown.code());
            assertTrue(unknown.err().contains("InvalidValue"), unknown.err());
            assertTrue(portod(p, "clearstat", "clients").err().contains("InvalidValue"), "a gauge cannot be cleared");

            ok(p, "freeze");
            assertTrue(ok(p, "get").out().contains("frozen: true"));
            Path tools = Files.createTempDirectory("porto-freeze-");
            try {
                Files.setPosixFilePermissions(tools, PosixFilePermissions.fromString("rwxr-xr-x"));
                String portoctl = PortodProcess.portoctlScript(tools).toString();
                // The container's requests run as its owner, nobody; root (this test) may still change things.
                String frozen = runAsNobodyOwner(p, "frozen-box", portoctl);
                assertTrue(frozen.contains("PortoFrozen"), frozen);
                ok(p, "unfreeze");
                String thawed = runAsNobodyOwner(p, "thawed-box", portoctl);
                assertFalse(thawed.contains("PortoFrozen"), thawed);
                assertTrue(thawed.contains("= 0") && thawed.contains("Permission"), "only root may use SetSystem: " + thawed);
            } finally {
                PortodProcess.deleteTree(tools);
            }

            Path rotated = p.log.resolveSibling("portod.log.1");
            Files.move(p.log, rotated);
            ok(p, "reopenlog");
            Await.until("the daemon writes to the reopened log", Duration.ofSeconds(30),
                    () -> Files.exists(p.log) && Files.readString(p.log).contains("portod[" + p.daemonPid() + "]: log reopened"));
            assertTrue(Files.readString(p.log).contains("portod-master"), "the master writes there too:\n" + Files.readString(p.log));
        }
    }

    /** Runs "portoctl create NAME/child" and a SetSystem in a container owned by nobody:porto (write access, not root); returns what it printed. */
    private static String runAsNobodyOwner(PortodProcess p, String name, String portoctl) throws Exception {
        try (PortoClient c = p.client()) {
            c.create(name);
            c.setProperty(name, "command", "sh -c '" + portoctl + " create " + name + "/child 2>&1; echo \"= $?\"; "
                    + portoctl + " raw \"SetSystem { verbose: true }\" 2>&1'");
            c.setProperty(name, "env", "PORTO_SOCKET=" + p.socket);
            c.setProperty(name, "owner_user", "nobody");
            c.setProperty(name, "owner_group", "porto");
            c.setProperty(name, "user", "root");
            c.setProperty(name, "group", "root");
            c.start(name);
            c.waitContainers(java.util.List.of(name), 120_000);
            String out = c.getProperty(name, "stdout");
            c.destroy(name);
            return out;
        }
    }

    @Test
    void killAndNorespawn() throws Exception {
        try (PortodProcess p = PortodProcess.unstarted()) {
            ok(p, "--norespawn", "start");
            long master = Long.parseLong(Files.readString(Path.of(p.env().get("PORTO_MASTER_PIDFILE"))).trim());
            PortodProcess.signal(p.daemonPid(), "KILL");
            Await.until("the master exits with its daemon", Duration.ofSeconds(30), () -> ProcessHandle.of(master).isEmpty());
            assertEquals("stopped\n", portod(p, "status").out());

            ok(p, "start");
            long again = Long.parseLong(Files.readString(Path.of(p.env().get("PORTO_MASTER_PIDFILE"))).trim());
            long daemon = p.daemonPid();
            ok(p, "kill");
            Await.until("kill ends the master and its daemon", Duration.ofSeconds(30),
                    () -> ProcessHandle.of(again).isEmpty() && ProcessHandle.of(daemon).isEmpty());
            assertEquals(1, portod(p, "status").code());
            assertEquals(0, portod(p, "kill").code(), "kill of a stopped portod succeeds");
        }
    }

    @Test
    void daemonRunsInTheForegroundAndStdlogPrintsTheLogThere() throws Exception {
        try (PortodProcess p = PortodProcess.unstarted()) {
            PortodProcess.Run badTimeout = portod(p, "--timeout", "soon", "start");
            assertEquals(1, badTimeout.code());
            assertTrue(badTimeout.err().contains("--timeout"), badTimeout.err());

            Path out = Files.createTempFile("portod-daemon", ".out");
            try {
                ProcessBuilder pb = new ProcessBuilder(PortodProcess.java("porto.daemon.Portod", "--stdlog", "daemon"));
                pb.environment().putAll(p.env());
                pb.redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
                Process daemon = pb.start();
                p.waitUntilServing();
                assertEquals("running\n", ok(p, "status").out());
                String printed = Files.readString(out);
                assertTrue(printed.contains("portod-master[") && printed.contains("starting, native helper"),
                        "--stdlog: the master's and the daemon's log on standard output:\n" + printed);
                assertFalse(Files.exists(p.log), "--stdlog writes no log file");
                ok(p, "--timeout", "60", "stop");
                assertTrue(daemon.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "portod daemon returns after stop");
                assertEquals(0, daemon.exitValue());
            } finally {
                Files.deleteIfExists(out);
            }
        }
    }
}

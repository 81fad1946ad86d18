package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import porto.client.PortoClient;

/** Containers outlive the daemon: reload, SIGKILL, and exits that happen while it is down. */
class ReliabilityTest extends PortodTest {
    private void survives(String signal, String target) throws Exception {
        String keep = "keep-" + signal;
        String quick = "quick-" + signal;
        String weak = "weak-" + signal;
        String rootPid;
        try (PortoClient c = portod.client()) {
            c.create(keep);
            c.setProperty(keep, "command", "bash -c 'while true; do echo tick; sleep 0.2; done'");
            c.setProperty(keep, "private", "kept");
            c.start(keep);
            c.create(quick);
            c.setProperty(quick, "command", "bash -c 'sleep 1; exit 7'");
            c.start(quick);
            rootPid = c.getProperty(keep, "root_pid");
        }
        // This client stays connected while the daemon goes away; the next daemon has no
        // connection for it, so its weak container must go.
        PortoClient weakOwner = portod.client();
        weakOwner.createWeak(weak);
        long old = portod.daemonPid();
        if (target.equals("daemon")) {
            PortodProcess.signal(old, signal);
        } else {
            PortodProcess.signal(portod.masterPid(), signal);
        }
        // The quick container exits while the daemon may be away; its status must not be lost.
        portod.awaitNewDaemon(old, Duration.ofSeconds(30));
        portod.awaitState(quick, "dead", Duration.ofSeconds(30));
        try (PortoClient c = portod.client()) {
            assertEquals("running", c.getProperty(keep, "state"));
            assertEquals(rootPid, c.getProperty(keep, "root_pid"), "the same task runs on");
            assertEquals("kept", c.getProperty(keep, "private"));
            assertEquals(Integer.toString(7 << 8), c.getProperty(quick, "exit_status"));
            int before = c.getProperty(keep, "stdout").length();
            Await.until("output is still captured", Duration.ofSeconds(30), () -> c.getProperty(keep, "stdout").length() > before);
            assertTrue(!c.list().contains(weak), "a weak container whose client went away is destroyed");
            c.destroy(keep);
            c.destroy(quick);
        } finally {
            try {
                weakOwner.close();
            } catch (RuntimeException e) {
                // its daemon is gone
            }
        }
        assertNotEquals(old, portod.daemonPid());
    }

    @Test
    void containersSurviveKillOfTheDaemon() throws Exception {
        survives("KILL", "daemon");
    }

    @Test
    void containersSurviveReload() throws Exception {
        survives("HUP", "master");
    }

    @Test
    void leftoversOfVanishedContainersAreRemovedAtStart() throws Exception {
        // What a daemon killed between its kernel work and its record would leave behind.
        java.nio.file.Path freezer = java.nio.file.Path.of("/sys/fs/cgroup/freezer", portod.cgroupRoot, "ghost");
        java.nio.file.Files.createDirectories(freezer);
        Process sleeper = new ProcessBuilder("sleep", "1000").start();
        java.nio.file.Files.writeString(freezer.resolve("cgroup.procs"), Long.toString(sleeper.pid()));
        java.nio.file.Path dir = portod.place.resolve("ghost");
        java.nio.file.Files.createDirectories(dir);
        long old = portod.daemonPid();
        PortodProcess.signal(old, "KILL");
        portod.awaitNewDaemon(old, Duration.ofSeconds(30));
        // The scan runs just after start, off the start's critical path.
        Await.until("the new daemon removes the leftovers", Duration.ofSeconds(10),
                () -> !java.nio.file.Files.exists(freezer) && !java.nio.file.Files.exists(dir));
        assertTrue(!java.nio.file.Files.exists(freezer), "the stale cgroup is removed");
        assertTrue(sleeper.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "its process is killed");
        assertTrue(!java.nio.file.Files.exists(dir), "the stale working directory is removed");
    }

    @Test
    void containersSurviveAnUpgradeOfTheMaster() throws Exception {
        try (PortoClient c = portod.client()) {
            c.create("up-keep");
            c.setProperty("up-keep", "command", "sleep 1000");
            c.start("up-keep");
            c.create("up-quick");
            c.setProperty("up-quick", "command", "bash -c 'sleep 0.5; exit 5'");
            c.start("up-quick");
        }
        String pid;
        try (PortoClient c = portod.client()) {
            pid = c.getProperty("up-keep", "root_pid");
        }
        long master = portod.masterPid();
        PortodProcess.signal(master, "USR2");
        // The re-executed master keeps the same daemon and says so once it serves it again.
        Await.until("the master says it upgraded", Duration.ofSeconds(30), () -> portod.logText().contains("upgraded: serving daemon"));
        // The same master process, re-executed: still the subreaper, still holding the socket.
        assertTrue(ProcessHandle.of(master).map(ProcessHandle::isAlive).orElse(false), "the master lives on");
        portod.awaitState("up-quick", "dead", java.time.Duration.ofSeconds(10));
        try (PortoClient c = portod.client()) {
            assertEquals(pid, c.getProperty("up-keep", "root_pid"));
            assertEquals("running", c.getProperty("up-keep", "state"));
            assertEquals(Integer.toString(5 << 8), c.getProperty("up-quick", "exit_status"));
            c.destroy("up-keep");
            c.destroy("up-quick");
        }
        assertTrue(portod.logText().contains("upgraded: serving daemon"), portod.logText());
    }

    @Test
    void aDamagedRecordIsSkippedAndTheRestIsRestored() throws Exception {
        try (PortoClient c = portod.client()) {
            c.create("rec-good");
            c.create("rec-bad");
            c.setProperty("rec-good", "private", "intact");
        }
        String id;
        try (PortoClient c = portod.client()) {
            id = c.getProperty("rec-bad", "id");
        }
        java.nio.file.Path record = portod.runDir.resolve("kvs").resolve(id);
        java.nio.file.Files.writeString(record, "#crc32=0\nname=rec-bad\ngarbage", java.nio.file.StandardOpenOption.APPEND);
        long old = portod.daemonPid();
        PortodProcess.signal(old, "KILL");
        portod.awaitNewDaemon(old, Duration.ofSeconds(30));
        try (PortoClient c = portod.client()) {
            assertTrue(c.list().contains("rec-good"), "the intact record is restored");
            assertEquals("intact", c.getProperty("rec-good", "private"));
            assertTrue(!c.list().contains("rec-bad"), "the damaged one is left out");
            c.destroy("rec-good");
        }
        assertTrue(portod.logText().contains("damaged"), "the log says which record was skipped");
    }
}

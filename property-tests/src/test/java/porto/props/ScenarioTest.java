package porto.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import porto.domain.Caller;
import porto.domain.ErrorCode;
import porto.domain.PortoException;
import porto.domain.State;
import porto.fake.FakeProcess;
import porto.fake.FakeUsers;
import porto.ports.Cgroups;
import porto.ports.LaunchSpec;

/** Single scenarios the random sequences reach rarely or cannot state as sharply. */
class ScenarioTest {
    private final World w = new World();

    private void run(String name, String command) throws PortoException {
        w.service.create(World.ROOT, name, false);
        w.service.set(World.ROOT, name, "command", command);
        w.service.start(World.ROOT, name);
    }

    private FakeProcess task(String name) throws PortoException {
        return w.kernel.processes().get(Integer.parseInt(w.service.get(name, "root_pid"))).orElseThrow();
    }

    private long elapsedMs() {
        return w.kernel.clock().elapsedNanos() / 1_000_000;
    }

    @Test
    void stopAsksWithSigtermFirst() throws Exception {
        run("a", "sleep 1000");
        FakeProcess p = task("a");
        w.service.stop(World.ROOT, "a", 30_000);
        assertEquals(0, p.exitStatus(), "its SIGTERM handler exited 0; no SIGKILL was needed");
        assertEquals(State.STOPPED, w.state("a"));
        Invariants.check(w);
    }

    @Test
    void stopKillsWhatIgnoresSigtermOnceTheTimeoutPasses() throws Exception {
        run("a", "stubborn");
        FakeProcess p = task("a");
        long t0 = elapsedMs();
        w.service.stop(World.ROOT, "a", 200);
        assertEquals(9, p.exitStatus(), "SIGKILL after the timeout");
        assertTrue(elapsedMs() - t0 >= 200, "waited out the timeout: " + (elapsedMs() - t0) + " ms");
        assertEquals(State.STOPPED, w.state("a"));
        Invariants.check(w);
    }

    @Test
    void stopDoesNotWaitForATaskWithoutHandler() throws Exception {
        run("a", "deaf");
        FakeProcess p = task("a");
        long t0 = elapsedMs();
        w.service.stop(World.ROOT, "a", 30_000);
        assertEquals(9, p.exitStatus());
        assertTrue(elapsedMs() - t0 < 1_000, "pid 1 without a handler ignores SIGTERM, so none is sent");
    }

    @Test
    void exitsWhileTheDaemonIsDownAreAppliedWhenItStarts() throws Exception {
        run("a", "sleep 1000");
        run("b", "sleep 1000");
        FakeProcess a = task("a");
        w.restartDaemon(() -> w.kernel.processes().exit(a.pid(), 3));
        assertEquals(State.DEAD, w.state("a"));
        assertEquals("768", w.get("a", "exit_status"));
        assertEquals("3", w.get("a", "exit_code"));
        assertEquals(State.RUNNING, w.state("b"));
        assertEquals(List.of(), w.kernel.exits().unacknowledged());
        Invariants.check(w);
    }

    @Test
    void aTaskLostWhileTheDaemonIsDownIsBuriedAfterTheGrace() throws Exception {
        run("a", "sleep 1000");
        FakeProcess a = task("a");
        w.restartDaemon(() -> w.kernel.processes().vanish(a.pid()));
        assertEquals(State.RUNNING, w.state("a"), "its exit may still come");
        w.kernel.clock().advance(2_900);
        assertEquals(State.RUNNING, w.state("a"));
        w.kernel.clock().advance(200);
        assertEquals(State.DEAD, w.state("a"));
        assertEquals("9", w.get("a", "exit_status"));
        Invariants.check(w);
    }

    @Test
    void aRestartedDaemonKeepsPausedContainersFrozen() throws Exception {
        run("a", "sleep 1000");
        w.service.pause(World.ROOT, "a");
        w.restartDaemon(() -> { });
        assertEquals(State.PAUSED, w.state("a"));
        assertTrue(w.kernel.cgroups().isFrozen("a"));
        w.service.resume(World.ROOT, "a");
        assertEquals(State.RUNNING, w.state("a"));
        assertFalse(w.kernel.cgroups().isFrozen("a"));
        Invariants.check(w);
    }

    @Test
    void newIdsAfterARestartDoNotCollide() throws Exception {
        run("a", "sleep 1000");
        w.service.create(World.ROOT, "b", false);
        w.restartDaemon(() -> { });
        w.service.create(World.ROOT, "c", false);
        assertEquals(3, List.of(w.get("a", "id"), w.get("b", "id"), w.get("c", "id")).stream().distinct().count());
        Invariants.check(w);
    }

    @Test
    void theLaunchSpecCarriesTheContainersSetup() throws Exception {
        run("a", "sleep $PORTO_NAME");
        LaunchSpec spec = w.kernel.launcher().lastLaunch();
        assertEquals(List.of("sleep", "a"), spec.argv());
        assertEquals(w.kernel.cgroups().taskDirectories("a", porto.fake.FakeCgroups.ALL_CONTROLLERS),
                spec.cgroupDirectories());
        assertTrue(spec.env().contains("PORTO_NAME=a"), spec.env().toString());
        assertTrue(spec.env().contains("PORTO_HOST=host"), spec.env().toString());
        assertTrue(spec.env().contains("HOME=/root"), spec.env().toString());
        assertEquals("/place/porto/a", spec.cwd());
        assertEquals(LaunchSpec.Stream.host("/place/porto/a/stdout"), spec.stdio().out());
        assertEquals(LaunchSpec.Stream.host("/dev/null"), spec.stdio().in());
        assertEquals(0, spec.identity().uid());
        assertEquals(2, spec.identity().umask());
        assertTrue(spec.namespaces().isolate());
        assertTrue(w.kernel.files().exists("/place/porto/a/stdout"));
        w.service.stop(World.ROOT, "a", 0);
        assertFalse(w.kernel.files().exists("/place/porto/a"), "the working directory goes with the run");
    }

    @Test
    void aFailedLaunchLeavesNothingBehind() throws Exception {
        w.service.create(World.ROOT, "a", false);
        w.service.set(World.ROOT, "a", "command", "__nope");
        PortoException e = assertThrows(PortoException.class, () -> w.service.start(World.ROOT, "a"));
        assertEquals(ErrorCode.Unknown, e.code());
        assertEquals(2, e.errno());
        assertEquals("2", w.get("a", "start_errno"));
        assertEquals(State.STOPPED, w.state("a"));
        assertFalse(w.kernel.cgroups().exists("a"));
        assertFalse(w.kernel.files().exists("/place/porto/a"));
        Invariants.check(w);
    }

    @Test
    void limitsReachTheCgroupsAndNestedContainersGetOnlyWhatTheyNeed() throws Exception {
        w.service.create(World.ROOT, "a", false);
        w.service.set(World.ROOT, "a", "memory_limit", "1G");
        run("a/plain", "sleep 1000");
        run("a/limited", "sleep 1000");
        assertEquals(1L << 30, w.kernel.cgroups().limit("a", Cgroups.Limit.MEMORY_LIMIT).orElse(-1));
        assertEquals(10_000, w.kernel.cgroups().limit("a", Cgroups.Limit.THREAD_LIMIT).orElse(-1), "level-1 default");
        assertFalse(w.kernel.cgroups().exists("memory", "a/plain"));
        assertTrue(w.kernel.cgroups().exists("freezer", "a/plain"));
        w.service.stop(World.ROOT, "a/limited", 0);
        w.service.set(World.ROOT, "a/limited", "memory_limit", "64M");
        w.service.start(World.ROOT, "a/limited");
        assertEquals(64L << 20, w.kernel.cgroups().limit("a/limited", Cgroups.Limit.MEMORY_LIMIT).orElse(-1));
        w.service.set(World.ROOT, "a", "memory_limit", "2G");
        assertEquals(2L << 30, w.kernel.cgroups().limit("a", Cgroups.Limit.MEMORY_LIMIT).orElse(-1), "applied while running");
        Invariants.check(w);
    }

    @Test
    void withoutIsolationTheTaskJoinsItsParentAndIsNotInit() throws Exception {
        run("a", "sleep 1000");
        w.service.create(World.ROOT, "a/b", false);
        w.service.set(World.ROOT, "a/b", "isolate", "false");
        w.service.set(World.ROOT, "a/b", "command", "deaf");
        w.service.start(World.ROOT, "a/b");
        LaunchSpec spec = w.kernel.launcher().lastLaunch();
        assertFalse(spec.namespaces().isolate());
        assertEquals(task("a").pid(), spec.namespaces().joinOf());
        w.service.kill(World.ROOT, "a/b", 2);
        w.kernel.deliverExits();
        assertEquals(State.DEAD, w.state("a/b"), "SIGINT's default action kills a task that is not pid 1");
        assertEquals("-2", w.get("a/b", "exit_code"));
        run("c", "deaf");
        w.service.kill(World.ROOT, "c", 2);
        w.kernel.deliverExits();
        assertEquals(State.RUNNING, w.state("c"), "pid 1 of a new namespace ignores it");
        Invariants.check(w);
    }

    @Test
    void writeAccessNeedsGroupPortoAndOwnership() throws Exception {
        Caller alice = new Caller(4242, FakeUsers.ALICE, FakeUsers.ALICE);
        assertEquals(ErrorCode.Permission, World.outcome(() -> w.service.create(alice, "x", false)));
        w.kernel.users().setAliceInPorto(true);
        w.service.create(alice, "x", false);
        assertEquals("alice", w.get("x", "owner_user"));
        w.service.create(World.ROOT, "r", false);
        assertEquals(ErrorCode.Permission, World.outcome(() -> w.service.start(alice, "r")));
        assertEquals(ErrorCode.Permission, World.outcome(() -> w.service.create(alice, "r/child", false)));
        assertEquals(ErrorCode.Permission, World.outcome(() -> w.service.set(alice, "x", "user", "root")));
        w.service.set(alice, "x", "command", "sleep 1000");
        w.service.start(alice, "x");
        assertEquals(FakeUsers.ALICE, w.kernel.launcher().lastLaunch().identity().uid());
        assertEquals("/home/alice", w.kernel.launcher().lastLaunch().env().stream()
                .filter(e -> e.startsWith("HOME=")).findFirst().orElseThrow().substring(5));
        Invariants.check(w);
    }

    @Test
    void aStoreThatFailsIsReportedNotHidden() throws Exception {
        w.kernel.store().setFailing(true);
        // The request is told: its change is made but would not survive a daemon restart.
        PortoException e = assertThrows(PortoException.class,
                () -> w.service.create(World.ROOT, "a", false));
        assertEquals(ErrorCode.Unknown, e.code());
        assertTrue(e.getMessage().contains("not saved"), e.getMessage());
        assertNotNull(w.service.persistenceError());
        w.kernel.store().setFailing(false);
        w.service.set(World.ROOT, "a", "private", "x");
        assertNull(w.service.persistenceError());
    }

    @Test
    void aRestartRestoresParentsBeforeChildrenAndSkipsANameTooDeep() throws Exception {
        String deep = "a";
        for (int level = 2; level <= 16; level++)
            deep += "/c" + level;
        String name = "";
        for (String part : deep.split("/")) {
            name = name.isEmpty() ? part : name + "/" + part;
            w.service.create(World.ROOT, name, false);
        }
        w.service.create(World.ROOT, "b", false);
        var tooDeep = new java.util.HashMap<>(w.kernel.store().record(w.get("b", "id")));
        tooDeep.put("name", deep + "/c17");
        tooDeep.put("id", "999");
        w.kernel.store().putRaw("999", tooDeep);
        w.restartDaemon(() -> { });
        assertEquals(17, w.service.list(null).size()); // 16 levels and b
        assertEquals(deep, w.service.list(null).stream().filter(n -> n.endsWith("/c16")).findFirst().orElseThrow());
        assertTrue(w.service.persistenceError().contains(deep + "/c17"), w.service.persistenceError());
        w.kernel.store().remove("999"); // a skipped record stays in the store, as a damaged one does
        Invariants.check(w);
    }

    @Test
    void aCorruptRecordIsLeftOutOnRestart() throws Exception {
        w.service.create(World.ROOT, "a", false);
        w.service.create(World.ROOT, "b", false);
        w.kernel.store().corrupt(w.get("b", "id"));
        w.restartDaemon(() -> { });
        assertEquals(List.of("a"), w.service.list(null));
    }

    @Test
    void outputIsReadFromTheStoredFile() throws Exception {
        run("a", "sleep 1000");
        w.kernel.files().append("/place/porto/a/stdout", "hello, world".getBytes(StandardCharsets.UTF_8));
        assertEquals("hello, world", w.service.get("a", "stdout"));
        assertEquals("world", w.service.get("a", "stdout[:5]"));
        assertEquals("lo", w.service.get("a", "stdout[3:2]"));
        assertEquals("", w.service.get("a", "stderr"));
    }

    @Test
    void runningTimeFollowsTheClock() throws Exception {
        run("a", "true");
        assertEquals("0", w.get("a", "time"));
        w.kernel.clock().advance(4);
        assertEquals(State.RUNNING, w.state("a"));
        w.kernel.clock().advance(1);
        assertEquals(State.DEAD, w.state("a"), "true exits after 5 ms");
        assertEquals("0", w.get("a", "exit_code"));
        w.service.restart(World.ROOT, "a");
        assertEquals(State.RUNNING, w.state("a"));
        w.kernel.clock().advance(3_000);
        assertEquals(State.DEAD, w.state("a"));
        Invariants.check(w);
    }

    @Test
    void weakContainersGoWithTheirClient() throws Exception {
        w.service.create(World.ROOT, "weak", true);
        run("weak/child", "sleep 1000");
        w.service.create(World.ROOT, "kept", true);
        w.service.set(World.ROOT, "kept", "weak", "false");
        w.service.destroyIfWeak("weak");
        w.service.destroyIfWeak("kept");
        assertEquals(List.of("kept"), w.service.list(null));
        Invariants.check(w);
    }
}

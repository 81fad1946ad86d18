package porto.fake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import porto.ports.Cgroups;
import porto.ports.KernelException;
import porto.ports.LaunchResult;
import porto.ports.LaunchSpec;

class FakeKernelTest {
    private final FakeKernel k = new FakeKernel();
    private final List<String> heard = new ArrayList<>();

    private LaunchResult launch(String path, String... argv) throws KernelException {
        Set<String> ctl = Set.of("freezer", "memory");
        k.cgroups().create(path, ctl);
        return k.launcher().launch(spec(k.cgroups().taskDirectories(path, ctl), argv));
    }

    static LaunchSpec spec(List<String> cgroupDirs, String... argv) {
        LaunchSpec.Stream none = LaunchSpec.Stream.host("/dev/null");
        return new LaunchSpec(cgroupDirs, List.of(argv), null, List.of(), "/",
                new LaunchSpec.Identity(0, 0, List.of(0), 2, -1L, 0, false), null, new LaunchSpec.Stdio(none, none, none),
                new LaunchSpec.Namespaces(0, true, false, true, ""), new LaunchSpec.Filesystem(null, false, List.of(), List.of(), false),
                List.of(), null, null);
    }

    private void listen() {
        k.exits().start((pid, status, start) -> {
            heard.add(pid + ":" + status);
            k.exits().acknowledge(pid);
        });
    }

    @Test
    void sigkillQueuesTheExitUntilDelivered() throws Exception {
        listen();
        LaunchResult r = launch("a", "sleep", "1000");
        assertEquals(Set.of(r.pid()), k.cgroups().pids("a"));
        k.processes().kill(r.pid(), 9);
        assertTrue(heard.isEmpty(), "kill must not deliver synchronously");
        assertFalse(k.processes().isAlive(r.pid(), r.startTime()));
        assertEquals(Set.of(), k.cgroups().pids("a"));
        k.deliverExits();
        assertEquals(List.of(r.pid() + ":9"), heard);
        assertTrue(k.exits().unacknowledged().isEmpty());
        assertTrue(k.processes().get(r.pid()).isEmpty(), "acknowledged zombie is reaped");
    }

    @Test
    void sigtermFollowsTheProgram() throws Exception {
        listen();
        k.launcher().define("deaf", Program.deaf());
        k.launcher().define("stubborn", Program.stubborn());
        LaunchResult nice = launch("a", "sleep");
        LaunchResult deaf = launch("b", "deaf");
        LaunchResult stubborn = launch("c", "stubborn");
        assertTrue(k.processes().catchesSignal(nice.pid(), 15));
        assertFalse(k.processes().catchesSignal(deaf.pid(), 15));
        for (LaunchResult r : List.of(nice, deaf, stubborn))
            k.processes().kill(r.pid(), 15);
        k.deliverExits();
        assertEquals(List.of(nice.pid() + ":0"), heard, "handler exits 0; init ignores; stubborn carries on");
        assertTrue(k.processes().isAlive(deaf.pid(), deaf.startTime()));
        assertTrue(k.processes().isAlive(stubborn.pid(), stubborn.startTime()));
    }

    @Test
    void frozenProcessesTakeSignalsOnThawButSigkillAtOnce() throws Exception {
        listen();
        LaunchResult r = launch("a", "sleep");
        k.cgroups().create("a/b", Set.of("freezer"));
        k.cgroups().setFrozen("a", true);
        assertTrue(k.cgroups().isFrozen("a/b"), "freezing is hierarchical");
        k.processes().kill(r.pid(), 15);
        k.deliverExits();
        assertTrue(heard.isEmpty());
        k.cgroups().setFrozen("a", false);
        k.deliverExits();
        assertEquals(List.of(r.pid() + ":0"), heard);

        LaunchResult s = launch("x", "sleep");
        k.cgroups().setFrozen("x", true);
        k.processes().kill(s.pid(), 9);
        k.deliverExits();
        assertEquals(s.pid() + ":9", heard.get(1));
    }

    @Test
    void thawingAParentKeepsASelfFrozenChildFrozen() throws Exception {
        k.cgroups().create("a/b", Set.of("freezer"));
        k.cgroups().setFrozen("a/b", true);
        k.cgroups().setFrozen("a", true);
        k.cgroups().setFrozen("a", false);
        assertTrue(k.cgroups().isFrozen("a/b"));
        assertFalse(k.cgroups().isFrozen("a"));
    }

    @Test
    void cgroupRemovalNeedsItEmpty() throws Exception {
        LaunchResult r = launch("a", "sleep");
        KernelException busy = assertThrows(KernelException.class, () -> k.cgroups().remove("a"));
        assertEquals(16, busy.errno());
        k.processes().kill(r.pid(), 9);
        k.cgroups().create("a/b", Set.of("freezer"));
        k.cgroups().remove("a"); // the empty child goes with it, as rmdir deepest first does
        assertFalse(k.cgroups().exists("a/b"));
        assertFalse(k.cgroups().exists("a"));
        k.cgroups().remove("a"); // a missing one is fine
    }

    @Test
    void missingCommandsFailWithEnoent() throws Exception {
        KernelException e = assertThrows(KernelException.class, () -> launch("a", "__nope"));
        assertEquals(2, e.errno());
        assertEquals("No such file or directory: execvpe(__nope)", e.getMessage());
        assertEquals(List.of("__nope"), k.launcher().lastLaunch().argv());
        assertTrue(k.cgroups().pids("a").isEmpty());
    }

    @Test
    void launchIntoMissingCgroupFails() {
        LaunchSpec spec = spec(List.of("fake:freezer:/porto/ghost"), "sleep");
        assertEquals(2, assertThrows(KernelException.class, () -> k.launcher().launch(spec)).errno());
    }

    @Test
    void unacknowledgedExitsAreRedeliveredToANewListener() throws Exception {
        k.exits().start((pid, status, start) -> heard.add("old " + pid));
        LaunchResult r = launch("a", "sleep");
        k.processes().exit(r.pid(), 3);
        k.deliverExits();
        assertEquals(List.of("old " + r.pid()), heard);
        k.daemonCrashed();
        k.deliverExits();
        assertEquals(1, heard.size(), "nothing without a daemon");
        listen();
        k.deliverExits();
        assertEquals(List.of("old " + r.pid(), r.pid() + ":" + (3 << 8)), heard);
        k.deliverExits();
        assertEquals(2, heard.size(), "acknowledged exits are not delivered again");
    }

    @Test
    void pidsWrapAroundButNotOntoZombies() throws Exception {
        k.processes().setPidRange(100, 102);
        LaunchResult a = launch("a", "sleep");
        LaunchResult b = launch("b", "sleep");
        LaunchResult c = launch("c", "sleep");
        assertEquals(List.of(100, 101, 102), List.of(a.pid(), b.pid(), c.pid()));
        k.processes().kill(a.pid(), 9);
        assertEquals(11, assertThrows(KernelException.class, () -> launch("d", "sleep")).errno(), "zombie holds its pid");
        listen();
        k.deliverExits();
        LaunchResult d = launch("d", "sleep");
        assertEquals(100, d.pid());
        assertNotEquals(a.startTime(), d.startTime());
        assertFalse(k.processes().isAlive(100, a.startTime()));
        assertTrue(k.processes().isAlive(100, d.startTime()));
    }

    @Test
    void clockRunsTasksInOrderAndDropsDaemonTasksOnCrash() {
        FakeClock clock = k.clock();
        List<String> ran = new ArrayList<>();
        clock.schedule(20, () -> ran.add("b@" + clock.elapsedNanos() / 1_000_000));
        clock.schedule(10, () -> ran.add("a@" + clock.elapsedNanos() / 1_000_000));
        clock.scheduleKernel(30, () -> ran.add("kernel"));
        clock.schedule(40, () -> ran.add("daemon"));
        clock.advance(25);
        assertEquals(List.of("a@10", "b@20"), ran);
        k.daemonCrashed();
        clock.advance(100);
        assertEquals(List.of("a@10", "b@20", "kernel"), ran);
        assertEquals(125, clock.elapsedNanos() / 1_000_000);
    }

    @Test
    void readingTheClockNeverMovesIt() {
        long t0 = k.clock().nanoTime();
        k.clock().nanoTime();
        assertEquals(t0, k.clock().nanoTime());
    }

    @Test
    void waitingRunsTimeToTheNextEventOrTheDeadline() throws Exception {
        listen();
        k.launcher().define("true", Program.exitsAfter(5, 0));
        LaunchResult t = launch("a", "true");
        var lock = new java.util.concurrent.locks.ReentrantLock();
        var condition = lock.newCondition();
        long start = k.clock().nanoTime();
        lock.lock();
        try {
            k.clock().await(condition, start + 100_000_000);
            assertEquals(start + 5_000_000, k.clock().nanoTime(), "to the exit, 5 ms later");
            assertEquals(List.of(t.pid() + ":0"), heard);
            k.clock().await(condition, start + 100_000_000);
            assertEquals(start + 100_000_000, k.clock().nanoTime(), "nothing else is scheduled: to the deadline");
        } finally {
            lock.unlock();
        }
    }

    @Test
    void programsExitByThemselves() throws Exception {
        listen();
        k.launcher().define("true", Program.exitsAfter(5, 0));
        k.launcher().define("false", Program.exitsAfter(5, 1));
        LaunchResult t = launch("a", "/bin/true");
        LaunchResult f = launch("b", "false");
        k.clock().advance(4);
        assertTrue(heard.isEmpty());
        k.clock().advance(1);
        assertEquals(List.of(t.pid() + ":0", f.pid() + ":256"), heard);
    }

    @Test
    void forkedChildrenCountInTheCgroupAndDieQuietly() throws Exception {
        listen();
        LaunchResult r = launch("a", "sleep");
        int child = k.processes().fork(r.pid());
        assertEquals(Set.of(r.pid(), child), k.cgroups().pids("a"));
        assertEquals(2, k.cgroups().threadCount("a"));
        k.processes().kill(child, 9);
        k.deliverExits();
        assertTrue(heard.isEmpty(), "only main tasks report exits");
        assertTrue(k.processes().get(child).isEmpty());
    }

    @Test
    void limitsAndStatsNeedTheController() throws Exception {
        k.cgroups().create("a", Set.of("freezer"));
        assertEquals(2, assertThrows(KernelException.class,
                () -> k.cgroups().setLimit("a", Cgroups.Limit.MEMORY_LIMIT, 1 << 20)).errno());
        assertEquals(-1, k.cgroups().stat("a", Cgroups.Stat.MEMORY_USAGE));
        k.cgroups().create("a", Set.of("memory"));
        k.cgroups().setLimit("a", Cgroups.Limit.MEMORY_LIMIT, 1 << 20);
        assertEquals(1 << 20, k.cgroups().limit("a", Cgroups.Limit.MEMORY_LIMIT).getAsLong());
        assertEquals("1048576\n", k.cgroups().readKnob("a", "memory.limit_in_bytes"));
        assertEquals(0, k.cgroups().stat("a", Cgroups.Stat.MEMORY_USAGE));
    }

    @Test
    void storeHidesCorruptRecords() throws Exception {
        k.store().save("1", java.util.Map.of("name", "a"));
        k.store().save("2", java.util.Map.of("name", "b"));
        k.store().corrupt("2");
        assertEquals(Set.of("1"), k.store().loadAll().keySet());
        assertEquals(List.of("2"), k.store().damaged());
        k.store().setFailing(true);
        assertEquals(28, assertThrows(KernelException.class, () -> k.store().save("3", java.util.Map.of())).errno());
    }

    @Test
    void usersAndGroups() {
        FakeUsers u = k.users();
        assertEquals(1000, u.uid("alice").getAsInt());
        assertEquals(List.of(1000), u.groupsOf(1000));
        u.setAliceInPorto(true);
        assertEquals(List.of(1000, FakeUsers.PORTO_GROUP), u.groupsOf(1000));
        assertEquals("porto", u.groupName(FakeUsers.PORTO_GROUP).orElseThrow());
        assertEquals("/root", u.home(0).orElseThrow());
        assertTrue(u.uid("mallory").isEmpty());
    }

    @Test
    void filesLiveInDirectories() throws Exception {
        FakeFiles f = k.files();
        assertEquals(2, assertThrows(KernelException.class, () -> f.createFile("/place/porto/a/stdout", 0, 0)).errno());
        f.createDirectory("/place/porto/a", 1000, 1000);
        f.createFile("/place/porto/a/stdout", 1000, 1000);
        f.append("/place/porto/a/stdout", "hello world".getBytes());
        assertEquals(11, f.size("/place/porto/a/stdout"));
        f.dropHead("/place/porto/a/stdout", 6);
        assertArrayEquals("world".getBytes(), f.read("/place/porto/a/stdout", 0, 100));
        f.createDirectory("/place/porto/a", 1000, 1000);
        assertEquals(5, f.size("/place/porto/a/stdout"), "re-creating takes the directory over, as LinuxFiles does");
        f.removeDirectory("/place/porto");
        assertFalse(f.exists("/place/porto/a"));
        assertTrue(f.exists("/place"));
    }
}

package porto.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static porto.ports.Errno.*;
import static porto.ports.Signals.*;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import porto.ports.KernelException;
import porto.ports.LaunchResult;
import porto.ports.LaunchSpec;
import porto.ports.LaunchSpec.Bind;
import porto.ports.LaunchSpec.Namespaces;
import porto.ports.Processes;
import porto.ports.Scheduling;
import porto.ports.TaskLauncher;

/**
 * What a task started through {@link TaskLauncher} shows from outside, and what {@link Processes}
 * sees of it: its exit status, credentials, resource limits, standard streams, namespaces (new,
 * joined, hostname), root and bind mounts, a fresh /dev with the nodes asked for, read-only mounts,
 * streams opened inside the root, a user namespace with its id maps, a mount namespace at exec;
 * failures (a missing program, root, bind source or stdin) answered with ENOENT before anything
 * runs, a cgroupfs without its namespaces with EINVAL.
 */
public abstract class LauncherConformance {
    static final int RLIMIT_NOFILE = 7;

    /**
     * What the kernel shows of a running task. {@code rlimits}: resource -> [soft, hard], -1 unlimited;
     * {@code policy} and {@code nice} as in {@link Scheduling}; capability sets as bit masks.
     */
    public record TaskView(int uid, int gid, Set<Integer> groups, Map<String, String> namespaces, String hostname,
                           Map<Integer, List<Long>> rlimits, int policy, int nice, long capBound, long capAmbient,
                           int oomScoreAdj) {}

    /** The launcher and process table of one kernel, programs that behave alike on it, and ways to look. */
    public interface Fixture extends AutoCloseable {
        TaskLauncher launcher();

        Processes processes();

        /** A host directory of the test's own, for roots, binds and output. */
        String scratch();

        /** Runs until killed, with no handler for SIGTERM. */
        List<String> sleeper();

        /** Exits with {@code code} at once. */
        List<String> exiting(int code);

        /** Writes {@code out} to stdout and {@code err} to stderr, then exits 0. */
        List<String> printing(String out, String err);

        /** Exits with {@code code} when it gets SIGTERM, which it handles; {@link #awaitHandler} waits for the handler. */
        List<String> trapping(int code);

        /** Returns once {@code pid} has its SIGTERM handler in place. */
        void awaitHandler(int pid) throws Exception;

        /** Makes {@code dir} a root that the programs above run in; the binds they need there. */
        List<Bind> makeRoot(String dir) throws Exception;

        void makeDirectory(String path) throws Exception;

        void makeFile(String path, String content) throws Exception;

        /** The content of a host file, or null when there is none. */
        String readFile(String path) throws Exception;

        boolean exists(String path);

        /** Waits for the task to exit and returns its wait(2) status. */
        int awaitExit(LaunchResult task) throws Exception;

        TaskView view(int pid) throws Exception;

        /** The namespaces of the host (of whoever launches), by name: pid, mnt, uts, ipc, net, user, cgroup. */
        Map<String, String> hostNamespaces() throws Exception;

        /** The uid map of the task's user namespace (/proc/PID/uid_map). */
        List<LaunchSpec.IdRange> uidMap(int pid) throws Exception;

        /** Whether the running task {@code pid} finds something at {@code path} in its own filesystem. */
        boolean sees(int pid, String path);

        /** Whether the mount at {@code path} in the task's filesystem is writable (not mounted read-only). */
        boolean writable(int pid, String path) throws Exception;

        /** Kills and reaps every task still running, removes the scratch directory. */
        @Override
        void close() throws Exception;
    }

    protected abstract Fixture newFixture() throws Exception;

    private Fixture fx;
    private String s;

    @BeforeEach
    void setUpLauncher() throws Exception {
        fx = newFixture();
        s = fx.scratch();
    }

    @AfterEach
    void tearDownLauncher() throws Exception {
        if (fx != null)
            fx.close();
    }

    private LaunchSpec spec(List<String> argv) {
        return Specs.plain(List.of(), argv);
    }

    private LaunchResult launch(LaunchSpec spec) throws KernelException {
        return fx.launcher().launch(spec);
    }

    private LaunchSpec isolated(LaunchSpec spec) {
        return Specs.withNamespaces(spec, new Namespaces(0, true, false, false, ""));
    }

    @Test
    void anExitCodeAndAKillingSignalAreReported() throws Exception {
        LaunchResult exited = launch(spec(fx.exiting(7)));
        assertEquals(7 << 8, fx.awaitExit(exited));
        assertFalse(fx.processes().isAlive(exited.pid(), exited.startTime()));

        LaunchResult killed = launch(spec(fx.sleeper()));
        assertTrue(fx.processes().isAlive(killed.pid(), killed.startTime()));
        assertFalse(fx.processes().isAlive(killed.pid(), killed.startTime() + 1), "another start time is another process");
        assertFalse(fx.processes().catchesSignal(killed.pid(), SIGTERM));
        fx.processes().kill(killed.pid(), SIGKILL);
        assertEquals(SIGKILL, fx.awaitExit(killed));
        fx.processes().kill(killed.pid(), SIGKILL); // gone already: no error
    }

    @Test
    void schedulingIsSetAtLaunchAndChangedLater() throws Exception {
        LaunchSpec batch = new LaunchSpec(List.of(), fx.sleeper(), null, Specs.PATH, "/", Specs.plain(List.of(), fx.sleeper()).identity(),
                null, Specs.plain(List.of(), fx.sleeper()).stdio(), new Namespaces(0, false, false, false, ""),
                new LaunchSpec.Filesystem(null, false, List.of(), List.of(), false), List.of(), null,
                new Scheduling(Scheduling.SCHED_BATCH, 0, 5, 0));
        LaunchResult task = launch(batch);
        TaskView v = fx.view(task.pid());
        assertEquals(List.of(Scheduling.SCHED_BATCH, 5), List.of(v.policy(), v.nice()));
        fx.processes().setScheduling(task.pid(), new Scheduling(Scheduling.SCHED_IDLE, 0, 10, 0));
        v = fx.view(task.pid());
        assertEquals(List.of(Scheduling.SCHED_IDLE, 10), List.of(v.policy(), v.nice()));
        fx.processes().kill(task.pid(), SIGKILL);
        fx.awaitExit(task);
        fx.processes().setScheduling(task.pid(), Scheduling.DEFAULT); // gone: no error
    }

    @Test
    void aHandledSignalRunsTheHandler() throws Exception {
        LaunchResult task = launch(spec(fx.trapping(3)));
        fx.awaitHandler(task.pid());
        assertTrue(fx.processes().catchesSignal(task.pid(), SIGTERM));
        fx.processes().kill(task.pid(), SIGTERM);
        assertEquals(3 << 8, fx.awaitExit(task));
    }

    @Test
    void whatCannotBeFoundFailsWithEnoentBeforeAnythingRuns() throws Exception {
        KernelException noProgram = assertThrows(KernelException.class, () -> launch(spec(List.of("__no_such_program__"))));
        assertEquals(ENOENT, noProgram.errno(), noProgram.getMessage());
        LaunchSpec noStdin = Specs.withStdio(spec(fx.sleeper()), new LaunchSpec.Stdio(LaunchSpec.Stream.host(s + "/no-stdin"),
                LaunchSpec.Stream.host("/dev/null"), LaunchSpec.Stream.host("/dev/null")));
        assertEquals(ENOENT, assertThrows(KernelException.class, () -> launch(noStdin)).errno());
        LaunchSpec noRoot = Specs.withFilesystem(isolated(spec(fx.sleeper())),
                new LaunchSpec.Filesystem(s + "/no-root", false, List.of(), List.of(), false), "/");
        assertEquals(ENOENT, assertThrows(KernelException.class, () -> launch(noRoot)).errno());
        LaunchSpec noSource = Specs.withFilesystem(Specs.withNamespaces(spec(fx.sleeper()), new Namespaces(0, false, false, true, "")),
                new LaunchSpec.Filesystem(null, false, List.of(new Bind(s + "/no-source", s + "/target", false)), List.of(), false), "/");
        assertEquals(ENOENT, assertThrows(KernelException.class, () -> launch(noSource)).errno());
    }

    @Test
    void theTaskRunsWithTheCredentialsAsked() throws Exception {
        LaunchSpec.Identity alice = new LaunchSpec.Identity(1000, 1001, List.of(1001, 50), 022, 0, 0, true);
        LaunchResult task = launch(Specs.withIdentity(spec(fx.sleeper()), alice));
        TaskView v = fx.view(task.pid());
        assertEquals(1000, v.uid());
        assertEquals(1001, v.gid());
        assertEquals(Set.of(1001, 50), v.groups());
    }

    @Test
    void capabilitiesAreBoundedAndAmbientOnesRaisedForAUser() throws Exception {
        long netBind = 1L << 10;
        long kill = 1L << 5;
        LaunchSpec.Identity user = new LaunchSpec.Identity(1000, 1000, List.of(1000), 022, netBind | kill, netBind, false);
        TaskView v = fx.view(launch(Specs.withIdentity(spec(fx.sleeper()), user)).pid());
        assertEquals(netBind | kill, v.capBound());
        assertEquals(netBind, v.capAmbient());
        LaunchSpec.Identity root = new LaunchSpec.Identity(0, 0, List.of(0), 022, kill, 0, false);
        assertEquals(kill, fx.view(launch(Specs.withIdentity(spec(fx.sleeper()), root)).pid()).capBound());
    }

    @Test
    void theOomScoreIsAdjusted() throws Exception {
        LaunchSpec plain = spec(fx.sleeper());
        LaunchSpec adjusted = new LaunchSpec(plain.cgroupDirectories(), plain.argv(), null, plain.env(), plain.cwd(), plain.identity(),
                null, plain.stdio(), plain.namespaces(), plain.filesystem(), List.of(), 500, null);
        assertEquals(500, fx.view(launch(adjusted).pid()).oomScoreAdj());
    }

    @Test
    void resourceLimitsAreSet() throws Exception {
        LaunchResult task = launch(Specs.withRlimits(spec(fx.sleeper()), List.of(new LaunchSpec.Rlimit(RLIMIT_NOFILE, 100, 200))));
        assertEquals(List.of(100L, 200L), fx.view(task.pid()).rlimits().get(RLIMIT_NOFILE));
    }

    @Test
    void outputGoesToTheStreamsAndIsAppended() throws Exception {
        fx.makeFile(s + "/in", "");
        fx.makeFile(s + "/out", "before\n");
        LaunchSpec spec = Specs.withStdio(spec(fx.printing("out\n", "err\n")), new LaunchSpec.Stdio(LaunchSpec.Stream.host(s + "/in"),
                LaunchSpec.Stream.host(s + "/out"), LaunchSpec.Stream.host(s + "/err")));
        assertEquals(0, fx.awaitExit(launch(spec)));
        assertEquals("before\nout\n", fx.readFile(s + "/out"));
        assertEquals("err\n", fx.readFile(s + "/err"), "a missing output file is made");
    }

    @Test
    void aPlainTaskSharesTheHostsNamespacesAndIsolationMakesNewOnes() throws Exception {
        Map<String, String> host = fx.hostNamespaces();
        LaunchResult plain = launch(spec(fx.sleeper()));
        assertEquals(host, fx.view(plain.pid()).namespaces());

        LaunchResult isolated = launch(Specs.withNamespaces(spec(fx.sleeper()), new Namespaces(0, true, true, false, "conformance")));
        TaskView v = fx.view(isolated.pid());
        for (String ns : List.of("pid", "mnt", "uts", "ipc", "net"))
            assertNotEquals(host.get(ns), v.namespaces().get(ns), ns);
        assertEquals("conformance", v.hostname());

        LaunchResult joined = launch(Specs.withNamespaces(spec(fx.sleeper()), new Namespaces(isolated.pid(), false, false, false, "")));
        assertEquals(v.namespaces(), fx.view(joined.pid()).namespaces(), "a task that joins shares them all");
        assertEquals("conformance", fx.view(joined.pid()).hostname());

        LaunchResult named = launch(Specs.withNamespaces(spec(fx.sleeper()), new Namespaces(0, false, false, false, "other")));
        TaskView n = fx.view(named.pid());
        assertNotEquals(host.get("uts"), n.namespaces().get("uts"), "a hostname gets its own uts namespace");
        assertEquals(host.get("pid"), n.namespaces().get("pid"));
        assertEquals("other", n.hostname());
    }

    @Test
    void theInitOfANewPidNamespaceIgnoresSigtermButNotSigkill() throws Exception {
        LaunchResult init = launch(isolated(spec(fx.sleeper())));
        fx.processes().kill(init.pid(), SIGTERM);
        fx.processes().kill(init.pid(), SIGKILL);
        assertEquals(SIGKILL, fx.awaitExit(init), "SIGTERM without a handler does not reach a namespace's init");
    }

    @Test
    void aRootShowsOnlyItselfAndItsBinds() throws Exception {
        String root = s + "/root";
        fx.makeDirectory(root);
        List<Bind> binds = new java.util.ArrayList<>(fx.makeRoot(root));
        fx.makeFile(root + "/marker", "in the root\n");
        fx.makeDirectory(s + "/data");
        fx.makeFile(s + "/data/file", "bound\n");
        binds.add(new Bind(s + "/data", "/mnt/data", true));
        LaunchSpec spec = Specs.withFilesystem(isolated(spec(fx.sleeper())),
                new LaunchSpec.Filesystem(root, false, binds, List.of(), false), "/");
        LaunchResult task = launch(spec);
        assertTrue(fx.sees(task.pid(), "/marker"));
        assertTrue(fx.sees(task.pid(), "/mnt/data/file"), "a bind shows its source");
        assertFalse(fx.sees(task.pid(), root + "/marker"), "host paths are not seen from inside");
        assertFalse(fx.sees(task.pid(), s + "/data/file"));
        assertTrue(fx.exists(root + "/mnt/data"), "a missing bind target is made in the root");
    }

    @Test
    void aRootGetsAFreshDevWithTheNodesAskedAndReadOnlyMounts() throws Exception {
        String root = s + "/root";
        fx.makeDirectory(root);
        List<Bind> system = fx.makeRoot(root);
        List<Bind> binds = new java.util.ArrayList<>(system);
        fx.makeDirectory(s + "/rw");
        fx.makeDirectory(s + "/ro");
        binds.add(new Bind(s + "/rw", "/mnt/rw", false));
        binds.add(new Bind(s + "/ro", "/mnt/ro", true));
        List<LaunchSpec.Device> devices = List.of(new LaunchSpec.Device('c', 1, 3, "/dev/null", 0666, 0, 0));
        LaunchResult task = launch(Specs.withFilesystem(isolated(spec(fx.sleeper())),
                new LaunchSpec.Filesystem(root, false, binds, devices, false), "/"));
        assertTrue(fx.sees(task.pid(), "/dev/null"));
        assertFalse(fx.sees(task.pid(), "/dev/zero"), "only the nodes asked for");
        assertTrue(fx.writable(task.pid(), "/"));
        assertTrue(fx.writable(task.pid(), "/mnt/rw"));
        assertFalse(fx.writable(task.pid(), "/mnt/ro"));
        // root_readonly: the root alone; the mounts on it keep their own flags.
        LaunchResult readOnly = launch(Specs.withFilesystem(isolated(spec(fx.sleeper())),
                new LaunchSpec.Filesystem(root, true, binds, devices, false), "/"));
        assertFalse(fx.writable(readOnly.pid(), "/"), "root_readonly");
        assertTrue(fx.writable(readOnly.pid(), "/mnt/rw"), "a rw bind under a read-only root");
        assertFalse(fx.writable(readOnly.pid(), "/mnt/ro"));
    }

    @Test
    void streamsInsideARootAreOpenedThereRelativeToTheCwd() throws Exception {
        String root = s + "/root";
        fx.makeDirectory(root);
        List<Bind> binds = fx.makeRoot(root);
        fx.makeDirectory(root + "/work");
        LaunchSpec printing = Specs.withStdio(spec(fx.printing("inside\n", "")), new LaunchSpec.Stdio(
                LaunchSpec.Stream.host("/dev/null"), LaunchSpec.Stream.inside("out.txt"), LaunchSpec.Stream.inside("/err.txt")));
        LaunchSpec spec = Specs.withFilesystem(isolated(printing), new LaunchSpec.Filesystem(root, false, binds, List.of(), false), "/work");
        assertEquals(0, fx.awaitExit(launch(spec)));
        assertEquals("inside\n", fx.readFile(root + "/work/out.txt"));
        assertEquals("", fx.readFile(root + "/err.txt"));
        assertFalse(fx.exists(s + "/out.txt") || fx.exists("/work/out.txt"), "not on the host's side");
    }

    @Test
    void aUserNamespaceMapsRootInsideToTheUserOutside() throws Exception {
        List<LaunchSpec.IdRange> map = List.of(new LaunchSpec.IdRange(0, 1000, 1), new LaunchSpec.IdRange(1, 1, 999),
                new LaunchSpec.IdRange(1001, 1001, 4294967294L - 1000));
        Namespaces userns = new Namespaces(0, false, false, false, "", null, false, new LaunchSpec.UserNamespace(map, map), false);
        LaunchSpec.Identity root = new LaunchSpec.Identity(0, 0, List.of(0), 022, Specs.ALL_CAPS, 0, false);
        LaunchResult task = launch(Specs.withNamespaces(Specs.withIdentity(spec(fx.sleeper()), root), userns));
        TaskView v = fx.view(task.pid());
        assertNotEquals(fx.hostNamespaces().get("user"), v.namespaces().get("user"));
        assertEquals(fx.hostNamespaces().get("pid"), v.namespaces().get("pid"), "nothing else is new");
        assertEquals(List.of(1000, 1000), List.of(v.uid(), v.gid()), "root inside is 1000 outside");
        assertEquals(map, fx.uidMap(task.pid()));
        assertEquals(List.of(new LaunchSpec.IdRange(0, 0, 4294967295L)), fx.uidMap(launch(spec(fx.sleeper())).pid()));
        fx.processes().kill(task.pid(), SIGKILL);
        assertEquals(SIGKILL, fx.awaitExit(task));

        fx.makeFile(s + "/in", "");
        LaunchSpec printing = Specs.withStdio(Specs.withNamespaces(Specs.withIdentity(spec(fx.printing("mapped\n", "")), root), userns),
                new LaunchSpec.Stdio(LaunchSpec.Stream.host(s + "/in"), LaunchSpec.Stream.host(s + "/out"), LaunchSpec.Stream.host("/dev/null")));
        assertEquals(0, fx.awaitExit(launch(printing)));
        assertEquals("mapped\n", fx.readFile(s + "/out"));
    }

    @Test
    void aTaskMayEnterTheUserNamespaceOfTheTaskItJoins() throws Exception {
        List<LaunchSpec.IdRange> map = List.of(new LaunchSpec.IdRange(0, 1000, 1), new LaunchSpec.IdRange(1, 1, 999));
        LaunchSpec.Identity root = new LaunchSpec.Identity(0, 0, List.of(0), 022, Specs.ALL_CAPS, 0, false);
        LaunchResult parent = launch(Specs.withNamespaces(Specs.withIdentity(spec(fx.sleeper()), root),
                new Namespaces(0, true, false, false, "", null, false, new LaunchSpec.UserNamespace(map, map), false)));
        LaunchSpec.Identity daemon = new LaunchSpec.Identity(1, 1, List.of(1), 022, Specs.ALL_CAPS, 0, false);
        LaunchResult child = launch(Specs.withNamespaces(Specs.withIdentity(spec(fx.sleeper()), daemon),
                new Namespaces(parent.pid(), false, false, false, "", null, false, null, false, true)));
        TaskView p = fx.view(parent.pid()), c = fx.view(child.pid());
        assertEquals(p.namespaces(), c.namespaces(), "the parent's user namespace too");
        assertEquals(List.of(1, 1), List.of(c.uid(), c.gid()), "1 inside is 1 outside");
        assertEquals(map, fx.uidMap(child.pid()));
        LaunchResult plain = launch(Specs.withNamespaces(spec(fx.sleeper()), new Namespaces(parent.pid(), false, false, false, "")));
        assertEquals(fx.hostNamespaces().get("user"), fx.view(plain.pid()).namespaces().get("user"), "only when asked");
        assertEquals(p.namespaces().get("pid"), fx.view(plain.pid()).namespaces().get("pid"));
    }

    @Test
    void unshareOnExecGivesTheTaskAMountNamespaceOfItsOwn() throws Exception {
        Namespaces atExec = new Namespaces(0, false, false, false, "", null, false, null, true);
        TaskView v = fx.view(launch(Specs.withNamespaces(spec(fx.sleeper()), atExec)).pid());
        assertNotEquals(fx.hostNamespaces().get("mnt"), v.namespaces().get("mnt"));
        assertEquals(fx.hostNamespaces().get("uts"), v.namespaces().get("uts"));
    }

    @Test
    void aCgroupfsWithoutItsNamespacesIsRefused() throws Exception {
        LaunchSpec noNamespaces = Specs.withFilesystem(spec(fx.sleeper()),
                new LaunchSpec.Filesystem(null, false, List.of(), List.of(), false, LaunchSpec.CgroupFs.READ_ONLY), "/");
        assertEquals(22, assertThrows(KernelException.class, () -> launch(noNamespaces)).errno());
    }
}

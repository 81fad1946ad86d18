package porto.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static porto.ports.Errno.*;
import static porto.ports.Signals.*;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import porto.ports.Cgroups;
import porto.ports.Cgroups.DeviceRule;
import porto.ports.Cgroups.Limit;
import porto.ports.Cgroups.Stat;
import porto.ports.KernelException;

/**
 * What every {@link Cgroups} must do, on cgroup v1 and v2 alike: cgroups made with their parents
 * and removed with their empty children but never with a process; processes and threads counted
 * in a cgroup and below (v2 keeps them in leaves, which the port hides); a freezer that holds
 * signals until thawed (v1) or lets fatal ones through (v2); limits written or refused with EOPNOTSUPP and a reason; statistics read
 * or -1; v2 delegating its controllers down the tree (cgroup.subtree_control); v1's devices rule.
 */
public abstract class CgroupsConformance {
    /** An adapter on scratch cgroups, and real (or simulated) processes to put in them. */
    public interface Fixture extends AutoCloseable {
        Cgroups cgroups();

        /** 1 or 2. */
        int version();

        /** Starts a process that runs until a signal ends it, in {@code taskDirectories}; its pid. */
        int start(List<String> taskDirectories) throws Exception;

        /** Starts a task that runs until killed through the kernel's own launcher, which joins the cgroups and forks it. */
        int launch(List<String> taskDirectories) throws KernelException;

        void signal(int pid, int signal);

        /** Returns once {@code pid} has exited and been reaped; fails when it does not. */
        void awaitGone(int pid) throws Exception;

        /** Kills every process started, removes every scratch cgroup and puts back what was changed. */
        @Override
        void close() throws Exception;
    }

    protected abstract Fixture newFixture() throws Exception;

    private Fixture fx;
    private Cgroups cg;

    @BeforeEach
    void setUpCgroups() throws Exception {
        fx = newFixture();
        cg = fx.cgroups();
    }

    @AfterEach
    void tearDownCgroups() throws Exception {
        if (fx != null)
            fx.close();
    }

    private int startIn(String path) throws Exception {
        return fx.start(cg.taskDirectories(path, cg.available()));
    }

    private String knob(String path, String name) {
        String text = cg.readKnob(path, name);
        assertNotNull(text, name + " of " + path);
        return text.trim();
    }

    @Test
    void cgroupsAreMadeWithTheirParentsAndMakingOneAgainKeepsIt() throws Exception {
        assertTrue(cg.available().containsAll(Set.of("freezer", "cpuacct")), "freezing and cpu time: " + cg.available());
        cg.create("a/b", cg.available());
        cg.create("a/b", cg.available());
        cg.create("a", cg.available());
        assertEquals(Set.of("a", "a/b"), cg.containerPaths());
        assertEquals(Map.of("freezer", "/" + rootName() + "/a/b"), cg.paths("a/b", Set.of("freezer")));
    }

    /** The porto root the adapter was made with, as seen in {@link Cgroups#paths}. */
    private String rootName() {
        String p = cg.paths("", Set.of("freezer")).get("freezer");
        return p.substring(1);
    }

    @Test
    void aCgroupWithAProcessStaysAndEmptyChildrenGoWithTheirParent() throws Exception {
        cg.create("a/b", cg.available());
        int pid = startIn("a/b");
        assertEquals(EBUSY, assertThrows(KernelException.class, () -> cg.remove("a/b")).errno());
        assertEquals(EBUSY, assertThrows(KernelException.class, () -> cg.remove("a")).errno());
        fx.signal(pid, 9);
        fx.awaitGone(pid);
        cg.create("a/b/c", cg.available());
        cg.remove("a");
        assertEquals(Set.of(), cg.containerPaths());
        cg.remove("a");
        cg.remove("never/made");
    }

    @Test
    void processesAndThreadsCountInTheirCgroupAndAbove() throws Exception {
        cg.create("a", cg.available());
        int parent = startIn("a");
        cg.create("a/b", cg.available());
        int child = startIn("a/b");
        assertEquals(Set.of(parent, child), cg.pids("a"));
        assertEquals(Set.of(child), cg.pids("a/b"));
        assertEquals(2, cg.threadCount("a"));
        assertEquals(Optional.of("a"), cg.containerPathOf(parent));
        assertEquals(Optional.of("a/b"), cg.containerPathOf(child));
        assertEquals(Set.of("a", "a/b"), cg.containerPaths(), "v2's task leaves are no containers");
        assertEquals(cg.available().size() == 0 ? 0 : fx.version() == 2 ? 1 : directoriesPerHierarchy(),
                cg.taskDirectories("a", cg.available()).size(), "one directory per hierarchy; v2 has one tree");
        fx.signal(child, 9);
        fx.awaitGone(child);
        assertEquals(Set.of(parent), cg.pids("a"));
        assertEquals(Optional.empty(), cg.containerPathOf(child), "a process that is gone is nowhere");
    }

    private int directoriesPerHierarchy() {
        Set<Set<String>> hierarchies = new java.util.HashSet<>();
        for (String c : cg.available())
            hierarchies.add(cg.hierarchyOf(c));
        return hierarchies.size();
    }

    @Test
    void aFrozenProcessDiesOfAFatalSignalOnV2AndOnlyWhenThawedOnV1() throws Exception {
        cg.create("a/b", cg.available());
        int pid = startIn("a/b");
        cg.setFrozen("a", true);
        assertTrue(frozen("a") && frozen("a/b"), "freezing reaches the children");
        fx.signal(pid, SIGTERM);
        if (fx.version() == 2) {
            fx.awaitGone(pid); // v2's freezer lets a fatal signal through
        } else {
            assertEquals(Set.of(pid), cg.pids("a"), "a process frozen by v1 does not die of SIGTERM");
            cg.setFrozen("a", false);
            fx.awaitGone(pid);
        }
        cg.setFrozen("a", false);
        assertFalse(frozen("a/b"));
    }

    @Test
    void aChildFrozenOfItsOwnStaysFrozenWhenItsParentThaws() throws Exception {
        cg.create("a/b", cg.available());
        cg.setFrozen("a/b", true);
        cg.setFrozen("a", true);
        cg.setFrozen("a", false);
        assertTrue(frozen("a/b"));
        assertFalse(frozen("a"));
        cg.setFrozen("a/b", false);
        assertFalse(frozen("a/b"));
    }

    private boolean frozen(String path) {
        if (fx.version() == 1)
            return knob(path, "freezer.state").equals("FROZEN");
        return knob(path, "cgroup.events").contains("frozen 1");
    }

    @Test
    void eachLimitIsWrittenOrRefusedWithAReason() throws Exception {
        cg.create("a", cg.available());
        Map<Limit, Long> values = Map.ofEntries(Map.entry(Limit.MEMORY_LIMIT, 64L << 20), Map.entry(Limit.MEMORY_GUARANTEE, 1L << 20),
                Map.entry(Limit.ANON_LIMIT, 64L << 20), Map.entry(Limit.ANON_ONLY, 1L), Map.entry(Limit.DIRTY_LIMIT, 64L << 20),
                Map.entry(Limit.RECHARGE_ON_PGFAULT, 1L), Map.entry(Limit.OOM_GROUP, 1L), Map.entry(Limit.CPU_PERIOD, 100_000L),
                Map.entry(Limit.CPU_LIMIT, 500_000L), Map.entry(Limit.CPU_SHARES, 2048L), Map.entry(Limit.THREAD_LIMIT, 100L),
                Map.entry(Limit.IO_WEIGHT, 1000L), Map.entry(Limit.HUGETLB_LIMIT, 2L << 20), Map.entry(Limit.MEMORY_SOFT_LIMIT, 1L << 20));
        for (Limit l : Limit.values()) {
            String why = cg.unsupported(l);
            if (why == null) {
                cg.setLimit("a", l, values.get(l));
            } else {
                assertFalse(why.isBlank(), l.name());
                KernelException e = assertThrows(KernelException.class, () -> cg.setLimit("a", l, values.get(l)), l.name());
                assertEquals(EOPNOTSUPP, e.errno(), l + ": " + e.getMessage());
            }
        }
    }

    @Test
    void limitsShowInTheKernelsOwnFiles() throws Exception {
        cg.create("a", cg.available());
        boolean v1 = fx.version() == 1;
        if (cg.unsupported(Limit.MEMORY_LIMIT) == null) {
            cg.setLimit("a", Limit.MEMORY_LIMIT, 64 << 20);
            assertEquals(Long.toString(64 << 20), knob("a", v1 ? "memory.limit_in_bytes" : "memory.max"));
        }
        if (cg.unsupported(Limit.THREAD_LIMIT) == null) {
            cg.setLimit("a", Limit.THREAD_LIMIT, 5);
            assertEquals("5", knob("a", "pids.max"));
            cg.setLimit("a", Limit.THREAD_LIMIT, 0);
            assertEquals("max", knob("a", "pids.max"));
        }
        if (cg.unsupported(Limit.CPU_SHARES) == null) {
            cg.setLimit("a", Limit.CPU_SHARES, 2048);
            assertEquals(v1 ? "2048" : "79", knob("a", v1 ? "cpu.shares" : "cpu.weight"));
        }
        if (cg.available().contains("cpuset")) {
            cg.setCpus("a", "0", "0");
            assertEquals("0", knob("a", "cpuset.cpus"));
        } else {
            assertEquals(EOPNOTSUPP, assertThrows(KernelException.class, () -> cg.setCpus("a", "0", "0")).errno());
        }
    }

    /** pressurize_on_death's soft limit: v1's memory.soft_limit_in_bytes, v2's memory.high; 0 takes it away. */
    @Test
    void aSoftLimitIsWrittenAndTakenAwayOrRefused() throws Exception {
        cg.create("a", cg.available());
        boolean v1 = fx.version() == 1;
        String file = v1 ? "memory.soft_limit_in_bytes" : "memory.high";
        if (cg.unsupported(Limit.MEMORY_SOFT_LIMIT) != null) {
            assertFalse(cg.available().contains("memory"), "memory is there, so is a soft limit: " + cg.unsupported(Limit.MEMORY_SOFT_LIMIT));
            assertEquals(EOPNOTSUPP, assertThrows(KernelException.class, () -> cg.setLimit("a", Limit.MEMORY_SOFT_LIMIT, 1 << 20)).errno());
            return;
        }
        String none = knob("a", file);
        cg.setLimit("a", Limit.MEMORY_SOFT_LIMIT, 1 << 20);
        assertEquals(Long.toString(1 << 20), knob("a", file));
        cg.setLimit("a", Limit.MEMORY_SOFT_LIMIT, 0);
        assertEquals(none, knob("a", file));
        assertEquals(v1 ? "9223372036854771712" : "max", none);
    }

    @Test
    void diskLimitsAreWrittenReplacedAndRemovedOrRefused() throws Exception {
        cg.create("a", cg.available());
        String disk = cg.resolveDisk("/");
        assertTrue(disk.matches("[0-9]+:[0-9]+"), disk);
        assertEquals(disk, cg.resolveDisk(cg.diskName(disk)), "a disk's name leads back to it");
        List<Cgroups.IoLimit> limits = List.of(new Cgroups.IoLimit(disk, true, false, 1 << 20));
        if (cg.ioLimitsUnsupported() != null) {
            assertEquals(EOPNOTSUPP, assertThrows(KernelException.class, () -> cg.setIoLimits("a", limits)).errno());
            return;
        }
        String knob = fx.version() == 1 ? "blkio.throttle.read_bps_device" : "io.max";
        cg.setIoLimits("a", limits);
        String shown = knob("a", knob);
        assertTrue(shown.contains(disk + (fx.version() == 1 ? " 1048576" : " rbps=1048576")), shown);
        cg.setIoLimits("a", List.of());
        assertFalse(knob("a", knob).contains("1048576"), "a disk no longer listed loses its limit");
    }

    @Test
    void aThreadLimitStopsTheForkOfATask() throws Exception {
        cg.create("a", cg.available());
        if (cg.unsupported(Limit.THREAD_LIMIT) != null)
            return; // refused, as eachLimitIsWrittenOrRefusedWithAReason checks
        // The launcher joins the cgroup and forks the task: two tasks for a moment, one after.
        cg.setLimit("a", Limit.THREAD_LIMIT, 2);
        int first = fx.launch(cg.taskDirectories("a", cg.available()));
        assertEquals(Set.of(first), cg.pids("a"));
        KernelException e = assertThrows(KernelException.class, () -> fx.launch(cg.taskDirectories("a", cg.available())));
        assertEquals(EAGAIN, e.errno(), e.getMessage());
        cg.setLimit("a", Limit.THREAD_LIMIT, 0);
        fx.launch(cg.taskDirectories("a", cg.available()));
        assertEquals(2, cg.pids("a").size());
    }

    @Test
    void eachStatisticIsReadOrSaidUnsupported() throws Exception {
        cg.create("a", cg.available());
        startIn("a");
        for (Stat s : Stat.values()) {
            String why = cg.unsupported(s);
            long value = cg.stat("a", s);
            if (why == null)
                assertTrue(value >= 0, s + " = " + value);
            else
                assertEquals(-1, value, s + " is unsupported: " + why);
        }
        assertTrue(cg.unsupported(Stat.CPU_USAGE_NS) == null, "cpu time is there on every kernel");
    }

    @Test
    void theUnifiedTreeDelegatesItsControllersToEveryCgroup() throws Exception {
        cg.create("a/b", cg.available());
        if (fx.version() == 1) {
            assertEquals(null, cg.readKnob("a", "cgroup.subtree_control"), "v1 has no subtree_control");
            return;
        }
        Set<String> real = new java.util.TreeSet<>(cg.available());
        real.removeAll(Set.of("freezer", "cpuacct"));
        if (real.remove("blkio"))
            real.add("io");
        for (String path : List.of("a", "a/b")) {
            Set<String> delegated = Set.of(knob(path, "cgroup.subtree_control").split(" "));
            assertTrue(delegated.containsAll(real), path + " delegates " + delegated + ", not all of " + real);
        }
        int pid = startIn("a");
        cg.create("a/c", cg.available());
        int other = startIn("a/c");
        assertEquals(Set.of(pid, other), cg.pids("a"), "a process in a parent beside its children: v2 keeps it in a leaf");
        assertTrue(knob("a", "cgroup.events").contains("populated 1"));
    }

    @Test
    void aChildCannotUseDevicesItsParentDenies() throws Exception {
        cg.create("a", cg.available());
        List<DeviceRule> nullOnly = List.of(new DeviceRule('c', 1, 3, "rwm"));
        if (!cg.available().contains("devices")) {
            assertEquals(EOPNOTSUPP, assertThrows(KernelException.class, () -> cg.allowDevices("a", nullOnly)).errno());
            return;
        }
        cg.allowDevices("a", nullOnly);
        cg.create("a/b", cg.available());
        cg.allowDevices("a/b", nullOnly);
        KernelException e = assertThrows(KernelException.class,
                () -> cg.allowDevices("a/b", List.of(new DeviceRule('c', 1, 5, "rwm"))));
        assertEquals(EPERM, e.errno(), e.getMessage());
    }
}

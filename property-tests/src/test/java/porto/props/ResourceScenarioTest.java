package porto.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import porto.domain.DomainConfig;
import porto.domain.ErrorCode;
import porto.domain.HostResources;
import porto.domain.PortoException;
import porto.ports.Cgroups;
import porto.ports.Cgroups.IoLimit;
import porto.ports.Scheduling;

/**
 * Resource properties on the fake kernel, one scenario each: what reaches the cgroups and the
 * launcher, cpu sets on a machine with SMT, the OOM watch, and what a kernel without a feature says.
 */
class ResourceScenarioTest {
    private final World w = new World();

    private void run(World world, String name, String... properties) throws PortoException {
        world.service.create(World.ROOT, name, false);
        for (String p : properties) {
            int eq = p.indexOf('=');
            world.service.set(World.ROOT, name, p.substring(0, eq), p.substring(eq + 1));
        }
        world.service.start(World.ROOT, name);
    }

    private long limit(String name, Cgroups.Limit limit) {
        return w.kernel.cgroups().limit(name, limit).orElse(-1);
    }

    @Test
    void limitsReachTheirCgroupsAndFollowChanges() throws Exception {
        run(w, "a", "command=sleep 1000", "memory_limit=1G", "cpu_limit=1.5c", "cpu_period=50ms", "cpu_guarantee=1c",
                "cpu_weight=2", "thread_limit=100", "io_weight=0.5", "io_limit=sda r: 1M; /place w: 2M", "io_ops_limit=sda: 100");
        assertEquals(1L << 30, limit("a", Cgroups.Limit.MEMORY_LIMIT));
        assertEquals(50_000, limit("a", Cgroups.Limit.CPU_PERIOD));
        assertEquals(1_500_000, limit("a", Cgroups.Limit.CPU_LIMIT));
        assertEquals(2048, limit("a", Cgroups.Limit.CPU_SHARES));
        assertEquals(100, limit("a", Cgroups.Limit.THREAD_LIMIT));
        assertEquals(500, limit("a", Cgroups.Limit.IO_WEIGHT));
        assertEquals(List.of(new IoLimit("8:0", true, false, 1 << 20), new IoLimit("8:0", false, false, 2 << 20),
                new IoLimit("8:0", true, true, 100), new IoLimit("8:0", false, true, 100)), w.kernel.cgroups().ioLimits("a"));
        assertEquals("sda r: 1048576; /place w: 2097152", w.get("a", "io_limit"));
        assertEquals("1048576", w.get("a", "io_limit[sda r]"));
        w.service.set(World.ROOT, "a", "memory_limit", "2G");
        w.service.set(World.ROOT, "a", "cpu_policy", "idle");
        assertEquals(2L << 30, limit("a", Cgroups.Limit.MEMORY_LIMIT));
        assertEquals(2048 / 16, limit("a", Cgroups.Limit.CPU_SHARES));
        w.service.set(World.ROOT, "a", "io_limit[sda r]", "0");
        assertEquals(new IoLimit("8:0", true, false, 0), w.kernel.cgroups().ioLimits("a").get(0));
        w.service.set(World.ROOT, "a", "io_limit", "");
        assertEquals(List.of(new IoLimit("8:0", true, true, 100), new IoLimit("8:0", false, true, 100)),
                w.kernel.cgroups().ioLimits("a"), "a limit no longer set is lifted");
    }

    @Test
    void aChildsCpuLimitIsWrittenWithinItsParents() throws Exception {
        run(w, "p", "cpu_limit=1c");
        run(w, "p/c", "command=sleep 1000", "cpu_limit=2c");
        assertEquals(1_000_000, limit("p/c", Cgroups.Limit.CPU_LIMIT), "cgroup v1 refuses a child quota over its parent's");
        assertEquals("2c", w.get("p/c", "cpu_limit"), "the property keeps what was asked");
        w.service.set(World.ROOT, "p", "cpu_limit", "0.5c");
        assertEquals(500_000, limit("p/c", Cgroups.Limit.CPU_LIMIT));
        w.service.set(World.ROOT, "p", "cpu_limit", "0c");
        assertEquals(2_000_000, limit("p/c", Cgroups.Limit.CPU_LIMIT));
    }

    @Test
    void schedulingGoesToTheLaunchSpecAndToRunningTasks() throws Exception {
        run(w, "s", "command=sleep 1000", "cpu_policy=batch", "io_policy=idle", "cpu_weight=0.5");
        Scheduling launched = w.kernel.launcher().lastLaunch().scheduling();
        assertEquals(new Scheduling(Scheduling.SCHED_BATCH, 0, 7, 3 << 13), launched);
        w.service.set(World.ROOT, "s", "cpu_policy", "rt");
        int pid = Integer.parseInt(w.get("s", "root_pid"));
        assertEquals(new Scheduling(Scheduling.SCHED_RR, 10, 0, 3 << 13), w.kernel.processes().get(pid).orElseThrow().scheduling(),
                "this fake kernel gives cgroups real-time runtime, so rt is SCHED_RR");
    }

    @Test
    void cpuSetsAreAllocatedFromTheParentWithoutOverlap() throws Exception {
        // Four cores of two threads each: cpus 0-3 are the first threads, 4-7 their siblings.
        List<HostResources.Cpu> cpus = new ArrayList<>();
        for (int i = 0; i < 8; i++)
            cpus.add(new HostResources.Cpu(i, i % 4, i < 4 ? 0 : 1));
        DomainConfig d = DomainConfig.defaults(8, Map.of(), "host");
        World smt = new World(new DomainConfig(d.placeRoot(), 8, d.hostHardLimits(), d.defaultUlimit(), d.hostname(),
                d.stopTimeoutMs(), d.version(), d.initArgv(), new HostResources(64L << 30, HostResources.DEFAULT_RESERVE, cpus)));
        run(smt, "p", "cpu_set=0-7");
        run(smt, "p/cores", "command=sleep 1000", "cpu_set=cores 2");
        run(smt, "p/threads", "command=sleep 1000", "cpu_set=threads 2");
        run(smt, "p/shared", "command=sleep 1000");
        run(smt, "p/node", "command=sleep 1000", "cpu_set=node 1");
        assertEquals("0-1", smt.get("p/cores", "cpu_set_affinity"), "one thread of each of two whole cores");
        assertEquals("2-3", smt.get("p/threads", "cpu_set_affinity"), "cores 0 and 1 are taken whole");
        assertEquals("6-7", smt.get("p/shared", "cpu_set_affinity"), "what no one holds exclusively");
        assertEquals("6-7", smt.get("p/node", "cpu_set_affinity"), "node 1 less its exclusive cpus");
        assertEquals("6-7", smt.kernel.cgroups().cpus("p/node"));
        smt.service.create(World.ROOT, "p/more", false);
        smt.service.set(World.ROOT, "p/more", "cpu_set", "threads 3");
        assertEquals(ErrorCode.ResourceNotAvailable, World.outcome(() -> smt.service.start(World.ROOT, "p/more")));
        smt.service.stop(World.ROOT, "p/cores", 0);
        smt.service.start(World.ROOT, "p/more");
        assertEquals("0-1,4", smt.get("p/more", "cpu_set_affinity"), "cpus come back when their holder stops");
        assertEquals("0-7", smt.get("p", "cpu_set_affinity"));
    }

    @Test
    void cpuacctMountedWithCpuComesOnlyWithCpu() throws Exception {
        w.kernel.cgroups().setBound(java.util.Set.of("cpu", "cpuacct"));
        run(w, "top", "command=sleep 1000");
        run(w, "top/plain", "command=sleep 1000");
        run(w, "top/limited", "command=sleep 1000", "cpu_limit=1c");
        assertEquals("freezer", w.get("top/plain", "controllers"));
        assertEquals("cpu;cpuacct;freezer", w.get("top/limited", "controllers"));
        assertEquals("!NotSupported", w.get("top/plain", "cpu_usage"));
    }

    @Test
    void anOomKillInsideKillsTheWholeContainerWhenFatal() throws Exception {
        run(w, "o", "command=sleep 1000", "memory_limit=64M");
        run(w, "t", "command=sleep 1000", "memory_limit=64M", "oom_is_fatal=false");
        w.kernel.cgroups().setStat("o", Cgroups.Stat.OOM_KILLS, 1);
        w.kernel.cgroups().setStat("t", Cgroups.Stat.OOM_KILLS, 1);
        w.kernel.clock().advance(1_500);
        w.kernel.deliverExits();
        assertEquals("dead", w.get("o", "state"));
        assertEquals("true", w.get("o", "oom_killed"));
        assertEquals("-99", w.get("o", "exit_code"));
        assertEquals("running", w.get("t", "state"));
    }

    @Test
    void withMemoryOomGroupTheKernelKillsAndNothingIsWatched() throws Exception {
        w.kernel.cgroups().setUnsupported(Cgroups.Limit.OOM_GROUP, null);
        run(w, "g", "command=sleep 1000", "oom_is_fatal=true");
        assertEquals(1, limit("g", Cgroups.Limit.OOM_GROUP));
        w.service.set(World.ROOT, "g", "oom_is_fatal", "false");
        assertEquals(0, limit("g", Cgroups.Limit.OOM_GROUP));
    }

    @Test
    void whatTheKernelLacksIsNotSupportedAndReadsStillWork() throws Exception {
        w.kernel.cgroups().setUnsupported(Cgroups.Limit.MEMORY_GUARANTEE, "no memory.low here");
        w.service.create(World.ROOT, "n", false);
        PortoException e = expect(ErrorCode.NotSupported, () -> w.service.set(World.ROOT, "n", "memory_guarantee", "1G"));
        assertTrue(e.getMessage().contains("no memory.low here"), e.getMessage());
        w.service.set(World.ROOT, "n", "memory_guarantee", "0");
        assertEquals("0", w.get("n", "memory_guarantee"));
        expect(ErrorCode.NotSupported, () -> w.service.set(World.ROOT, "n", "anon_limit", "1G"));
        assertEquals("0", w.get("n", "anon_limit"));
        w.service.set(World.ROOT, "n", "command", "sleep 1000");
        w.service.start(World.ROOT, "n");
        assertEquals("!NotSupported", w.get("n", "max_rss"));
        assertEquals("0", w.get("n", "memory_usage"));
        assertNull(w.kernel.cgroups().unsupported(Cgroups.Stat.CPU_USAGE_NS));
    }

    @Test
    void memoryGuaranteesAreCountedWhileRunningAndRefusedOverTheHost() throws Exception {
        run(w, "m1", "command=sleep 1000", "memory_guarantee=10G");
        w.service.create(World.ROOT, "m2", false);
        w.service.set(World.ROOT, "m2", "memory_guarantee", "5G");
        PortoException e = expect(ErrorCode.ResourceNotAvailable, () -> w.service.start(World.ROOT, "m2"));
        assertTrue(e.getMessage().contains("reserved for the host"), e.getMessage());
        assertEquals("10737418240", w.get("m1", "memory_guarantee_total"));
        w.service.stop(World.ROOT, "m1", 0);
        w.service.start(World.ROOT, "m2");
        // Lowering is always allowed, even over an overcommitted host.
        w.service.set(World.ROOT, "m2", "memory_guarantee", "1G");
    }

    private static PortoException expect(ErrorCode code, World.Request r) {
        try {
            r.run();
        } catch (PortoException e) {
            assertEquals(code, e.code(), e.getMessage());
            return e;
        }
        throw new AssertionError("expected " + code);
    }
}

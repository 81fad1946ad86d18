package porto.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import porto.ports.Cgroups.IoLimit;
import porto.ports.Cgroups.IoStat;
import porto.ports.Cgroups.Limit;
import porto.ports.Cgroups.Stat;
import porto.ports.KernelException;

/**
 * The cgroup v2 adapter. What it writes and how it reads statistics is checked on a directory that
 * stands in for the kernel's files (this host's v1 keeps the controllers from cgroup2); creating,
 * joining, freezing and removing cgroups is checked on the real unified hierarchy, which needs no
 * controller for those.
 */
class CgroupV2Test {
    @TempDir
    Path tmp;

    /** A fake cgroup2 mount with the knob files a kernel with these controllers would show. */
    private CgroupV2 fakeKernel(String... knobs) throws Exception {
        Path sysBlock = Files.createDirectories(tmp.resolve("sys/dev/block"));
        Files.createSymbolicLink(sysBlock.resolve("8:0"), Path.of("../../devices/pci0000:00/block/sda"));
        Files.createSymbolicLink(sysBlock.resolve("7:1"), Path.of("../../devices/virtual/block/loop1"));
        Path dir = Files.createDirectories(tmp.resolve("cg/porto/a"));
        for (String knob : knobs) {
            int eq = knob.indexOf('=');
            Files.writeString(dir.resolve(eq < 0 ? knob : knob.substring(0, eq)), eq < 0 ? "" : knob.substring(eq + 1));
        }
        return new CgroupV2(tmp.resolve("cg"), "porto", Set.of("memory", "cpu", "io", "pids", "cpuset"),
                new Disks(sysBlock, tmp.resolve("dev")));
    }

    private String knob(String name) throws Exception {
        return Files.readString(tmp.resolve("cg/porto/a").resolve(name)).trim();
    }

    @Test
    void limitsAreWrittenInV2Syntax() throws Exception {
        CgroupV2 cg = fakeKernel("memory.max", "memory.low", "memory.oom.group", "cpu.max=max 100000", "cpu.weight",
                "pids.max", "io.weight", "io.max", "cpuset.cpus", "cpuset.mems");
        cg.setLimit("a", Limit.MEMORY_LIMIT, 64 << 20);
        assertEquals(Long.toString(64 << 20), knob("memory.max"));
        cg.setLimit("a", Limit.MEMORY_LIMIT, 0);
        assertEquals("max", knob("memory.max"));
        cg.setLimit("a", Limit.MEMORY_GUARANTEE, 1 << 30);
        assertEquals(Long.toString(1 << 30), knob("memory.low"));
        cg.setLimit("a", Limit.OOM_GROUP, 1);
        assertEquals("1", knob("memory.oom.group"));
        cg.setLimit("a", Limit.CPU_PERIOD, 50_000);
        cg.setLimit("a", Limit.CPU_LIMIT, 1_500_000);
        assertEquals("75000 50000", knob("cpu.max"));
        cg.setLimit("a", Limit.CPU_LIMIT, 0);
        assertEquals("max 50000", knob("cpu.max"));
        cg.setLimit("a", Limit.CPU_SHARES, 1024);
        assertEquals("39", knob("cpu.weight"), "the kernel's own mapping of 1024 shares");
        cg.setLimit("a", Limit.CPU_SHARES, 262_144);
        assertEquals("10000", knob("cpu.weight"));
        cg.setLimit("a", Limit.THREAD_LIMIT, 0);
        assertEquals("max", knob("pids.max"));
        cg.setLimit("a", Limit.IO_WEIGHT, 2000);
        assertEquals("default 200", knob("io.weight"));
        cg.setIoLimits("a", List.of(new IoLimit("8:0", true, false, 1 << 20), new IoLimit("8:0", false, true, 100)));
        assertEquals("8:0 rbps=1048576 wbps=max riops=max wiops=100", knob("io.max"));
        cg.setCpus("a", "0-1", "0");
        assertEquals("0-1", knob("cpuset.cpus"));
    }

    @Test
    void statisticsAreReadFromV2Files() throws Exception {
        CgroupV2 cg = fakeKernel("memory.current=1000", "memory.stat=anon 600\nfile 300\npgfault 50\npgmajfault 5\n",
                "memory.events=low 0\noom 1\noom_kill 2\n", "cpu.stat=usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n",
                "io.stat=8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n7:1 rbytes=10 wbytes=20 rios=3 wios=4\n");
        assertEquals(1000, cg.stat("a", Stat.MEMORY_USAGE));
        assertEquals(600, cg.stat("a", Stat.ANON_USAGE));
        assertEquals(300, cg.stat("a", Stat.CACHE_USAGE));
        assertEquals(45, cg.stat("a", Stat.MINOR_FAULTS));
        assertEquals(5, cg.stat("a", Stat.MAJOR_FAULTS));
        assertEquals(2, cg.stat("a", Stat.OOM_KILLS));
        assertEquals(1_500_000, cg.stat("a", Stat.CPU_USAGE_NS));
        assertEquals(500_000, cg.stat("a", Stat.CPU_SYSTEM_NS));
        assertEquals(Map.of("sda", 4096L, "loop1", 10L, "hw", 4096L), cg.ioStat("a", IoStat.READ_BYTES));
        assertEquals(Map.of("sda", 3L, "loop1", 7L, "hw", 3L), cg.ioStat("a", IoStat.OPS));
        assertEquals(-1, cg.stat("a", Stat.MAX_RSS));
        assertTrue(cg.unsupported(Stat.MAX_RSS).contains("memory.peak"));
    }

    @Test
    void whatV2LacksIsSaid() throws Exception {
        CgroupV2 cg = fakeKernel();
        for (Limit l : List.of(Limit.ANON_LIMIT, Limit.DIRTY_LIMIT, Limit.RECHARGE_ON_PGFAULT))
            assertTrue(cg.unsupported(l).contains("offstream"), l.name());
        assertNull(cg.unsupported(Limit.MEMORY_GUARANTEE));
        assertThrows(KernelException.class, () -> cg.setLimit("a", Limit.ANON_LIMIT, 1 << 30));
        CgroupV2 bare = new CgroupV2(tmp.resolve("cg"), "porto", Set.of());
        assertTrue(bare.unsupported(Limit.MEMORY_LIMIT).contains("memory controller"));
        assertTrue(bare.available().containsAll(Set.of("freezer", "cpuacct")), "freezing and cpu time need no controller");
        assertTrue(cg.available().contains("blkio"), "io is offered under the v1 name the domain uses");
    }

    /** The host's cgroup2 mount when it is writable and separate from v1's controllers. */
    private static Path unified() {
        CgroupMounts mounts = CgroupMounts.detect();
        assumeTrue(new com.sun.security.auth.module.UnixSystem().getUid() == 0, "needs root");
        assumeTrue(mounts.unified() != null && Files.isWritable(mounts.unified().resolve("cgroup.procs")), "needs a cgroup2 mount");
        return mounts.unified();
    }

    @Test
    void tasksJoinFreezeAndLeaveOnTheRealHierarchy() throws Exception {
        Path mount = unified();
        String root = "porto-v2test-" + ProcessHandle.current().pid();
        // No controllers: this test must not change what the host's cgroup2 root delegates.
        CgroupV2 cg = new CgroupV2(mount, root, Set.of());
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            cg.create("a/b", Set.of("freezer", "cpuacct"));
            List<String> dirs = cg.taskDirectories(Map.of("freezer", "a/b", "cpuacct", "a"));
            assertEquals(List.of(mount.resolve(root).resolve("a/b/%task").toString()), dirs);
            Files.writeString(Path.of(dirs.get(0)).resolve("cgroup.procs"), Long.toString(sleeper.pid()));
            assertEquals(Set.of((int) sleeper.pid()), cg.pids("a"));
            assertEquals(1, cg.threadCount("a/b"));
            cg.setFrozen("a", true);
            assertEquals("1", Files.readString(mount.resolve(root).resolve("a/b/cgroup.events"))
                    .lines().filter(l -> l.startsWith("frozen ")).findFirst().orElseThrow().substring(7));
            cg.setFrozen("a", false);
            assertTrue(cg.stat("a", Stat.CPU_USAGE_NS) >= 0, "cpu.stat is there without the cpu controller");
            assertTrue(cg.readKnob("a", "cgroup.events").contains("populated 1"));
            assertThrows(KernelException.class, () -> cg.remove("a"), "a cgroup with a task cannot go");
            sleeper.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            for (int i = 0; i < 100 && !cg.pids("a").isEmpty(); i++)
                Thread.sleep(10);
            cg.remove("a");
            assertTrue(!Files.exists(mount.resolve(root).resolve("a")));
        } finally {
            sleeper.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            for (Path d : CgroupFiles.treeDeepestFirst(mount.resolve(root)))
                Files.deleteIfExists(d);
        }
    }
}

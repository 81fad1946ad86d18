package porto.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import porto.ports.Cgroups.IoLimit;
import porto.ports.Cgroups.IoStat;
import porto.ports.Cgroups.Limit;
import porto.ports.Cgroups.Stat;

/**
 * The cgroup v1 adapter on a directory that stands in for the kernel's files: the arithmetic of
 * quotas and weights, what it probes for, and how statistics are read. (The real kernel is the
 * end-to-end tests' part.)
 */
class CgroupV1Test {
    @TempDir
    Path tmp;

    private CgroupV1 kernel(String... files) throws Exception {
        Map<String, Path> mounts = new java.util.HashMap<>();
        for (String ctl : List.of("memory", "cpu", "cpuacct", "blkio", "freezer", "pids"))
            mounts.put(ctl, Files.createDirectories(tmp.resolve(ctl)));
        for (String f : files) {
            int eq = f.indexOf('=');
            Path p = tmp.resolve(eq < 0 ? f : f.substring(0, eq));
            Files.createDirectories(p.getParent());
            Files.writeString(p, eq < 0 ? "" : f.substring(eq + 1));
        }
        Path sysBlock = Files.createDirectories(tmp.resolve("sys/dev/block"));
        Files.createSymbolicLink(sysBlock.resolve("254:0"), Path.of("../../devices/pci0000:00/block/vda"));
        return new CgroupV1(mounts, "porto", new Disks(sysBlock, tmp.resolve("dev")));
    }

    private String read(String file) throws Exception {
        return Files.readString(tmp.resolve(file)).trim();
    }

    @Test
    void aNewPeriodKeepsTheQuotaRatio() throws Exception {
        CgroupV1 cg = kernel("cpu/cpu.cfs_quota_us", "cpu/cpu.shares", "cpu/porto/a/cpu.cfs_period_us=100000", "cpu/porto/a/cpu.cfs_quota_us=50000", "cpu/porto/a/cpu.shares");
        cg.setLimit("a", Limit.CPU_PERIOD, 20_000);
        assertEquals("20000", read("cpu/porto/a/cpu.cfs_period_us"));
        assertEquals("10000", read("cpu/porto/a/cpu.cfs_quota_us"), "half a core, still");
        cg.setLimit("a", Limit.CPU_LIMIT, 1_500_000);
        assertEquals("30000", read("cpu/porto/a/cpu.cfs_quota_us"));
        cg.setLimit("a", Limit.CPU_LIMIT, 0);
        assertEquals("-1", read("cpu/porto/a/cpu.cfs_quota_us"));
        cg.setLimit("a", Limit.CPU_SHARES, 1);
        assertEquals("2", read("cpu/porto/a/cpu.shares"), "the kernel's minimum");
    }

    @Test
    void ioWeightScalesToTheSchedulerInUse() throws Exception {
        CgroupV1 cg = kernel("blkio/porto/a/blkio.bfq.weight=100", "blkio/blkio.bfq.io_service_bytes");
        assertNull(cg.unsupported(Limit.IO_WEIGHT));
        cg.setLimit("a", Limit.IO_WEIGHT, 20);
        assertEquals("2", read("blkio/porto/a/blkio.bfq.weight"));
        cg.setLimit("a", Limit.IO_WEIGHT, 2000);
        assertEquals("200", read("blkio/porto/a/blkio.bfq.weight"));
    }

    @Test
    void earlierDiskLimitsAreClearedAndNewOnesWritten() throws Exception {
        CgroupV1 cg = kernel("blkio/blkio.throttle.read_bps_device", "blkio/porto/a/blkio.throttle.read_bps_device=7:1 100\n",
                "blkio/porto/a/blkio.throttle.write_bps_device", "blkio/porto/a/blkio.throttle.read_iops_device",
                "blkio/porto/a/blkio.throttle.write_iops_device");
        assertNull(cg.ioLimitsUnsupported());
        cg.setIoLimits("a", List.of(new IoLimit("8:0", true, false, 5 << 20)));
        // One write per disk; a plain file keeps the last: 7:1's reset came first.
        assertEquals("8:0 5242880", read("blkio/porto/a/blkio.throttle.read_bps_device"));
    }

    @Test
    void statisticsComeFromTheHierarchicalCounters() throws Exception {
        CgroupV1 cg = kernel("memory/porto/a/memory.usage_in_bytes=5000",
                "memory/porto/a/memory.stat=cache 1\nrss 2\ntotal_cache 300\ntotal_rss 600\ntotal_swap 0\ntotal_pgfault 50\ntotal_pgmajfault 5\n",
                "memory/porto/a/memory.oom_control=oom_kill_disable 0\nunder_oom 0\noom_kill 3\n",
                "cpuacct/porto/a/cpuacct.usage=123456789", "cpuacct/porto/a/cpuacct.usage_sys=1000",
                "blkio/porto/a/blkio.throttle.io_service_bytes_recursive=254:0 Read 4096\n254:0 Write 8192\n254:0 Sync 0\n254:0 Total 12288\nTotal 12288\n");
        assertEquals(5000, cg.stat("a", Stat.MEMORY_USAGE));
        assertEquals(600, cg.stat("a", Stat.ANON_USAGE));
        assertEquals(300, cg.stat("a", Stat.CACHE_USAGE));
        assertEquals(45, cg.stat("a", Stat.MINOR_FAULTS));
        assertEquals(3, cg.stat("a", Stat.OOM_KILLS));
        assertEquals(123456789, cg.stat("a", Stat.CPU_USAGE_NS));
        assertEquals(1000, cg.stat("a", Stat.CPU_SYSTEM_NS));
        assertEquals(Map.of("vda", 8192L, "hw", 8192L), cg.ioStat("a", IoStat.WRITE_BYTES));
        assertEquals(-1, cg.stat("a", Stat.MAX_RSS));
        assertTrue(cg.unsupported(Stat.CPU_WAIT_NS).contains("offstream"));
        assertTrue(cg.unsupported(Limit.MEMORY_GUARANTEE).contains("reclaim"));
        assertTrue(cg.unsupported(Limit.OOM_GROUP) != null);
    }

    @Test
    void knobsAreReadOnlyFromMountedControllers() throws Exception {
        CgroupV1 cg = kernel("memory/porto/a/memory.stat=total_rss 1\n");
        assertEquals("total_rss 1\n", cg.readKnob("a", "memory.stat"));
        assertNull(cg.readKnob("a", "hugetlb.2MB.usage_in_bytes"));
        assertNull(cg.readKnob("a", "memory.../../x"));
        assertEquals(java.util.Set.of("cpu"), cg.hierarchyOf("cpu"));
    }
}

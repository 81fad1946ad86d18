package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import porto.client.PortoClient;

/**
 * The manual's Memory, CPU and Disk IO sections against a real portod on this host's cgroups:
 * each test shows the kernel enforcing a limit (a task killed, slowed, pinned or refused), not just
 * a file written. Times are kept to a few seconds with generous bands: other work shares the cpus.
 */
class ResourcesTest extends PortodTest {
    @AfterEach
    void destroyAll() {
        for (String name : client.list())
            if (!name.equals("/") && !name.contains("/"))
                client.destroy(name);
    }

    /** Creates, configures and starts a container; properties are "name=value". */
    static void run(String name, String... properties) {
        client.create(name);
        for (String p : properties) {
            int eq = p.indexOf('=');
            client.setProperty(name, p.substring(0, eq), p.substring(eq + 1));
        }
        client.start(name);
    }

    static String get(String name, String property) {
        return client.getProperty(name, property);
    }

    static void awaitDead(String name) throws Exception {
        portod.awaitState(name, "dead", Duration.ofSeconds(30));
    }

    /** The container's cgroup for a controller, as the daemon reports it (v1 or cgroup2). */
    static ContainerCgroup cgroup(String controller, String name) {
        return ContainerCgroup.of(client, name, controller);
    }

    /** Waits until the container's task has used some cpu: it runs, not just exists. */
    static void awaitCpuUse(String name) throws Exception {
        Await.until(name + " uses cpu", Duration.ofSeconds(30), () -> Long.parseLong(get(name, "cpu_usage")) > 0);
    }

    /** The cgroup's cpu time in ns: cpuacct.usage in v1, usage_usec of cpu.stat in cgroup2. */
    static long cpuUsage(ContainerCgroup cg) throws Exception {
        if (!cg.unified())
            return Long.parseLong(cg.read("cpuacct.usage", "cpu.stat"));
        return cg.read("cpuacct.usage", "cpu.stat").lines().filter(l -> l.startsWith("usage_usec "))
                .mapToLong(l -> Long.parseLong(l.substring(11)) * 1000).findFirst().orElseThrow();
    }

    @Test
    void aMemoryHogUnderItsLimitIsKilledByTheOomKiller() throws Exception {
        // dd's 256M buffer is filled from /dev/zero: far over a 64M limit, and there is no swap.
        run("hog", "command=dd if=/dev/zero of=/dev/null bs=256M count=1", "memory_limit=64M");
        awaitDead("hog");
        assertEquals("true", get("hog", "oom_killed"));
        assertEquals("-99", get("hog", "exit_code"));
        assertEquals(Long.toString(64 << 20), cgroup("memory", "hog").read("memory.limit_in_bytes", "memory.max"));
    }

    @Test
    void oomIsFatalDecidesWhetherTheContainerDiesWithItsProcess() throws Exception {
        String command = "command=sh -c 'dd if=/dev/zero of=/dev/null bs=256M count=1; echo survived; sleep 30'";
        run("fatal", command, "memory_limit=64M");
        run("tolerant", command, "memory_limit=64M", "oom_is_fatal=false");
        awaitDead("fatal");
        assertEquals("true", get("fatal", "oom_killed"));
        assertEquals("-99", get("fatal", "exit_code"));
        Await.until("the tolerant container's shell goes on", Duration.ofSeconds(30),
                () -> get("tolerant", "stdout").contains("survived"));
        assertEquals("running", get("tolerant", "state"), "only dd was killed: " + get("tolerant", "stderr"));
        assertTrue(get("tolerant", "stdout").contains("survived"));
    }

    @Test
    void aParentsMemoryLimitBoundsItsChildren() throws Exception {
        run("parent", "memory_limit=64M");
        run("parent/child", "command=dd if=/dev/zero of=/dev/null bs=256M count=1");
        awaitDead("parent/child");
        assertEquals("false", get("parent/child", "controllers[memory]"), "the child shares its parent's memory cgroup");
        assertEquals("true", get("parent/child", "oom_killed"));
        assertEquals(Long.toString(64 << 20), get("parent/child", "memory_limit_total"));
    }

    @Test
    void aBusyLoopUnderHalfACoreUsesAboutHalfACore() throws Exception {
        run("busy", "command=sh -c 'while :; do :; done'", "cpu_limit=0.5c");
        awaitCpuUse("busy");
        // The loop's rate: how long it takes to use a second of cpu.
        long t0 = System.nanoTime();
        long u0 = Long.parseLong(get("busy", "cpu_usage"));
        Await.until("busy uses a second of cpu", Duration.ofSeconds(30),
                () -> Long.parseLong(get("busy", "cpu_usage")) - u0 >= 1_000_000_000L);
        long u1 = Long.parseLong(get("busy", "cpu_usage"));
        long t1 = System.nanoTime();
        double cores = (double) (u1 - u0) / (t1 - t0);
        System.out.printf("cpu_limit=0.5c: the busy loop used %.3f cores over %.2f s%n", cores, (t1 - t0) / 1e9);
        assertTrue(cores > 0.3 && cores < 0.7, "used " + cores + " cores");
        assertEquals("50000", cgroup("cpu", "busy").read("cpu.cfs_quota_us", "cpu.max").split(" ")[0]);
    }

    @Test
    void threadLimitStopsFork() throws Exception {
        run("forks", "command=sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 3 & done; wait'", "thread_limit=4");
        awaitDead("forks");
        String stderr = get("forks", "stderr");
        assertTrue(stderr.contains("fork"), "fork fails once 4 threads run: " + stderr);
        assertEquals("4", cgroup("pids", "forks").read("pids.max", "pids.max"));
    }

    @Test
    void cpuSetPinsTheTask() throws Exception {
        run("pinned", "command=sleep 30", "cpu_set=0");
        String pid = get("pinned", "root_pid");
        String allowed = Files.readAllLines(Path.of("/proc", pid, "status")).stream()
                .filter(l -> l.startsWith("Cpus_allowed_list:")).findFirst().orElseThrow();
        assertEquals("0", allowed.substring(allowed.indexOf(':') + 1).trim());
        assertEquals("0", get("pinned", "cpu_set_affinity"));
        assertEquals("0", get("pinned", "cpuset.cpus"));
    }

    @Test
    void exclusiveCpusAreNotGivenTwice() throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "needs two cpus");
        run("one", "command=sleep 30", "cpu_set=threads 1");
        run("two", "command=sleep 30", "cpu_set=threads 1");
        assertTrue(!get("one", "cpu_set_affinity").equals(get("two", "cpu_set_affinity")),
                get("one", "cpu_set_affinity") + " and " + get("two", "cpu_set_affinity"));
        client.create("three");
        client.setProperty("three", "command", "sleep 30");
        client.setProperty("three", "cpu_set", "threads 1");
        Errors.expect("ResourceNotAvailable", () -> client.start("three"));
    }

    @Test
    void cpuPolicyAndWeightReachTheTaskScheduler() throws Exception {
        run("batch", "command=sleep 30", "cpu_policy=batch");
        run("idle", "command=sleep 30", "cpu_policy=idle", "io_policy=idle");
        run("high", "command=sleep 30", "cpu_policy=high", "cpu_weight=2");
        assertEquals(3, policy(get("batch", "root_pid")));
        assertEquals(5, policy(get("idle", "root_pid")));
        assertEquals(0, policy(get("high", "root_pid")));
        assertEquals(-17, nice(get("high", "root_pid")), "high is nice -10, weight 2 takes 7 more");
        assertEquals(Long.toString(1024 * 2 * 16), get("high", "cpu.shares"));
        ContainerCgroup io = cgroup("blkio", "idle");
        if (!io.unified() && Files.exists(io.file("blkio.bfq.weight", "io.bfq.weight")))
            assertEquals("2", get("idle", "blkio.bfq.weight"), "idle io is 1/50 of the default weight of 100");
        Cmd ionice = sh("ionice -p " + get("idle", "root_pid"));
        if (ionice.code() == 0)
            assertEquals("idle", ionice.out().strip());
        // Dynamic: a running task follows a new policy.
        client.setProperty("batch", "cpu_policy", "normal");
        assertEquals(0, policy(get("batch", "root_pid")));
    }

    /** Field 41 of /proc/PID/stat: the scheduling policy. */
    static int policy(String pid) throws Exception {
        return Integer.parseInt(statField(pid, 41));
    }

    static int nice(String pid) throws Exception {
        return Integer.parseInt(statField(pid, 19));
    }

    private static String statField(String pid, int field) throws Exception {
        String stat = Files.readString(Path.of("/proc", pid, "stat"));
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return rest[field - 3];
    }

    @Test
    void topAndSortShowTheBusiestFirst() throws Exception {
        run("spin", "command=sh -c 'while :; do :; done'", "cpu_limit=0.5c");
        run("nap", "command=sleep 30");
        awaitCpuUse("spin");
        PortodProcess.Run top = portod.portoctl("top", "-d", "0.5");
        assertEquals(0, top.code(), top.err());
        System.out.print("portoctl top -d 0.5:\n" + top.out());
        String[] lines = top.out().split("\n");
        assertTrue(lines[0].matches("container +state +cpu% +cpu +memory +threads +read +write +net-rx +net-tx +time *"), lines[0]);
        assertTrue(lines[1].startsWith("spin ") && lines[2].startsWith("nap "), top.out());
        double percent = Double.parseDouble(lines[1].trim().split(" +")[2]);
        assertTrue(percent > 25 && percent < 75, "spin runs at half a core: " + lines[1]);
        PortodProcess.Run sort = portod.portoctl("sort", "--", "cpu_usage", "state");
        assertEquals(0, sort.code(), sort.err());
        String[] sorted = sort.out().split("\n");
        assertTrue(sorted[0].startsWith("container ") && sorted[0].contains("cpu_usage"), sort.out());
        assertTrue(sorted[1].startsWith("spin ") && sorted[2].startsWith("nap "), sort.out());
    }

    @Test
    void statisticsAgreeWithTheKernel() throws Exception {
        run("stats", "command=sh -c 'head -c 20M /dev/zero | tail -c 1 >/dev/null; echo read; sleep 30'");
        Await.until("stats has read its 20M", Duration.ofSeconds(30), () -> get("stats", "stdout").contains("read"));
        ContainerCgroup memory = cgroup("memory", "stats");
        long before = Long.parseLong(memory.read("memory.usage_in_bytes", "memory.current"));
        long usage = Long.parseLong(get("stats", "memory_usage"));
        long after = Long.parseLong(memory.read("memory.usage_in_bytes", "memory.current"));
        assertTrue(usage >= Math.min(before, after) && usage <= Math.max(before, after), before + " <= " + usage + " <= " + after);
        long cpuKernel = cpuUsage(cgroup("cpuacct", "stats"));
        long cpu = Long.parseLong(get("stats", "cpu_usage"));
        assertTrue(cpu >= cpuKernel && cpu - cpuKernel < 50_000_000L, "cpu_usage " + cpu + " against cpuacct.usage " + cpuKernel);
        assertTrue(cpu > 0, "head and tail used some cpu");
        assertEquals(memory.read("memory.stat", "memory.stat"), get("stats", "memory.stat").strip());
        assertEquals("/" + portod.cgroupRoot + "/stats", get("stats", "cgroups[memory]"));
        long anon = Long.parseLong(get("stats", "anon_usage"));
        long cache = Long.parseLong(get("stats", "cache_usage"));
        assertTrue(anon > 0 && anon + cache <= usage + (1 << 20), "anon " + anon + " + cache " + cache + " within usage " + usage);
        assertTrue(Long.parseLong(get("stats", "minor_faults")) > 0);
    }

    @Test
    void ioLimitSlowsWritesToALoopDevice() throws Exception {
        try (LoopDisk disk = LoopDisk.make()) {
            String write = "command=dd if=/dev/zero of=" + disk.mount + "/f bs=64k count=32 oflag=direct";
            long free = timeToDeath("free", write);
            long limited = timeToDeath("limited", write, "io_limit=" + disk.mount + " w: 1M");
            System.out.printf("2 MiB of direct writes: %d ms unlimited, %d ms at io_limit 1M/s%n", free, limited);
            assertTrue(limited >= 1200, "2 MiB at 1 MiB/s took " + limited + " ms");
            assertTrue(limited > free + 700, "unlimited " + free + " ms, limited " + limited + " ms");
            assertEquals("0", get("limited", "exit_code"), get("limited", "stderr"));
            ContainerCgroup io = cgroup("blkio", "limited");
            String limit = io.read("blkio.throttle.write_bps_device", "io.max");
            if (io.unified())
                assertTrue(limit.lines().anyMatch(l -> l.startsWith(disk.number + " ") && l.contains("wbps=1048576")), limit);
            else
                assertEquals(disk.number + " 1048576", limit);
            long written = Long.parseLong(get("limited", "io_write[" + disk.name + "]"));
            assertTrue(written >= 2 << 20, "io_write of " + disk.name + " is " + written);
            assertEquals(Long.toString(written), get("limited", "io_write[" + disk.mount + "]"));
        }
    }

    private static long timeToDeath(String name, String... properties) throws Exception {
        long start = System.nanoTime();
        run(name, properties);
        awaitDead(name);
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** A small ext4 filesystem on a loop device, mounted under /tmp (losetup and mkfs.ext4 are test packages). */
    static final class LoopDisk implements AutoCloseable {
        final Path image;
        final Path mount;
        final String device;
        final String name;
        final String number;

        private LoopDisk(Path image, Path mount, String device) throws Exception {
            this.image = image;
            this.mount = mount;
            this.device = device;
            this.name = Path.of(device).getFileName().toString();
            this.number = Files.readString(Path.of("/sys/class/block", name, "dev")).trim();
        }

        static LoopDisk make() throws Exception {
            Path image = Files.createTempFile("porto-res-io", ".img");
            Path mount = Files.createTempDirectory("porto-res-io");
            Cmd loop = sh("truncate -s 64M " + image + " && losetup -f --show " + image);
            if (loop.code() != 0) {
                Files.deleteIfExists(image);
                Files.deleteIfExists(mount);
                assumeTrue(false, "no loop device: " + loop.out());
            }
            LoopDisk disk = new LoopDisk(image, mount, loop.out().strip());
            Cmd fs = sh("mkfs.ext4 -q " + disk.device + " && mount " + disk.device + " " + mount);
            if (fs.code() != 0) {
                disk.close();
                throw new IllegalStateException("cannot make a filesystem: " + fs.out());
            }
            return disk;
        }

        @Override
        public void close() throws java.io.IOException {
            try {
                sh("umount " + mount + "; losetup -d " + device);
            } catch (Exception e) {
                throw new java.io.IOException("cannot remove loop device " + device, e);
            }
            Files.deleteIfExists(image);
            Files.deleteIfExists(mount);
        }
    }

    record Cmd(int code, String out) {}

    static Cmd sh(String script) throws Exception {
        Process p = new ProcessBuilder(List.of("sh", "-c", script)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        return new Cmd(p.waitFor(), out);
    }
}

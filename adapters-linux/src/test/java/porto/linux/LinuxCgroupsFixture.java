package porto.linux;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import porto.conformance.CgroupsConformance;
import porto.conformance.NeedsRoot;
import porto.ports.Cgroups;
import porto.ports.KernelException;

/**
 * A cgroup adapter on the host's real hierarchies, under a scratch porto root of its own
 * ("porto-conformance-PID-N"), with {@code sleep} processes moved into its cgroups. Closing kills
 * them, removes every scratch cgroup and puts back what the v2 adapter enabled at the mount.
 */
final class LinuxCgroupsFixture implements CgroupsConformance.Fixture {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final Cgroups cgroups;
    private final int version;
    private final List<Path> scratchRoots = new ArrayList<>();
    private final Map<Integer, Process> processes = new ConcurrentHashMap<>();
    /** Tasks of the native launcher: children of this JVM, their subreaper. */
    private final List<Integer> launched = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Runnable restore;

    private LinuxCgroupsFixture(Cgroups cgroups, int version, List<Path> scratchRoots, Runnable restore) {
        this.cgroups = cgroups;
        this.version = version;
        this.scratchRoots.addAll(scratchRoots);
        this.restore = restore;
    }

    static String scratchName() {
        return "porto-conformance-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
    }

    /** Cgroup v1 on every hierarchy the host mounts. */
    static LinuxCgroupsFixture v1() {
        NeedsRoot.check("the cgroup v1 suite");
        CgroupMounts mounts = CgroupMounts.detect();
        if (!mounts.useV1())
            throw new AssertionError("this host mounts no cgroup v1 freezer: " + mounts);
        String root = scratchName();
        List<Path> roots = new ArrayList<>();
        for (Path m : new java.util.LinkedHashSet<>(mounts.v1().values()))
            roots.add(m.resolve(root));
        return new LinuxCgroupsFixture(new CgroupV1(mounts.v1(), root), 1, roots, () -> { });
    }

    /**
     * Cgroup v2 on the host's cgroup2 mount with the controllers it offers there (on this hybrid
     * host: hugetlb; v1 holds the rest). Enabling them at the mount's root is undone on close
     * unless they were enabled before.
     */
    static LinuxCgroupsFixture v2() {
        NeedsRoot.check("the cgroup v2 suite");
        CgroupMounts mounts = CgroupMounts.detect();
        Path mount = mounts.unified();
        if (mount == null || !Files.isWritable(mount.resolve("cgroup.procs")))
            throw new AssertionError("this host has no writable cgroup2 mount");
        java.util.Set<String> offered = mounts.unifiedControllers();
        String before = CgroupFiles.read(mount.resolve("cgroup.subtree_control"));
        java.util.Set<String> enabledBefore = before == null || before.isBlank() ? java.util.Set.of()
                : java.util.Set.of(before.trim().split(" "));
        String root = scratchName();
        Runnable restore = () -> {
            for (String c : offered)
                if (!enabledBefore.contains(c)) {
                    try {
                        CgroupFiles.write(mount.resolve("cgroup.subtree_control"), "-" + c);
                    } catch (KernelException e) {
                        // Another cgroup below the mount uses it now: it stays enabled, as it must.
                    }
                }
        };
        return new LinuxCgroupsFixture(new CgroupV2(mount, root, offered), 2, List.of(mount.resolve(root)), restore);
    }

    @Override
    public Cgroups cgroups() {
        return cgroups;
    }

    @Override
    public int version() {
        return version;
    }

    @Override
    public int start(List<String> taskDirectories) throws Exception {
        Process p = new ProcessBuilder("sleep", "100000").start();
        int pid = (int) p.pid();
        processes.put(pid, p);
        for (String dir : taskDirectories)
            CgroupFiles.write(Path.of(dir).resolve("cgroup.procs"), Integer.toString(pid));
        return pid;
    }

    @Override
    public int launch(List<String> taskDirectories) throws KernelException {
        Reaper.becomeSubreaper();
        int pid = new NativeLauncher(Path.of(System.getProperty("porto.native")), null)
                .launch(porto.conformance.Specs.plain(taskDirectories, List.of("sleep", "100000"))).pid();
        launched.add(pid);
        return pid;
    }

    @Override
    public void signal(int pid, int signal) {
        Native.kill(pid, signal);
    }

    @Override
    public void awaitGone(int pid) throws Exception {
        Process p = processes.get(pid);
        if (p != null && !p.waitFor(20, TimeUnit.SECONDS))
            throw new AssertionError("process " + pid + " did not exit");
    }

    @Override
    public void close() throws Exception {
        try {
            try {
                cgroups.setFrozen("", false); // a frozen process would not die of SIGKILL on v1
            } catch (KernelException e) {
                // Never made, or not frozen.
            }
            for (Process p : processes.values()) {
                p.destroyForcibly();
                p.waitFor(20, TimeUnit.SECONDS);
            }
            for (int pid : launched) {
                Native.kill(pid, 9);
                Reaper.waitFor(pid);
            }
            for (Path root : scratchRoots)
                for (Path d : CgroupFiles.treeDeepestFirst(root))
                    Files.deleteIfExists(d);
        } finally {
            restore.run();
        }
    }
}

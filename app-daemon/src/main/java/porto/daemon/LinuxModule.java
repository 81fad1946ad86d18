package porto.daemon;

import dagger.Module;
import dagger.Provides;
import java.io.IOException;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import javax.inject.Singleton;
import porto.daemon.config.DaemonConfig;
import porto.daemon.config.NetworkConfig;
import porto.domain.ContainerService;
import porto.domain.DomainConfig;
import porto.domain.HostResources;
import porto.domain.Ulimits;
import porto.linux.CgroupMounts;
import porto.linux.CgroupV1;
import porto.linux.CgroupV2;
import porto.linux.FileStateStore;
import porto.linux.HostTopology;
import porto.linux.LinuxFiles;
import porto.linux.LinuxProcesses;
import porto.linux.LinuxUsers;
import porto.linux.MasterExits;
import porto.linux.NativeLauncher;
import porto.linux.SystemClock;
import porto.ports.Cgroups;
import porto.protocol.Release;

/** Wires the domain to the real kernel. */
@Module
public final class LinuxModule {
    private LinuxModule() {}

    @Provides
    @Singleton
    static Cgroups cgroups(DaemonPaths paths) {
        CgroupMounts mounts = CgroupMounts.detect();
        boolean forceV2 = "2".equals(System.getenv("PORTO_CGROUP_VERSION"));
        if (!forceV2)
            mounts = mounts.mountMissing(Log::info); // as upstream: the v1 controllers no hierarchy holds yet
        // PORTO_CGROUP_VERSION=2 uses the unified tree even where v1 holds the controllers (hybrid
        // hosts), with the controllers PORTO_CGROUP_V2_CONTROLLERS names (space-separated) if set:
        // a way to run the v2 adapter without changing what the host's cgroup2 root delegates.
        if (mounts.useV1() && !forceV2) {
            Log.info("cgroup v1: " + mounts.v1().keySet());
            return new CgroupV1(mounts.v1(), paths.cgroupRoot());
        }
        if (mounts.unified() == null)
            throw new IllegalStateException("no cgroup hierarchy is mounted");
        java.util.Set<String> controllers = mounts.unifiedControllers();
        String only = System.getenv("PORTO_CGROUP_V2_CONTROLLERS");
        if (only != null)
            controllers = only.isBlank() ? java.util.Set.of() : java.util.Set.of(only.trim().split("\\s+"));
        Log.info("cgroup v2 at " + mounts.unified() + ": " + controllers);
        return new CgroupV2(mounts.unified(), paths.cgroupRoot(), controllers);
    }

    @Provides
    @Singleton
    static LinuxProcesses processes() {
        return new LinuxProcesses();
    }

    @Provides
    @Singleton
    static DomainConfig config(LinuxProcesses processes, DaemonPaths paths, DaemonConfig file) {
        Map<String, Long> hard = new HashMap<>();
        hard.put("nofile", processes.hardLimit("Max open files"));
        hard.put("memlock", processes.hardLimit("Max locked memory"));
        hard.put("core", processes.hardLimit("Max core file size"));
        hard.put("nproc", processes.hardLimit("Max processes"));
        String hostname;
        try {
            hostname = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            hostname = "localhost";
        }
        int cores = java.lang.Runtime.getRuntime().availableProcessors();
        DomainConfig d = DomainConfig.defaults(cores, hard, hostname);
        java.util.List<HostResources.Cpu> cpus = new java.util.ArrayList<>();
        for (HostTopology.Cpu c : HostTopology.cpus(cores))
            cpus.add(new HostResources.Cpu(c.id(), c.core(), c.node()));
        long memory = HostTopology.memoryBytes();
        HostResources host = new HostResources(memory > 0 ? memory : DomainConfig.DEFAULT_MEMORY, HostResources.DEFAULT_RESERVE, cpus);
        String ulimit = file.defaultUlimit() != null ? file.defaultUlimit() : defaultUlimit();
        DomainConfig config = new DomainConfig(paths.placeRoot(), d.hostCores(), d.hostHardLimits(), ulimit, d.hostname(),
                file.containerStopTimeoutMs(), Release.TAG, java.util.List.of(paths.nativeBinary().resolveSibling("portoinit").toString()),
                host, file.containerDefaults())
                .withNetwork(NetworkSettings.from(System.getenv(), file.network()));
        logClampedUlimits(config);
        return config;
    }

    /** The network section of portod.conf, for the networking code. */
    @Provides
    static NetworkConfig network(DaemonConfig file) {
        return file.network();
    }

    /** Upstream's default ulimit, with nproc at half the host's pid and thread maxima as upstream sets it. */
    static String defaultUlimit() {
        try {
            long nproc = Math.min(sysctl("pid_max"), sysctl("threads-max")) / 2;
            if (nproc <= 0)
                return Ulimits.DEFAULT;
            return Ulimits.DEFAULT + "; nproc: " + nproc + " " + nproc;
        } catch (IOException | RuntimeException e) {
            return Ulimits.DEFAULT;
        }
    }

    /** A number in /proc/sys/kernel, read by lines: in this daemon a whole-file read of procfs stopped after one byte. */
    private static long sysctl(String name) throws IOException {
        return Long.parseLong(java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/sys/kernel", name)).get(0).trim());
    }

    /** Says once, at start, which defaults this host's hard limits cap (the daemon lacks CAP_SYS_RESOURCE). */
    private static void logClampedUlimits(DomainConfig config) {
        try {
            Map<String, Ulimits.Limit> asked = Ulimits.parse(config.defaultUlimit());
            Map<String, Ulimits.Limit> applied = Ulimits.defaults(config);
            Log.info("default ulimit: " + Ulimits.format(applied));
            for (var e : asked.entrySet())
                if (!e.getValue().equals(applied.get(e.getKey())))
                    Log.info("default ulimit " + e.getKey() + " " + Ulimits.format(Map.of(e.getKey(), e.getValue()))
                            + " capped by the daemon's hard limit to " + Ulimits.format(Map.of(e.getKey(), applied.get(e.getKey()))));
            Long memlock = config.hostHardLimits().get("memlock");
            if (memlock != null && memlock >= 0)
                Log.info("memlock of tasks (upstream's: the memory limit less 16M, at least 8M, hard unlimited) is capped by the daemon's hard limit " + memlock);
        } catch (porto.domain.PortoException e) {
            Log.info("default ulimit '" + config.defaultUlimit() + "' is invalid: " + e.getMessage());
        }
    }

    @Provides
    @Singleton
    static ContainerService service(Cgroups cgroups, LinuxProcesses processes, DomainConfig config, DaemonPaths paths) {
        var kernel = new ContainerService.Kernel(
                cgroups,
                new NativeLauncher(paths.nativeBinary(), paths.socket()),
                processes,
                new MasterExits(Log::info),
                new SystemClock(),
                new FileStateStore(paths.stateDir(), Log::info),
                new LinuxUsers(),
                new LinuxFiles(paths.placeRoot()),
                // namespaces beside the state directory: a test daemon has its own, and they outlive a restart
                new porto.linux.net.LinuxNetwork(paths.stateDir().resolveSibling("netns"), null));
        return porto.domain.DomainWiring.build(kernel, config);
    }
}

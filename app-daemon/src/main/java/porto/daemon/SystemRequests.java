package porto.daemon;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import porto.domain.Caller;
import porto.domain.ContainerService;
import porto.domain.ErrorCode;
import porto.domain.PortoException;
import porto.domain.Result;
import porto.protocol.Release;
import porto.rpc.Rpc.TClearStatisticsRequest;
import porto.rpc.Rpc.TGetSystemResponse;
import porto.rpc.Rpc.TSetSystemRequest;

/** GetSystem, SetSystem and ClearStatistics: the daemon's own state, for "portod get/set/clearstat/freeze". */
final class SystemRequests {
    private SystemRequests() {}

    /** A value some part registers (0 when that part is not wired, as in tests of the container side alone). */
    private static long gauge(DaemonStats stats, String name) {
        try {
            return stats.get(name);
        } catch (IllegalArgumentException notRegistered) {
            return 0;
        }
    }

    static TGetSystemResponse get(ContainerService service, DaemonStats stats) {
        List<String> names = service.list(null).stream().filter(n -> !n.equals("/")).toList();
        long running = 0;
        for (Map<String, Result> values : service.getMany(names, List.of("state")).values()) {
            String state = values.get("state").value();
            if ("running".equals(state) || "meta".equals(state))
                running++;
        }
        TGetSystemResponse.Builder r = TGetSystemResponse.newBuilder()
                .setPortoVersion(Release.TAG).setPortoRevision(Release.REVISION)
                .setKernelVersion(System.getProperty("os.version"))
                .setErrors(stats.get("errors")).setWarnings(stats.get("warnings")).setFatals(stats.get("fatals"))
                .setPortoStarts(stats.get("spawned")).setPortoUptime(stats.portoUptimeSeconds())
                .setMasterUptime(masterUptimeSeconds()).setTaints(stats.get("taints")).setFrozen(stats.frozen())
                .setVerbose(Log.isVerbose()).setDebug(Log.isDebug())
                .setLogLines(stats.get("log_lines")).setLogBytes(stats.get("log_bytes"))
                .setStreamRotateBytes(stats.get("log_rotate_bytes")).setStreamRotateErrors(stats.get("log_rotate_errors"))
                .setLogLinesLost(stats.get("log_lines_lost")).setLogBytesLost(stats.get("log_bytes_lost"))
                .setLogOpen(stats.get("log_open"))
                .setContainerCount(names.size()).setContainerLimit(0).setContainerRunning(running)
                .setContainerCreated(stats.get("containers_created")).setContainerStarted(stats.get("containers_started"))
                .setContainerStartFailed(stats.get("containers_failed_start")).setContainerOom(stats.get("containers_oom"))
                .setContainerBuried(stats.get("remove_dead")).setContainerLost(stats.get("restore_failed"))
                .setContainerTainted(stats.get("containers_tainted")).setPostforkIssues(stats.get("postfork_issues"))
                .setVolumeCount(gauge(stats, "volumes")).setVolumeLimit(0).setVolumeCreated(stats.get("volumes_created"))
                .setVolumeFailed(stats.get("volumes_failed")).setVolumeLinks(gauge(stats, "volume_links"))
                .setVolumeLinksMounted(stats.get("volume_links_mounted")).setVolumeLost(stats.get("volume_lost"))
                .setLayerImport(stats.get("layer_import")).setLayerExport(stats.get("layer_export"))
                .setLayerRemove(stats.get("layer_remove"))
                .setClientCount(stats.get("clients")).setClientMax(0).setClientConnected(stats.get("clients_connected"))
                .setRequestQueued(0).setRequestCompleted(stats.get("requests_completed"))
                .setRequestFailed(stats.get("requests_failed")).setRequestThreads(0)
                .setRequestLonger1S(stats.get("requests_longer_1s")).setRequestLonger3S(stats.get("requests_longer_3s"))
                .setRequestLonger30S(stats.get("requests_longer_30s")).setRequestLonger5M(stats.get("requests_longer_5m"))
                .setFailSystem(stats.get("fail_system")).setFailInvalidValue(stats.get("fail_invalid_value"))
                .setFailInvalidCommand(stats.get("fail_invalid_command"))
                .setFailMemoryGuarantee(stats.get("fail_memory_guarantee")).setFailInvalidNetaddr(stats.get("fail_invalid_netaddr"))
                .setNetworkCount(0).setNetworkCreated(stats.get("networks_created"))
                .setNetworkProblems(stats.get("network_problems")).setNetworkRepairs(stats.get("network_repairs"));
        return r.build();
    }

    /** Seconds since portod-native master started: the master's pid is in the environment it gave us. */
    static long masterUptimeSeconds() {
        String pid = System.getenv("PORTO_MASTER_PID");
        long now = System.currentTimeMillis();
        if (pid == null)
            return 0;
        try {
            return ProcessHandle.of(Long.parseLong(pid)).flatMap(p -> p.info().startInstant())
                    .map(Instant::toEpochMilli).map(t -> (now - t) / 1000).orElse(0L);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static void set(Caller who, TSetSystemRequest req, DaemonStats stats) throws PortoException {
        if (!who.isRoot())
            throw new PortoException(ErrorCode.Permission, "only root may change the daemon's settings");
        if (req.hasVerbose())
            Log.setVerbose(req.getVerbose());
        if (req.hasDebug())
            Log.setDebug(req.getDebug());
        if (req.hasFrozen() && req.getFrozen() != stats.frozen()) {
            stats.setFrozen(req.getFrozen());
            Log.info(req.getFrozen() ? "frozen: only root may change containers" : "unfrozen");
        }
    }

    static void clear(TClearStatisticsRequest req, DaemonStats stats) throws PortoException {
        String name = req.hasStat() ? req.getStat() : null;
        if (name != null && !DaemonStats.known(name))
            throw new PortoException(ErrorCode.InvalidValue, "unknown statistic " + name);
        if (!stats.clear(name))
            throw new PortoException(ErrorCode.InvalidValue, "statistic " + name + " cannot be cleared");
    }
}

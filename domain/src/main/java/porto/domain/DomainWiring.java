package porto.domain;

import java.util.concurrent.atomic.AtomicReference;
import porto.domain.net.NetworkSetup;
import porto.ports.Cgroups;
import porto.ports.Clock;
import porto.ports.ContainerFiles;
import porto.ports.Processes;

/**
 * The one place where the domain's parts are built and joined, each once, in the order their
 * dependencies allow; nothing else constructs them. Each part gets the ports and parts it uses by
 * its constructor. Two links go backwards and are set here after both ends exist: a death's timers
 * ({@link Lifecycle} to {@link Housekeeping}, which stops and starts containers through them) and
 * a fatal OOM ({@link ResourceControl}'s watch to {@link Lifecycle}). The property registry is
 * made empty, handed to the parts that read properties by name, and filled last, each family with
 * the few collaborators it reads.
 *
 * <p>Plain code rather than a Dagger component: the domain has no annotation processing and the
 * tests build it directly; Dagger wires the daemon around it ({@code porto.daemon.DaemonComponent}).
 */
public final class DomainWiring {
    private DomainWiring() {}

    /** The domain on these ports, ready for {@link ContainerService#start()}. */
    public static ContainerService build(ContainerService.Kernel kernel, DomainConfig config) {
        Cgroups cgroups = kernel.cgroups();
        Processes processes = kernel.processes();
        ContainerFiles files = kernel.files();
        Clock clock = kernel.clock();

        ContainerTree tree = new ContainerTree(clock);
        tree.host().defaults = config.containers();
        UserDatabase users = new UserDatabase(kernel.users());
        Properties properties = new Properties(config, cgroups);
        NetworkSetup networking = new NetworkSetup(kernel.network(), config.network(), clock);
        Persistence persistence = new Persistence(kernel.store(), processes, clock, tree);
        tree.afterRelease(persistence::flush);
        tree.acknowledgeExitsWith(pid -> kernel.exits().acknowledge(pid));
        ResourceControl resources = new ResourceControl(cgroups, processes, clock, tree, config, properties);
        OutputStore output = new OutputStore(files, users, properties, config, persistence);
        Lifecycle lifecycle = new Lifecycle(tree, resources, persistence, output, cgroups, processes, files,
                clock, networking, config);
        LaunchPlanner planner = new LaunchPlanner(config, properties, users, files, cgroups, processes, resources,
                networking, tree);
        Starter starter = new Starter(tree, lifecycle, resources, planner, persistence, properties, users, networking, config,
                cgroups, kernel.launcher(), files, processes, clock);
        Housekeeping housekeeping = new Housekeeping(tree, lifecycle, starter, persistence, output, cgroups, processes, files,
                clock, networking, config);
        lifecycle.timers(housekeeping);
        resources.onFatalOom(lifecycle::oomKill);
        AtomicReference<ContainerVolumes> volumes = new AtomicReference<>(ContainerVolumes.NONE);
        AtomicReference<DaemonStatistics> daemonStatistics = new AtomicReference<>(DaemonStatistics.NONE);
        registerProperties(properties, config, tree, users, resources, output, networking, volumes, daemonStatistics,
                cgroups, processes, files, clock);

        Clients clients = new Clients(tree, properties, cgroups, processes);
        PropertyAccess access = new PropertyAccess(tree, properties, users, persistence, resources, output, networking, config,
                processes);
        LabelRequests labels = new LabelRequests(tree, properties, users, persistence);
        ProcessAttach attach = new ProcessAttach(tree, properties, users, resources, cgroups, clients);
        return new ContainerService(config, tree, properties, users, clients, persistence, resources, lifecycle, starter,
                housekeeping, access, new Waiting(tree), labels, attach, volumes, daemonStatistics, processes, kernel.exits(),
                clock);
    }

    /** Every property family, in the order the property list shows them, with what each reads. */
    private static void registerProperties(Properties p, DomainConfig config, ContainerTree tree, UserDatabase users,
                                           ResourceControl resources, OutputStore output, NetworkSetup networking,
                                           AtomicReference<ContainerVolumes> volumes,
                                           AtomicReference<DaemonStatistics> daemonStatistics, Cgroups cgroups, Processes processes,
                                           ContainerFiles files, Clock clock) {
        ContextProperties.register(p, users);
        SecurityProperties.register(p, files, users);
        FilesystemProperties.register(p, config, files, users);
        ResourceProperties.register(p, resources, cgroups, config);
        LifecycleProperties.register(p);
        StateProperties.register(p, clock, output, cgroups);
        ContainerVolumeProperties.register(p, volumes::get);
        Labels.register(p);
        InfoProperties.register(p, users);
        OwnerContainers.register(p, tree);
        Symlinks.register(p, files, users);
        SecretEnv.register(p);
        NamespaceProperties.register(p);
        KnobStatistics.register(p, resources, cgroups, processes);
        CpuTotals.register(p, config);
        NetworkProperties.register(p, networking);
        UpstreamStatistics.register(p, cgroups, config, daemonStatistics::get, networking);
        NetworkStatistics.register(p, networking, tree);
    }
}

package porto.fake;

import java.util.List;
import java.util.Set;
import porto.conformance.CgroupsConformance;
import porto.conformance.Specs;
import porto.ports.Cgroups;

/** The fake kernel's cgroups, v1 or v2, with simulated processes started by its launcher. */
final class FakeCgroupsFixture implements CgroupsConformance.Fixture {
    private final FakeKernel kernel = new FakeKernel();
    private final int version;

    FakeCgroupsFixture(int version, Set<String> available) {
        this.version = version;
        kernel.cgroups().setVersion(version);
        kernel.cgroups().setAvailable(available);
        kernel.launcher().define("sleep", Program.deaf()); // as sleep(1): no handler for SIGTERM
    }

    @Override
    public Cgroups cgroups() {
        return kernel.cgroups();
    }

    @Override
    public int version() {
        return version;
    }

    @Override
    public int start(List<String> taskDirectories) throws Exception {
        return kernel.launcher().launch(Specs.plain(taskDirectories, List.of("sleep", "1000"))).pid();
    }

    @Override
    public int launch(List<String> taskDirectories) throws porto.ports.KernelException {
        return kernel.launcher().launch(Specs.plain(taskDirectories, List.of("sleep", "1000"))).pid();
    }

    @Override
    public void signal(int pid, int signal) {
        kernel.processes().kill(pid, signal);
    }

    @Override
    public void awaitGone(int pid) {
        kernel.deliverExits();
        if (kernel.processes().get(pid).map(FakeProcess::isRunning).orElse(false))
            throw new AssertionError("process " + pid + " still runs");
    }

    @Override
    public void close() {}
}

package porto.fake;

import java.util.List;
import porto.conformance.Specs;
import porto.conformance.TaskExitsConformance;
import porto.ports.LaunchResult;
import porto.ports.TaskExits;

class FakeTaskExitsConformanceTest extends TaskExitsConformance {
    @Override
    protected Fixture newFixture() {
        FakeKernel k = new FakeKernel();
        return new Fixture() {
            private boolean started;

            @Override
            public TaskExits newDaemon() {
                if (started)
                    k.daemonCrashed();
                started = true;
                return k.exits();
            }

            @Override
            public LaunchResult startTask() throws Exception {
                return k.launcher().launch(Specs.plain(List.of(), List.of("sleep", "1000")));
            }

            @Override
            public void kill(int pid, int signal) {
                k.processes().kill(pid, signal);
            }

            @Override
            public void deliver() {
                k.deliverExits();
            }

            @Override
            public void close() {}
        };
    }
}

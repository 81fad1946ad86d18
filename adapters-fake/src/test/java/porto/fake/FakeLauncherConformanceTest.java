package porto.fake;

import static porto.ports.Signals.SIGTERM;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import porto.conformance.LauncherConformance;
import porto.ports.LaunchResult;
import porto.ports.LaunchSpec;
import porto.ports.Processes;
import porto.ports.TaskLauncher;

/** The fake launcher and process table; programs are defined by name, time moves on the fake clock. */
class FakeLauncherConformanceTest extends LauncherConformance {
    @Override
    protected Fixture newFixture() throws Exception {
        FakeKernel k = new FakeKernel();
        k.files().makeDirectory("/scratch", 0755, 0, 0);
        k.launcher().define("sleep", Program.deaf());
        return new Fixture() {
            @Override
            public TaskLauncher launcher() {
                return k.launcher();
            }

            @Override
            public Processes processes() {
                return k.processes();
            }

            @Override
            public String scratch() {
                return "/scratch";
            }

            @Override
            public List<String> sleeper() {
                return List.of("sleep", "1000");
            }

            @Override
            public List<String> exiting(int code) {
                k.launcher().define("exit-" + code, new Program(Map.of(), 0, code, 1));
                return List.of("exit-" + code);
            }

            @Override
            public List<String> printing(String out, String err) {
                k.launcher().define("print", new Program(Map.of(), 0, 0, 1));
                k.launcher().defineOutput("print", out, err);
                return List.of("print");
            }

            @Override
            public List<String> trapping(int code) {
                k.launcher().define("trap-" + code, new Program(Map.of(SIGTERM, code), -1, 0, 1));
                return List.of("trap-" + code);
            }

            @Override
            public void awaitHandler(int pid) {}

            @Override
            public List<LaunchSpec.Bind> makeRoot(String dir) {
                return List.of(); // simulated programs need nothing from a root
            }

            @Override
            public void makeDirectory(String path) throws Exception {
                k.files().createDirectory(path, 0, 0);
            }

            @Override
            public void makeFile(String path, String content) throws Exception {
                k.files().makeFile(path, content.getBytes(StandardCharsets.UTF_8), 0644, 0, 0);
            }

            @Override
            public String readFile(String path) {
                FakeFiles.Entry e = k.files().entry(path);
                return e == null || e.data() == null ? null : new String(e.data(), StandardCharsets.UTF_8);
            }

            @Override
            public boolean exists(String path) {
                return k.files().exists(path);
            }

            @Override
            public int awaitExit(LaunchResult task) {
                for (int i = 0; i < 100_000 && k.processes().get(task.pid()).map(FakeProcess::isRunning).orElse(false); i++)
                    k.clock().advance(1);
                FakeProcess p = k.processes().get(task.pid()).orElseThrow(() -> new AssertionError("no process " + task.pid()));
                if (p.isRunning())
                    throw new AssertionError(p + " does not exit");
                k.exits().acknowledge(task.pid());
                return p.exitStatus();
            }

            @Override
            public TaskView view(int pid) {
                FakeProcess.Environment env = k.processes().get(pid).map(FakeProcess::environment).orElseThrow();
                Map<Integer, List<Long>> limits = new TreeMap<>();
                for (LaunchSpec.Rlimit l : env.rlimits())
                    limits.put(l.resource(), List.of(l.soft(), l.hard()));
                Set<Integer> groups = new TreeSet<>(env.identity().groups());
                porto.ports.Scheduling sched = k.processes().get(pid).map(FakeProcess::scheduling).orElse(null);
                if (sched == null)
                    sched = porto.ports.Scheduling.DEFAULT;
                return new TaskView(env.identity().uid(), env.identity().gid(), groups, env.namespaces(), env.hostname(), limits,
                        sched.policy(), sched.nice(), env.identity().capBound(), env.identity().uid() == 0 ? 0 : env.identity().capAmbient(),
                        env.oomScoreAdj());
            }

            @Override
            public Map<String, String> hostNamespaces() {
                Map<String, String> out = new TreeMap<>();
                for (String ns : List.of("pid", "mnt", "uts", "ipc", "net", "user", "cgroup"))
                    out.put(ns, "host:" + ns);
                return out;
            }

            @Override
            public List<LaunchSpec.IdRange> uidMap(int pid) {
                return k.launcher().uidMap(pid);
            }

            @Override
            public boolean sees(int pid, String path) {
                return k.launcher().sees(pid, path);
            }

            @Override
            public boolean writable(int pid, String path) {
                return k.launcher().writable(pid, path);
            }

            @Override
            public void close() {}
        };
    }
}

package porto.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import porto.conformance.LauncherConformance;
import porto.conformance.NeedsRoot;
import porto.ports.LaunchResult;
import porto.ports.LaunchSpec;
import porto.ports.Processes;
import porto.ports.TaskLauncher;

/**
 * {@link NativeLauncher} running portod-native launch, and {@link LinuxProcesses}, as root. This
 * JVM is the tasks' subreaper, as the master is the daemon's, and reaps them itself; what a task
 * shows is read from /proc.
 */
class LinuxLauncherConformanceTest extends LauncherConformance {
    @Override
    protected Fixture newFixture() throws Exception {
        NeedsRoot.check("the launcher suite on Linux");
        Reaper.becomeSubreaper();
        return new LinuxLauncherFixture(Files.createTempDirectory("porto-conformance-launch").toRealPath());
    }

    static final class LinuxLauncherFixture implements Fixture {
        private final Path scratch;
        private final NativeLauncher launcher = new NativeLauncher(Path.of(System.getProperty("porto.native")), null);
        private final LinuxProcesses processes = new LinuxProcesses();
        private final List<Integer> launched = new ArrayList<>();

        LinuxLauncherFixture(Path scratch) {
            this.scratch = scratch;
        }

        @Override
        public TaskLauncher launcher() {
            return task -> {
                LaunchResult r = launcher.launch(task);
                synchronized (launched) {
                    launched.add(r.pid());
                }
                return r;
            };
        }

        @Override
        public Processes processes() {
            return processes;
        }

        @Override
        public String scratch() {
            return scratch.toString();
        }

        @Override
        public List<String> sleeper() {
            return List.of("sleep", "100000");
        }

        @Override
        public List<String> exiting(int code) {
            return List.of("sh", "-c", "exit " + code);
        }

        @Override
        public List<String> printing(String out, String err) {
            return List.of("sh", "-c", "printf '%s' \"$0\"; printf '%s' \"$1\" >&2", out, err);
        }

        @Override
        public List<String> trapping(int code) {
            return List.of("sh", "-c", "trap 'exit " + code + "' TERM; while :; do sleep 0.01; done");
        }

        @Override
        public void awaitHandler(int pid) throws Exception {
            // The shell installs its trap a moment after exec; /proc shows when (SigCgt).
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!processes.catchesSignal(pid, 15)) {
                if (System.nanoTime() > deadline)
                    throw new AssertionError("no SIGTERM handler in " + pid);
                Thread.sleep(1);
            }
        }

        @Override
        public List<LaunchSpec.Bind> makeRoot(String dir) throws Exception {
            Path root = Path.of(dir);
            Files.createDirectories(root.resolve("usr"));
            for (String link : List.of("bin", "sbin", "lib", "lib64"))
                Files.createSymbolicLink(root.resolve(link), Path.of("usr/" + link));
            return List.of(new LaunchSpec.Bind("/usr", "/usr", true));
        }

        @Override
        public void makeDirectory(String path) throws Exception {
            Files.createDirectories(Path.of(path));
        }

        @Override
        public void makeFile(String path, String content) throws Exception {
            Files.writeString(Path.of(path), content);
        }

        @Override
        public String readFile(String path) throws Exception {
            Path p = Path.of(path);
            return Files.exists(p) ? Files.readString(p) : null;
        }

        @Override
        public boolean exists(String path) {
            return Files.exists(Path.of(path), LinkOption.NOFOLLOW_LINKS);
        }

        @Override
        public int awaitExit(LaunchResult task) {
            int status = Reaper.waitFor(task.pid());
            synchronized (launched) {
                launched.remove(Integer.valueOf(task.pid()));
            }
            if (status < 0)
                throw new AssertionError("task " + task.pid() + " is not a child of this JVM");
            return status;
        }

        @Override
        public TaskView view(int pid) throws Exception {
            Path proc = Path.of("/proc", Integer.toString(pid));
            Map<String, String> status = new TreeMap<>();
            for (String line : Files.readAllLines(proc.resolve("status"))) {
                int colon = line.indexOf(':');
                if (colon > 0)
                    status.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
            Set<Integer> groups = new TreeSet<>();
            for (String g : status.getOrDefault("Groups", "").split("\\s+"))
                if (!g.isEmpty())
                    groups.add(Integer.parseInt(g));
            Process hostname = new ProcessBuilder("nsenter", "-t", Integer.toString(pid), "-u", "hostname").start();
            String name = new String(hostname.getInputStream().readAllBytes()).trim();
            hostname.waitFor();
            // /proc/PID/stat after the command's ")": field 19 is nice, field 41 the policy.
            String stat = Files.readString(proc.resolve("stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new TaskView(Integer.parseInt(status.get("Uid").split("\\s+")[0]), Integer.parseInt(status.get("Gid").split("\\s+")[0]),
                    groups, namespaces(proc), name, limits(proc), Integer.parseInt(f[41 - 3]), Integer.parseInt(f[19 - 3]),
                    Long.parseUnsignedLong(status.get("CapBnd"), 16), Long.parseUnsignedLong(status.get("CapAmb"), 16),
                    Integer.parseInt(Files.readString(proc.resolve("oom_score_adj")).trim()));
        }

        private static Map<String, String> namespaces(Path proc) throws IOException {
            Map<String, String> out = new TreeMap<>();
            for (String ns : List.of("pid", "mnt", "uts", "ipc", "net", "user", "cgroup"))
                out.put(ns, Files.readSymbolicLink(proc.resolve("ns").resolve(ns)).toString());
            return out;
        }

        private static final Map<String, Integer> LIMIT_NAMES = Map.of("Max open files", 7, "Max processes", 6,
                "Max core file size", 4, "Max stack size", 3);

        private static Map<Integer, List<Long>> limits(Path proc) throws IOException {
            Map<Integer, List<Long>> out = new TreeMap<>();
            for (String line : Files.readAllLines(proc.resolve("limits")))
                for (var e : LIMIT_NAMES.entrySet())
                    if (line.startsWith(e.getKey())) {
                        String[] w = line.substring(e.getKey().length()).trim().split("\\s+");
                        out.put(e.getValue(), List.of(limit(w[0]), limit(w[1])));
                    }
            return out;
        }

        private static long limit(String word) {
            return word.equals("unlimited") ? LaunchSpec.Rlimit.INFINITY : Long.parseLong(word);
        }

        @Override
        public Map<String, String> hostNamespaces() throws Exception {
            return namespaces(Path.of("/proc/self"));
        }

        @Override
        public List<LaunchSpec.IdRange> uidMap(int pid) throws Exception {
            List<LaunchSpec.IdRange> out = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/uid_map"))) {
                String[] w = line.trim().split("\\s+");
                out.add(new LaunchSpec.IdRange(Long.parseLong(w[0]), Long.parseLong(w[1]), Long.parseLong(w[2])));
            }
            return out;
        }

        @Override
        public boolean sees(int pid, String path) {
            return Files.exists(Path.of("/proc/" + pid + "/root" + path), LinkOption.NOFOLLOW_LINKS);
        }

        @Override
        public boolean writable(int pid, String path) throws Exception {
            // The mount with the longest mount point over the path (the last of equals is on top);
            // mountinfo shows mount points relative to the task's own root.
            String best = null;
            boolean rw = false;
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/mountinfo"))) {
                String[] f = line.split(" ");
                String point = f[4];
                boolean covers = point.equals("/") || path.equals(point) || path.startsWith(point + "/");
                if (covers && (best == null || point.length() >= best.length())) {
                    best = point;
                    rw = f[5].startsWith("rw");
                }
            }
            return rw;
        }

        @Override
        public void close() throws Exception {
            List<Integer> left;
            synchronized (launched) {
                left = new ArrayList<>(launched);
            }
            for (int pid : left)
                Native.kill(pid, 9);
            // Reaped in any order: the init of a pid namespace finishes dying only once the tasks
            // that joined its namespace (our children, not its) have been reaped.
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!left.isEmpty() && System.nanoTime() < deadline) {
                left.removeIf(pid -> Reaper.poll(pid) != -2);
                if (!left.isEmpty())
                    Thread.sleep(1);
            }
            Scratch.removeTree(scratch);
        }
    }

}

package porto.linux;

import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import porto.conformance.NeedsRoot;
import porto.conformance.TaskExitsConformance;
import porto.ports.LaunchResult;
import porto.ports.TaskExits;

/**
 * {@link MasterExits} fed by a real portod-native master. The master's "daemon" is a small shell
 * that starts tasks on request (orphaned at once, so the master adopts and reaps them, as it does
 * the daemon's launches); {@link MasterExits} reads its report pipe and writes its acknowledgement
 * pipe through /proc/DAEMON/fd/3 and /fd/4. A new daemon is the master restarting a killed one.
 */
class LinuxTaskExitsConformanceTest extends TaskExitsConformance {
    /** Reads task commands from the FIFO "$0"; each runs orphaned, without the daemon's pipes. */
    private static final String DAEMON = "exec 9<>\"$0\"; while read -r cmd <&9; do (sh -c \"$cmd\" 3<&- 4<&- 9<&- &); done";

    @Override
    protected Fixture newFixture() throws Exception {
        NeedsRoot.check("the task exits suite on Linux");
        return new MasterFixture(Files.createTempDirectory("porto-conformance-exits").toRealPath());
    }

    static final class MasterFixture implements Fixture {
        private final Path dir;
        private final Process master;
        private final List<Integer> tasks = new ArrayList<>();
        private final AtomicInteger sequence = new AtomicInteger();
        private int daemon;
        private OutputStream commands;

        MasterFixture(Path dir) throws Exception {
            this.dir = dir;
            Path fifo = dir.resolve("commands");
            if (new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() != 0)
                throw new AssertionError("mkfifo " + fifo);
            master = new ProcessBuilder(System.getProperty("porto.native"), "master", "--socket", dir.resolve("sock").toString(),
                    "--pidfile", dir.resolve("master.pid").toString(), "--daemon-pidfile", dir.resolve("daemon.pid").toString(),
                    "--log", dir.resolve("master.log").toString(), "--", "sh", "-c", DAEMON, fifo.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("master.out").toFile()).start();
        }

        /** The pid in the daemon pidfile once it differs from {@code old}; the master writes it when it starts one. */
        private int awaitDaemon(int old) throws Exception {
            Path file = dir.resolve("daemon.pid");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                if (Files.exists(file)) {
                    String text = Files.readString(file).trim();
                    int pid = text.isEmpty() ? 0 : Integer.parseInt(text);
                    if (pid > 0 && pid != old && Files.exists(Path.of("/proc/" + pid + "/fd/4")))
                        return pid;
                }
                if (!master.isAlive())
                    throw new AssertionError("the master exited: " + Files.readString(dir.resolve("master.out")));
                Thread.sleep(1);
            }
            throw new AssertionError("the master started no daemon");
        }

        @Override
        public TaskExits newDaemon() throws Exception {
            int old = daemon;
            if (old > 0) {
                commands.close();
                Native.kill(old, 9);
            }
            daemon = awaitDaemon(old);
            // Opening a FIFO to write waits for its reader: the new daemon's shell.
            commands = new FileOutputStream(dir.resolve("commands").toFile());
            return new MasterExits("/proc/" + daemon + "/fd/3", "/proc/" + daemon + "/fd/4", message -> { });
        }

        @Override
        public LaunchResult startTask() throws Exception {
            Path pidFile = dir.resolve("task-" + sequence.incrementAndGet());
            commands.write(("echo $$ > " + pidFile + ".tmp && mv " + pidFile + ".tmp " + pidFile + " && exec sleep 100000\n")
                    .getBytes(StandardCharsets.US_ASCII));
            commands.flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!Files.exists(pidFile)) {
                if (System.nanoTime() > deadline)
                    throw new AssertionError("the daemon started no task");
                Thread.sleep(1);
            }
            int pid = Integer.parseInt(Files.readString(pidFile).trim());
            tasks.add(pid);
            // The start time of the sleep it became (exec keeps the process, and so its start time).
            return new LaunchResult(pid, ProcStat.startTime(ProcStat.read(pid)));
        }

        @Override
        public void kill(int pid, int signal) {
            Native.kill(pid, signal);
        }

        @Override
        public void deliver() {}

        @Override
        public void close() throws Exception {
            for (int pid : tasks)
                Native.kill(pid, 9);
            if (commands != null)
                commands.close();
            master.destroy(); // SIGTERM: the master stops its daemon and exits
            if (!master.waitFor(20, TimeUnit.SECONDS))
                master.destroyForcibly().waitFor();
            Scratch.removeTree(dir);
        }
    }
}

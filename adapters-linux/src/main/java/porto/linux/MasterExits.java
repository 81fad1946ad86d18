package porto.linux;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import porto.ports.TaskExits;

/**
 * Exit statuses from portod-native master, the subreaper that outlives this daemon. It writes
 * "exit PID STATUS STARTTIME" lines to our fd 3 and re-sends them until we answer
 * "ack PID STARTTIME" on fd 4, so no exit is lost while a daemon restarts.
 *
 * <p>The master also sends "ping TOKEN" there and replaces a daemon that does not answer
 * "pong TOKEN" in time. The reading thread answers at once and hands exits to another thread:
 * handling an exit may wait for a long request, answering a ping never does.
 */
public final class MasterExits implements TaskExits {
    private final String reportsPath;
    private final String acksPath;
    private final Consumer<String> log;
    /** Exits being handled, by pid: their start time, which the acknowledgement must name. */
    private final Map<Integer, Long> handling = new ConcurrentHashMap<>();
    private OutputStream acks;

    public MasterExits(Consumer<String> log) {
        this("/proc/self/fd/3", "/proc/self/fd/4", log);
    }

    MasterExits(String reportsPath, String acksPath, Consumer<String> log) {
        this.reportsPath = reportsPath;
        this.acksPath = acksPath;
        this.log = log;
    }

    @Override
    public void start(Listener listener) {
        try {
            acks = new FileOutputStream(acksPath);
        } catch (IOException e) {
            throw new IllegalStateException("no acknowledgement pipe from the master at " + acksPath, e);
        }
        // One thread, so exits are handled in the order the master reported them.
        ExecutorService handler = Executors.newSingleThreadExecutor(r -> daemonThread(r, "porto-exits"));
        daemonThread(() -> readLoop(listener, handler), "porto-master-pipe").start();
    }

    private static Thread daemonThread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private void readLoop(Listener listener, ExecutorService handler) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new FileInputStream(reportsPath), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] w = line.split(" ");
                if (w.length == 2 && w[0].equals("ping")) {
                    send("pong " + w[1]);
                } else if (w.length == 4 && w[0].equals("exit")) {
                    String report = line;
                    handler.execute(() -> deliver(listener, report, w));
                } else {
                    log.accept("unexpected line from master: " + line);
                }
            }
            log.accept("master closed the exit pipe");
        } catch (IOException e) {
            log.accept("reading exits from the master failed: " + e.getMessage());
        }
    }

    private void deliver(Listener listener, String report, String[] w) {
        try {
            int pid = Integer.parseInt(w[1]);
            long start = Long.parseLong(w[3]);
            handling.put(pid, start);
            listener.exited(pid, Integer.parseInt(w[2]), start);
        } catch (RuntimeException e) {
            log.accept("handling exit " + report + " failed: " + e);
        }
    }

    /**
     * Called once the exit of {@code pid} is handled and its outcome recorded: from the handling
     * thread, or later from the thread of the start that claimed an exit which came before its pid
     * was bound.
     */
    @Override
    public void acknowledge(int pid) {
        Long start = handling.remove(pid);
        if (start == null) {
            log.accept("exit of " + pid + " acknowledged but not being handled; the master will report it again");
            return;
        }
        send("ack " + pid + " " + start);
    }

    private synchronized void send(String line) {
        try {
            acks.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            acks.flush();
        } catch (IOException e) {
            log.accept("cannot answer the master (" + line + "): " + e.getMessage());
        }
    }
}

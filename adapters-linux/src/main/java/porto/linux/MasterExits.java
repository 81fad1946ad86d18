package porto.linux;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import porto.ports.TaskExits;

/**
 * Exit statuses from portod-native master, the subreaper that outlives this daemon. It writes
 * "exit PID STATUS STARTTIME" lines to our fd 3 and re-sends them until we answer "ack PID" on fd 4,
 * so no exit is lost while a daemon restarts.
 */
public final class MasterExits implements TaskExits {
    private final String reportsPath;
    private final String acksPath;
    private final Consumer<String> log;
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
        Thread reader = new Thread(() -> readLoop(listener), "porto-exits");
        reader.setDaemon(true);
        reader.start();
    }

    private void readLoop(Listener listener) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new FileInputStream(reportsPath), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] w = line.split(" ");
                if (w.length != 4 || !w[0].equals("exit")) {
                    log.accept("unexpected line from master: " + line);
                    continue;
                }
                try {
                    listener.exited(Integer.parseInt(w[1]), Integer.parseInt(w[2]), Long.parseLong(w[3]));
                } catch (RuntimeException e) {
                    log.accept("handling exit " + line + " failed: " + e);
                }
            }
            log.accept("master closed the exit pipe");
        } catch (IOException e) {
            log.accept("reading exits from the master failed: " + e.getMessage());
        }
    }

    @Override
    public synchronized void acknowledge(int pid) {
        try {
            acks.write(("ack " + pid + "\n").getBytes(StandardCharsets.US_ASCII));
            acks.flush();
        } catch (IOException e) {
            log.accept("cannot acknowledge exit of " + pid + ": " + e.getMessage());
        }
    }
}

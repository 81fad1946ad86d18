package porto.linux;

import static porto.ports.Errno.E2BIG;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import porto.ports.KernelException;

/**
 * One long-lived {@code portod-native launch-server} per binary: it forks a launcher for each
 * start (the same code as {@code portod-native launch}), so a start costs a fork of a small
 * process instead of the JVM spawning a helper that execs the launcher. Requests go to its
 * standard input ({@code launch ID LENGTH\n} and the records), answers come back one line each,
 * {@code ID ANSWER}, in the order the launches end; a reader thread hands each to its caller.
 * The server is started on the first launch and again after it died; it exits when this JVM
 * does (end of its input). Launches in flight when it dies fail, none is retried: the task of
 * one may already run.
 */
final class LaunchServer {
    /** The server kills a launcher after 30 s; this is only for a server that stopped answering. */
    private static final long ANSWER_TIMEOUT_SECONDS = 35;
    private static final Map<Path, LaunchServer> SERVERS = new ConcurrentHashMap<>();
    /** The server's MAX_SPEC (launch_server.c): larger specs are refused before they are sent. */
    static final int MAX_SPEC = 16 << 20;

    private final Path nativeBinary;
    private final AtomicLong ids = new AtomicLong();
    private Running running; // guarded by this

    private LaunchServer(Path nativeBinary) {
        this.nativeBinary = nativeBinary;
    }

    static LaunchServer of(Path nativeBinary) {
        return SERVERS.computeIfAbsent(nativeBinary.toAbsolutePath(), LaunchServer::new);
    }

    /** One process and the launches it was given. */
    private record Running(Process process, OutputStream requests, Map<Long, CompletableFuture<String>> pending,
                           AtomicBoolean ended) {}

    /** The launcher's answer line for {@code records}: "ok PID STARTTIME", "error ERRNO MESSAGE", or "" if it died. */
    String launch(byte[] records) throws KernelException {
        if (records.length > MAX_SPEC) // the server would refuse it; no need to send it
            throw new KernelException(E2BIG, "the launch spec is " + records.length + " bytes, more than " + MAX_SPEC);
        long id = ids.incrementAndGet();
        Sent sent = send(id, records);
        Running server = sent.server();
        CompletableFuture<String> answer = sent.answer();
        try {
            return answer.get(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            cancel(server, id);
            throw new KernelException(110, "the launcher did not answer within " + ANSWER_TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            cancel(server, id);
            Thread.currentThread().interrupt();
            throw new KernelException(4, "interrupted while starting a task");
        } catch (ExecutionException e) {
            throw new KernelException(0, "launcher failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            server.pending.remove(id);
        }
    }

    /** A request handed to a server, and where its answer will come. */
    private record Sent(Running server, CompletableFuture<String> answer) {}

    /**
     * Hands the request to a running server, starting one if there is none (or it died before
     * reading it). Each attempt waits on a future of its own: a dying server's reader fails the
     * futures it knows, and one of those must not stand for the attempt on the next server.
     */
    private synchronized Sent send(long id, byte[] records) throws KernelException {
        byte[] header = ("launch " + id + " " + records.length + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[header.length + records.length];
        System.arraycopy(header, 0, request, 0, header.length);
        System.arraycopy(records, 0, request, header.length, records.length);
        for (int attempt = 0; ; attempt++) {
            Running server = running != null && !running.ended.get() ? running : start();
            CompletableFuture<String> answer = new CompletableFuture<>();
            server.pending.put(id, answer);
            if (server.ended.get()) { // its reader has failed those waiting, maybe before this one
                server.pending.remove(id);
                running = null;
                continue;
            }
            try {
                server.requests.write(request);
                server.requests.flush();
                return new Sent(server, answer);
            } catch (IOException e) {
                server.pending.remove(id);
                server.process.destroyForcibly();
                running = null;
                if (attempt > 0)
                    throw new KernelException(0, "launcher failed: " + e.getMessage(), e);
            }
        }
    }

    private synchronized void cancel(Running server, long id) {
        try {
            server.requests.write(("kill " + id + "\n").getBytes(StandardCharsets.US_ASCII));
            server.requests.flush();
        } catch (IOException e) {
            // the server is gone, and its launchers with their answers
        }
    }

    private Running start() throws KernelException {
        Process process;
        try {
            process = new ProcessBuilder(nativeBinary.toString(), "launch-server")
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            throw new KernelException(0, "cannot run " + nativeBinary + ": " + e.getMessage(), e);
        }
        running = new Running(process, process.getOutputStream(), new ConcurrentHashMap<>(), new AtomicBoolean());
        Running server = running;
        Thread.ofPlatform().name("porto-launch-answers").daemon(true).start(() -> readAnswers(server));
        return server;
    }

    /** Hands each answer line to the launch waiting for it; at the end, fails those still waiting. */
    private static void readAnswers(Running server) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(server.process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                int space = line.indexOf(' ');
                if (space < 0)
                    continue;
                CompletableFuture<String> waiting = server.pending.get(Long.parseLong(line.substring(0, space)));
                if (waiting != null)
                    waiting.complete(line.substring(space + 1).trim());
            }
        } catch (IOException | NumberFormatException e) {
            // ends like EOF: the server is of no more use
        }
        server.ended.set(true);
        server.process.destroyForcibly();
        for (CompletableFuture<String> waiting : server.pending.values())
            waiting.completeExceptionally(new IOException("the launch server exited"));
    }
}

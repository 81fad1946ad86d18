package porto.e2e;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A network world of a test's own: a "host" namespace in which the test's portod runs (so the
 * machine's eth0, lo and routes are never touched) and an "outside" namespace joined to it by a
 * veth pair on 198.51.100.0/24 (host up0 .1, outside eth0 .2). Closing removes both namespaces,
 * with every device in them.
 */
final class NetWorld implements AutoCloseable {
    static final String HOST_ADDRESS = "198.51.100.1";
    static final String OUTSIDE_ADDRESS = "198.51.100.2";
    static final String HOST_ADDRESS6 = "2001:db8:1::1";
    static final String OUTSIDE_ADDRESS6 = "2001:db8:1::2";

    final String host;
    final String outside;
    private final List<Process> background = new ArrayList<>();

    NetWorld() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("porto-net-e2e");
        client = java.nio.file.Files.writeString(dir.resolve("client.py"), CLIENT);
        server = java.nio.file.Files.writeString(dir.resolve("server.py"), SERVER);
        sink = java.nio.file.Files.writeString(dir.resolve("sink.py"), SINK);
        sender = java.nio.file.Files.writeString(dir.resolve("sender.py"), SENDER);
        host = "porto-e2e-h" + tag;
        outside = "porto-e2e-o" + tag;
        try {
            ip("netns", "add", host);
            ip("netns", "add", outside);
            ip("-n", host, "link", "set", "lo", "up");
            ip("-n", outside, "link", "set", "lo", "up");
            ip("-n", host, "link", "add", "up0", "type", "veth", "peer", "name", "eth0", "netns", outside);
            ip("-n", host, "addr", "add", HOST_ADDRESS + "/24", "dev", "up0");
            ip("-n", outside, "addr", "add", OUTSIDE_ADDRESS + "/24", "dev", "eth0");
            ip("-n", host, "link", "set", "up0", "up");
            ip("-n", outside, "link", "set", "eth0", "up");
            ip("-n", host, "addr", "add", HOST_ADDRESS6 + "/64", "dev", "up0", "nodad");
            ip("-n", outside, "addr", "add", OUTSIDE_ADDRESS6 + "/64", "dev", "eth0", "nodad");
            in(host, "sysctl", "-q", "-w", "net.ipv4.conf.all.forwarding=1", "net.ipv6.conf.all.forwarding=1",
                    "net.ipv6.conf.all.proxy_ndp=1");
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /** A daemon whose master (and so every daemon it starts) runs in the host namespace. */
    PortodProcess startDaemon(Map<String, String> moreEnv) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(Map.of("PORTO_NET_UNMANAGED_DEVICES", "eth0 lo"));
        env.putAll(moreEnv);
        return PortodProcess.start(env, List.of("nsenter", "--net=/run/netns/" + host));
    }

    static String ip(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        return run(cmd, 10);
    }

    /** Runs a command in namespace {@code ns}, at most 20 s, and returns its output; fails on a non-zero exit. */
    static String in(String ns, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(command));
        return run(cmd, 20);
    }

    /** Starts a command in namespace {@code ns} that {@link #close} kills if it still runs. */
    Process spawn(String ns, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        background.add(p);
        return p;
    }

    private static String run(List<String> cmd, int seconds) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " hangs");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0)
            throw new IllegalStateException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out);
        return out;
    }

    /** "python3 SCRIPT ADDRESS PORT": connects (retrying for 10 s) and prints the first line it reads. */
    final java.nio.file.Path client;
    /** "python3 SCRIPT PORT COUNT TEXT": answers "TEXT PEER-ADDRESS" to each of COUNT clients, at most 60 s. */
    final java.nio.file.Path server;

    /** "python3 SCRIPT PORT BIND": takes one connection, reads it to the end, prints "BYTES BYTES_PER_SECOND". */
    final java.nio.file.Path sink;
    /** "python3 SCRIPT ADDRESS PORT BYTES": sends that many bytes (connecting for at most 10 s). */
    final java.nio.file.Path sender;

    private static final String SINK = String.join("\n",
            "import socket, sys, time",
            "s = socket.socket()",
            "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "s.bind((sys.argv[2], int(sys.argv[1])))",
            "s.listen()",
            "s.settimeout(60)",
            "c, peer = s.accept()",
            "c.settimeout(60)",
            "total, first, last = 0, None, None",
            "while True:",
            "    data = c.recv(65536)",
            "    if not data:",
            "        break",
            "    now = time.monotonic()",
            "    if first is None:",
            "        first = now",
            "    total += len(data)",
            "    last = now",
            "print(total, int(total / (last - first)) if last and last > first else 0, flush=True)", "");
    private static final String SENDER = String.join("\n",
            "import socket, sys, time",
            "end = time.time() + 10",
            "while True:",
            "    try:",
            "        s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=30)",
            "        break",
            "    except OSError:",
            "        if time.time() > end:",
            "            raise",
            "        time.sleep(0.05)",
            "left = int(sys.argv[3])",
            "chunk = b'x' * 65536",
            "while left > 0:",
            "    n = min(left, len(chunk))",
            "    s.sendall(chunk[:n])",
            "    left -= n",
            "s.close()", "");

    private static final String CLIENT = String.join("\n",
            "import socket, sys, time",
            "end = time.time() + 10",
            "while True:",
            "    try:",
            "        s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)",
            "        break",
            "    except OSError:",
            "        if time.time() > end:",
            "            raise",
            "        time.sleep(0.05)",
            "print(s.recv(200).decode().strip(), flush=True)", "");
    private static final String SERVER = String.join("\n",
            "import socket, sys",
            "s = socket.socket(socket.AF_INET6 if ':' in sys.argv[4] else socket.AF_INET)",
            "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "s.bind((sys.argv[4], int(sys.argv[1])))",
            "s.listen()",
            "s.settimeout(60)",
            "for _ in range(int(sys.argv[2])):",
            "    c, peer = s.accept()",
            "    c.sendall((sys.argv[3] + ' ' + peer[0] + '\\n').encode())",
            "    c.close()", "");

    @Override
    public void close() throws Exception {
        for (Process p : background)
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        for (String ns : List.of(host, outside))
            try {
                ip("netns", "del", ns);
            } catch (IllegalStateException e) {
                // not made
            }
        for (java.nio.file.Path script : List.of(client, server, sink, sender))
            java.nio.file.Files.deleteIfExists(script);
        java.nio.file.Files.deleteIfExists(client.getParent());
    }
}

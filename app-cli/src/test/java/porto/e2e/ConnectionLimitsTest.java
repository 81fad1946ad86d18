package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import porto.client.PortoClient;
import porto.rpc.Rpc.EError;
import porto.rpc.Rpc.TContainerRequest;
import porto.rpc.Rpc.TContainerResponse;

/**
 * Upstream's client limits: connections per user (per container, for clients inside one), an idle
 * client dropped to make room, root keeping a way in, and a listen backlog as deep as the system
 * allows. The clients are Python programs run as porto-alice and porto-charlie.
 */
class ConnectionLimitsTest {
    private static final String SCRIPT = PythonClient.PRELUDE + """
            mode, path, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
            if mode == 'hold':
                # Connections that each ask for the version, then (after a line on stdin) ask again.
                version = bytes.fromhex(sys.argv[4])
                conns = []
                for i in range(count):
                    s = socket.socket(socket.AF_UNIX); s.connect(path); conns.append(s)
                    send(s, version); r = receive(s)
                    print('first', i, r.hex() if r is not None else 'closed', flush=True)
                sys.stdin.readline()
                for i, s in enumerate(conns):
                    try:
                        send(s, version); r = receive(s)
                    except OSError:
                        r = None
                    print('again', i, r.hex() if r is not None else 'closed', flush=True)
            elif mode == 'burst':
                # Non-blocking connects as fast as possible: how many find the backlog full.
                socks, refused = [], 0
                for i in range(count):
                    s = socket.socket(socket.AF_UNIX); s.setblocking(False)
                    try:
                        s.connect(path)
                    except BlockingIOError:
                        refused += 1
                    socks.append(s)
                print(refused, flush=True)
            elif mode == 'flood':
                # One admitted connection, then COUNT that ask nothing until the daemon has closed
                # CLOSED of them (at most 60 s: a guard, not a pause); then each one still open asks.
                import select, time
                version, closed_wanted = bytes.fromhex(sys.argv[4]), int(sys.argv[5])
                first = socket.socket(socket.AF_UNIX); first.connect(path); send(first, version); receive(first)
                socks = []
                for i in range(count):
                    s = socket.socket(socket.AF_UNIX); s.connect(path); socks.append(s)
                index = {s.fileno(): i for i, s in enumerate(socks)}
                poller, closed = select.poll(), set()
                for s in socks: poller.register(s, select.POLLIN)
                give_up = time.monotonic() + 60
                while len(closed) < closed_wanted and time.monotonic() < give_up:
                    for fd, ev in poller.poll(1000):
                        closed.add(index[fd]); poller.unregister(fd)
                print('closed', len(closed), flush=True)
                for i, s in enumerate(socks):
                    if i in closed: continue
                    try:
                        send(s, version); r = receive(s)
                    except OSError:
                        r = None
                    print('asked', r.hex() if r is not None else 'closed', flush=True)
            """;
    private static final String VERSION = HexFormat.of().formatHex(TContainerRequest.newBuilder()
            .setVersion(porto.rpc.Rpc.TVersionRequest.getDefaultInstance()).build().toByteArray());
    private static Path script;

    @BeforeAll
    static void files() throws Exception {
        Users.ensure();
        script = PythonClient.script("client.py", SCRIPT);
    }

    @AfterAll
    static void cleanUp() throws Exception {
        PythonClient.remove(script);
    }

    /** A running "hold" client: its answers so far, and a way to let it ask again. */
    private static final class Holder implements AutoCloseable {
        final Process process;
        final BufferedReader out;

        Holder(PortodProcess d, String user, int count) throws Exception {
            process = new ProcessBuilder(Users.as(user, List.of("/usr/bin/python3", script.toString(), "hold",
                    d.socket.toString(), Integer.toString(count), VERSION))).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        /** The next {@code n} answers, "closed" for a connection the daemon closed. */
        List<TContainerResponse> answers(int n) throws Exception {
            List<TContainerResponse> got = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String line = out.readLine();
                assertTrue(line != null, "the client ended early");
                String last = line.substring(line.lastIndexOf(' ') + 1);
                got.add(last.equals("closed") ? null : TContainerResponse.parseFrom(HexFormat.of().parseHex(last)));
            }
            return got;
        }

        void askAgain() throws Exception {
            process.getOutputStream().write('\n');
            process.getOutputStream().flush();
        }

        @Override
        public void close() throws Exception {
            process.getOutputStream().close();
            if (!process.waitFor(30, TimeUnit.SECONDS))
                process.destroyForcibly();
        }
    }

    private static EError error(TContainerResponse r) {
        return r == null ? null : r.getError();
    }

    @Test
    void aUserHasAtMostMaxClientsInContainerConnectionsAndIsToldWhy() throws Exception {
        try (PortodProcess d = PortodProcess.start(Map.of("PORTO_MAX_CLIENTS_IN_CONTAINER", "3", "PORTO_CLIENT_IDLE_TIMEOUT", "3600"));
             Holder alice = new Holder(d, Users.ALICE, 3)) {
            for (TContainerResponse r : alice.answers(3))
                assertEquals(EError.Success, error(r));
            try (Holder more = new Holder(d, Users.ALICE, 1)) {
                TContainerResponse refused = more.answers(1).get(0);
                assertEquals(EError.ResourceNotAvailable, error(refused));
                assertTrue(refused.getErrorMsg().contains("too many clients of user " + Users.uid(Users.ALICE)), refused.getErrorMsg());
                assertTrue(refused.getErrorMsg().contains("max_clients_in_container 3"), refused.getErrorMsg());
            }
            try (Holder charlie = new Holder(d, Users.CHARLIE, 1)) {
                assertEquals(EError.Success, error(charlie.answers(1).get(0)), "another user has slots of his own");
            }
            try (PortoClient root = d.client()) {
                root.version(); // root is another user, and has room beyond the limits anyway
            }
            alice.askAgain();
            for (TContainerResponse r : alice.answers(3))
                assertEquals(EError.Success, error(r), "nobody was dropped: none was idle long enough");
        }
    }

    @Test
    void theClientIdleLongestMakesRoom() throws Exception {
        try (PortodProcess d = PortodProcess.start(Map.of("PORTO_MAX_CLIENTS_IN_CONTAINER", "3", "PORTO_CLIENT_IDLE_TIMEOUT", "0"));
             Holder alice = new Holder(d, Users.ALICE, 4)) {
            for (TContainerResponse r : alice.answers(4))
                assertEquals(EError.Success, error(r));
            alice.askAgain();
            List<TContainerResponse> again = alice.answers(4);
            assertEquals(null, again.get(0), "the first, idle the longest, was dropped for the fourth");
            for (TContainerResponse r : again.subList(1, 4))
                assertEquals(EError.Success, error(r));
            assertTrue(d.logText().contains("dropping a client of user " + Users.uid(Users.ALICE)), d.logText());
        }
    }

    @Test
    void refusedClientsWaitingForTheirAnswerAreBounded() throws Exception {
        int flood = ClientLimitsBound.WAITING + 200;
        // A refused client would wait for its answer for ten minutes: only the bound closes any.
        try (PortodProcess d = PortodProcess.start(Map.of("PORTO_MAX_CLIENTS_IN_CONTAINER", "1",
                "PORTO_CLIENT_IDLE_TIMEOUT", "3600", "PORTO_REFUSAL_WAIT_MS", "600000"))) {
            PortodProcess.Run r = Users.run(Users.ALICE, List.of("/usr/bin/python3", script.toString(), "flood",
                    d.socket.toString(), Integer.toString(flood), VERSION, "200"), Map.of());
            assertEquals(0, r.code(), r.err());
            List<String> lines = r.out().lines().toList();
            assertEquals("closed 200", lines.get(0), "refused connections beyond the bound are closed at once");
            assertEquals(ClientLimitsBound.WAITING, lines.size() - 1);
            for (String line : lines.subList(1, lines.size())) {
                String hex = line.substring("asked ".length());
                assertTrue(!hex.equals("closed"), "a refusal within the bound is answered");
                assertEquals(EError.ResourceNotAvailable, TContainerResponse.parseFrom(HexFormat.of().parseHex(hex)).getError());
            }
            try (PortoClient root = d.client()) {
                root.version(); // and the daemon still serves
            }
        }
    }

    /** The daemon's bound on refused clients that wait for their answer (ClientLimits.MAX_WAITING_REFUSALS). */
    private static final class ClientLimitsBound {
        static final int WAITING = 100;
    }

    @Test
    void aBurstOfConnectsFitsTheBacklog() throws Exception {
        try (PortodProcess d = PortodProcess.start()) {
            PortodProcess.Run r = Users.run(Users.ALICE, List.of("/usr/bin/python3", script.toString(), "burst",
                    d.socket.toString(), "1000"), Map.of());
            assertEquals(0, r.code(), r.err());
            assertEquals("0", r.out().strip(), "connects that found the listen backlog full");
            try (PortoClient root = d.client()) {
                root.version(); // and the daemon still serves
            }
        }
    }
}

package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import porto.rpc.Rpc.TContainerRequest;

/**
 * Random and mutated frames from an unprivileged user (porto-alice), a bounded number in bounded
 * time: every one is answered or only its connection is closed, and the daemon keeps serving
 * without a restart. The seed is fixed so a failure can be replayed.
 */
class ProtocolFuzzTest extends PortodTest {
    private static final int FRAMES = 4000;
    private static final int SECONDS = 40;
    private static final long SEED = 20261129;
    private static final String SCRIPT = PythonClient.PRELUDE + """
            import random, time
            path, seed, count, limit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
            valid = [bytes.fromhex(h) for h in sys.argv[5].split(',')]
            rng = random.Random(seed)
            deadline = time.time() + limit
            def varint(n):
                out = b''
                while True:
                    out += bytes([(n & 0x7f) | (0x80 if n > 0x7f else 0)])
                    n >>= 7
                    if not n: return out
            def connect():
                s = socket.socket(socket.AF_UNIX); s.connect(path); s.settimeout(5); return s
            def nested(depth):
                # length-delimited fields inside each other, with random tags
                body = rng.randbytes(rng.randrange(8))
                for _ in range(depth):
                    body = varint(rng.randrange(1, 200) << 3 | 2) + varint(len(body)) + body
                return body
            s = connect()
            sent = answered = closed = 0
            for i in range(count):
                if time.time() > deadline: break
                base = rng.choice(valid)
                kind = rng.randrange(7)
                if kind == 0:
                    body = rng.randbytes(rng.randrange(64))
                elif kind == 1:
                    b = bytearray(base)
                    for _ in range(rng.randrange(1, 4)):
                        if b: b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
                    body = bytes(b)
                elif kind == 2:
                    body = base[:rng.randrange(len(base) + 1)]
                elif kind == 3:
                    body = base + rng.randbytes(rng.randrange(1, 16))
                elif kind == 4:
                    body = nested(rng.randrange(1, 120))
                elif kind == 5:
                    body = base[:rng.randrange(len(base) + 1)] + rng.randbytes(rng.randrange(8)) + base
                else:
                    # A length prefix that lies (longer than what follows, or absurd): then hang up.
                    lie = rng.choice([len(base) + rng.randrange(1, 100), 0x7fffffff, 1 << 35, 1 << 25])
                    try:
                        s.sendall(varint(lie) + base)
                    except OSError:
                        pass
                    s.close(); s = connect(); sent += 1; closed += 1
                    continue
                sent += 1
                try:
                    send(s, body); r = receive(s)
                except OSError:
                    r = None
                if r is None:
                    closed += 1
                    s.close(); s = connect()
                else:
                    answered += 1
            print(sent, answered, closed, flush=True)
            """;
    private static Path script;

    @BeforeAll
    static void files() throws Exception {
        Users.ensure();
        script = PythonClient.script("fuzz.py", SCRIPT);
    }

    @AfterAll
    static void cleanUp() throws Exception {
        PythonClient.remove(script);
    }

    /** Well-formed requests to mutate; none of them waits or starts anything. */
    private static String validFrames() {
        List<TContainerRequest.Builder> all = new ArrayList<>();
        var version = TContainerRequest.newBuilder();
        version.getVersionBuilder();
        all.add(version);
        var list = TContainerRequest.newBuilder();
        list.getListBuilder().setMask("***");
        all.add(list);
        var create = TContainerRequest.newBuilder();
        create.getCreateBuilder().setName("fuzz");
        all.add(create);
        var set = TContainerRequest.newBuilder();
        set.getSetPropertyBuilder().setName("fuzz").setProperty("memory_limit").setValue("1G");
        all.add(set);
        var getProperty = TContainerRequest.newBuilder();
        getProperty.getGetPropertyBuilder().setName("fuzz").setProperty("state");
        all.add(getProperty);
        var get = TContainerRequest.newBuilder();
        get.getGetBuilder().addName("fuzz").addName("/").addVariable("state").addVariable("stdout");
        all.add(get);
        var destroy = TContainerRequest.newBuilder();
        destroy.getDestroyBuilder().setName("fuzz");
        all.add(destroy);
        var properties = TContainerRequest.newBuilder();
        properties.getPropertyListBuilder();
        all.add(properties);
        List<String> hex = new ArrayList<>();
        for (var r : all)
            hex.add(HexFormat.of().formatHex(r.build().toByteArray()));
        return String.join(",", hex);
    }

    @Test
    void malformedFramesNeitherCrashNorRestartTheDaemon() throws Exception {
        long daemon = portod.daemonPid();
        PortodProcess.Run r = Users.run(Users.ALICE, List.of("/usr/bin/python3", script.toString(), portod.socket.toString(),
                Long.toString(SEED), Integer.toString(FRAMES), Integer.toString(SECONDS), validFrames()), Map.of());
        assertEquals(0, r.code(), r.err());
        System.out.println("fuzz: sent, answered, closed = " + r.out().strip());
        String[] counts = r.out().strip().split(" ");
        assertTrue(Integer.parseInt(counts[0]) >= 500, "too few frames sent in time: " + r.out());
        assertTrue(Integer.parseInt(counts[1]) > 0 && Integer.parseInt(counts[2]) > 0,
                "some frames are answered, some close their connection: " + r.out());
        assertEquals(daemon, portod.daemonPid(), "the daemon was restarted:\n" + portod.logText());
        assertFalse(portod.logText().contains("request handling broke"), portod.logText());
        client.version();
        ok("run", "after-fuzz", "command=true");
        ok("wait", "after-fuzz");
        ok("destroy", "after-fuzz");
    }
}

package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import porto.rpc.Rpc.EError;
import porto.rpc.Rpc.TContainerRequest;
import porto.rpc.Rpc.TContainerResponse;

/**
 * stdin_path=/dev/fd/N is descriptor N of the client process that connected, opened with its
 * rights, and only while its pid still names that process. The client here is a small Python
 * program run as porto-alice, which can do what portoctl cannot: hand its connection to another
 * process, exec a setuid program, or exit and leave its pid to someone else.
 */
class ClientDescriptorTest extends PortodTest {
    private static final String CLIENT = PythonClient.PRELUDE + """
            mode, path = sys.argv[1], sys.argv[2]
            if mode == 'setuid':
                # Connect, then exec a setuid-root program (this pid) that opens a secret as fd 3;
                # a child keeps the connection and asks for /dev/fd/3.
                program, secret, frames = sys.argv[3:6]
                s = socket.socket(socket.AF_UNIX); s.connect(path)
                ready_r, ready_w = os.pipe(); hold_r, hold_w = os.pipe()
                if os.fork() == 0:
                    os.close(ready_w); os.close(hold_r)
                    os.read(ready_r, 1)
                    requests(s, frames)
                    os._exit(0)
                os.close(ready_r); os.close(hold_w)
                os.dup2(ready_w, 8); os.dup2(hold_r, 9)
                os.execv(program, [program, '-p', '-c', 'exec 3<"$0"; echo >&8; exec 8>&-; read -r -u 9 x; exit 0', secret])
            elif mode == 'gone':
                # A child connects, hands the connection over and exits: its pid is free for anyone.
                frames = sys.argv[3]
                a, b = socket.socketpair()
                child = os.fork()
                if child == 0:
                    s = socket.socket(socket.AF_UNIX); s.connect(path)
                    socket.send_fds(a, [b'x'], [s.fileno()])
                    os._exit(0)
                _, fds, _, _ = socket.recv_fds(b, 1, 1)
                s = socket.socket(fileno=fds[0])
                os.waitpid(child, 0)
                print(child, flush=True)
                sys.stdin.readline()
                requests(s, frames)
            elif mode == 'take-pid':
                # As root: a process with exactly this pid (clone3 set_tid), which becomes the user
                # and holds the decoy as fd 3 until its standard input closes.
                import ctypes
                pid, uid, gid, decoy = int(path), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
                libc = ctypes.CDLL(None, use_errno=True)
                tid = (ctypes.c_int * 1)(pid)
                args = (ctypes.c_uint64 * 11)(0, 0, 0, 0, 17, 0, 0, 0, ctypes.addressof(tid), 1, 0)
                r = libc.syscall(435, ctypes.byref(args), ctypes.c_size_t(88))
                if r == 0:
                    os.setgroups([]); os.setgid(gid); os.setuid(uid)
                    os.execv('/bin/sh', ['/bin/sh', '-c', 'exec 3<"$0"; read x', decoy])
                print('ok' if r == pid else 'clone3: %d %d' % (r, ctypes.get_errno()), flush=True)
                sys.stdin.read() # the holder lives while our standard input is open
                os.waitpid(pid, 0)
            """;

    private static Path script;

    @BeforeAll
    static void files() throws Exception {
        Users.ensure();
        script = PythonClient.script("client.py", CLIENT);
    }

    @AfterAll
    static void cleanUp() throws Exception {
        PythonClient.remove(script);
    }

    /** Create, stdin_path=/dev/fd/3, command=cat, start: as hex frames. */
    private static String frames(String name) {
        List<String> out = new ArrayList<>();
        HexFormat hex = HexFormat.of();
        var create = TContainerRequest.newBuilder();
        create.getCreateBuilder().setName(name);
        var stdin = TContainerRequest.newBuilder();
        stdin.getSetPropertyBuilder().setName(name).setProperty("stdin_path").setValue("/dev/fd/3");
        var command = TContainerRequest.newBuilder();
        command.getSetPropertyBuilder().setName(name).setProperty("command").setValue("cat");
        var start = TContainerRequest.newBuilder();
        start.getStartBuilder().setName(name);
        for (var r : List.of(create, stdin, command, start))
            out.add(hex.formatHex(r.build().toByteArray()));
        return String.join(",", out);
    }

    private static List<EError> errors(List<String> lines) throws Exception {
        List<EError> out = new ArrayList<>();
        for (String line : lines)
            if (!line.isBlank())
                out.add(TContainerResponse.parseFrom(HexFormat.of().parseHex(line.strip())).getError());
        return out;
    }

    /** The answers as text, for failure messages. */
    private static String text(List<String> lines) throws Exception {
        StringBuilder out = new StringBuilder();
        for (String line : lines)
            if (!line.isBlank()) {
                var r = TContainerResponse.parseFrom(HexFormat.of().parseHex(line.strip()));
                out.append(r.getError()).append(' ').append(r.getErrorMsg()).append('\n');
            }
        return out.toString();
    }

    @Test
    void aClientThatExecsASetuidProgramLendsNoneOfItsDescriptors() throws Exception {
        Path secret = script.resolveSibling("secret");
        Files.writeString(secret, "SECRET\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Path program = script.resolveSibling("suid-bash");
        Files.copy(Path.of("/bin/bash"), program);
        Files.setAttribute(program, "unix:mode", 04755);
        PortodProcess.Run r = Users.run(Users.ALICE, List.of("/usr/bin/python3", script.toString(), "setuid",
                portod.socket.toString(), program.toString(), secret.toString(), frames("suid")), portod.env());
        assertEquals(0, r.code(), r.err());
        List<EError> answers = errors(r.out().lines().toList());
        assertEquals(List.of(EError.Success, EError.Success, EError.Success), answers.subList(0, 3), r.out());
        assertNotEquals(EError.Success, answers.get(3), "start must not open the setuid program's descriptor");
        System.out.println("setuid client: " + text(r.out().lines().toList()));
        // The refused start left it stopped, and a stopped container has no output to read (as upstream).
        assertEquals("stopped", get("suid", "state"));
        fails("InvalidState", "get", "suid", "stdout");
        ok("destroy", "suid");
    }

    @Test
    void aPidReusedAfterTheClientLeftIsNotTheClient() throws Exception {
        Path decoy = script.resolveSibling("decoy");
        Files.writeString(decoy, "DECOY\n");
        Files.setAttribute(decoy, "unix:uid", Users.uid(Users.ALICE));
        Process client = new ProcessBuilder(Users.as(Users.ALICE, List.of("/usr/bin/python3", script.toString(), "gone",
                portod.socket.toString(), frames("reused")))).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Process holder = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
             OutputStream in = client.getOutputStream()) {
            String pid = out.readLine();
            // Another process of the same user now has the pid the client connected from.
            holder = new ProcessBuilder("/usr/bin/python3", script.toString(), "take-pid", pid,
                    Integer.toString(Users.uid(Users.ALICE)), Integer.toString(Users.gid(Users.ALICE)), decoy.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String took = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertEquals("ok", took, "could not give pid " + pid + " to another process");
            awaitDescriptor(Integer.parseInt(pid), decoy);
            PortodProcess.Run direct = Users.run(Users.ALICE, List.of("cat", "/proc/" + pid + "/fd/3"), java.util.Map.of());
            assertEquals("DECOY\n", direct.out(), "alice herself can read the holder's descriptor: " + direct.err());
            in.write("go\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            List<String> lines = new ArrayList<>();
            for (String line; (line = out.readLine()) != null; )
                lines.add(line);
            List<EError> answers = errors(lines);
            assertEquals(List.of(EError.Success, EError.Success, EError.Success), answers.subList(0, 3), lines.toString());
            assertNotEquals(EError.Success, answers.get(3), "start must not open the descriptor of another process with the pid");
            System.out.println("reused pid: " + text(lines));
            assertEquals("stopped", get("reused", "state"));
            fails("InvalidState", "get", "reused", "stdout");
        } finally {
            client.destroyForcibly();
            client.waitFor(10, TimeUnit.SECONDS);
            if (holder != null) {
                holder.getOutputStream().close();
                holder.waitFor(10, TimeUnit.SECONDS);
            }
        }
        ok("destroy", "reused");
    }

    /** The launcher itself checks the start time (the daemon's check comes before it, racing with pid reuse). */
    @Test
    void theLauncherOpensNoDescriptorOfAProcessThatStartedAtAnotherTime() throws Exception {
        long self = ProcessHandle.current().pid();
        String stat = Files.readString(Path.of("/proc/" + self + "/stat"));
        long startTime = Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19]);
        assertEquals("error 3 No such process: client process " + self + " is gone (its pid may name another process now)",
                launch("client_pid=" + self + " " + (startTime + 1), "stdin=/proc/" + self + "/fd/0", "cwd=/", "arg=/bin/true"));
        String ok = launch("client_pid=" + self + " " + startTime, "stdin=/proc/" + self + "/fd/0", "cwd=/", "arg=/bin/true");
        assertEquals("ok", ok.split(" ")[0], ok);
    }

    private static String launch(String... records) throws Exception {
        Process p = new ProcessBuilder(PortodProcess.nativeBinary().toString(), "launch").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (OutputStream in = p.getOutputStream()) {
            for (String r : records) {
                in.write(r.getBytes(StandardCharsets.UTF_8));
                in.write(0);
            }
        }
        String answer = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        return answer;
    }

    /** Waits until process {@code pid} holds {@code file} as descriptor 3. */
    private static void awaitDescriptor(int pid, Path file) throws Exception {
        Path fd = Path.of("/proc/" + pid + "/fd/3");
        for (int i = 0; i < 500; i++) {
            try {
                if (Files.readSymbolicLink(fd).equals(file))
                    return;
            } catch (java.io.IOException e) {
                // not yet
            }
            Thread.sleep(10);
        }
        throw new AssertionError("process " + pid + " never opened " + file);
    }
}

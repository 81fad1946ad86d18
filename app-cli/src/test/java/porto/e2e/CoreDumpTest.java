package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import porto.client.PortoClient;

/**
 * core_command on the real kernel: a private portod with {@code core { enable: true }} points
 * kernel.core_pattern at its own "portod core", which hands a crashed container's core dump to the
 * container's core_command; the host's pattern is put back when the daemon stops. The host's
 * pattern is global, so this test also puts it back itself on every way out (finally, and a
 * shutdown hook should the JVM be stopped meanwhile).
 */
class CoreDumpTest {
    private static final Path PATTERN = Path.of("/proc/sys/kernel/core_pattern");
    private static final Path PIPE_LIMIT = Path.of("/proc/sys/kernel/core_pipe_limit");

    @Test
    void aCrashedContainersCoreReachesItsCoreCommand() throws Exception {
        Prerequisites.check();
        String hostPattern = Files.readString(PATTERN).strip();
        String hostPipeLimit = Files.readString(PIPE_LIMIT).strip();
        Thread restore = new Thread(() -> restore(hostPattern, hostPipeLimit));
        Runtime.getRuntime().addShutdownHook(restore);
        Path dir = Files.createTempDirectory("porto-core-test");
        Path conf = dir.resolve("portod.conf");
        Files.writeString(conf, "core { enable: true timeout_s: 60 }\n");
        try {
            try (PortodProcess p = PortodProcess.start(Map.of("PORTO_CONFIG", conf.toString()));
                 PortoClient c = p.client()) {
                String pattern = Files.readString(PATTERN).strip();
                assertEquals("|" + p.socket.getParent().resolve("portod-core") + " core %P %I %p %i %s %d %c %u %g", pattern);
                assertFalse(Files.readString(PIPE_LIMIT).strip().equals("0"), "the kernel waits for the helper");

                c.create("crash");
                c.setProperty("crash", "isolate", "false"); // pid 1 of a namespace cannot signal itself to death
                c.setProperty("crash", "ulimit", "core: unlimited unlimited");
                c.setProperty("crash", "command", "sh -c 'kill -SEGV $$'");
                c.setProperty("crash", "core_command", "sh -c 'env > " + dir + "/env; cat > " + dir + "/core'");
                c.create("crash/child");
                assertEquals(c.getProperty("crash", "core_command"), c.getProperty("crash/child", "core_command"), "inherited");
                c.start("crash");
                p.awaitState("crash", "dead", Duration.ofSeconds(90));

                assertEquals("true", c.getProperty("crash", "core_dumped"), p.logText());
                int status = Integer.parseInt(c.getProperty("crash", "exit_status"));
                assertEquals(11, status & 0x7f);
                assertTrue((status & 0x80) != 0, "the core bit of " + status);
                byte[] core = Files.readAllBytes(dir.resolve("core"));
                assertTrue(core.length > 64, "a core of " + core.length + " bytes");
                assertEquals(0x7f, core[0]);
                assertEquals("ELF", new String(core, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
                assertEquals(4, core[16] | core[17] << 8, "ET_CORE");
                String env = Files.readString(dir.resolve("env"));
                for (String v : List.of("CORE_SIG=11", "CORE_CONTAINER=crash", "CORE_EXE_NAME=dash", "CORE_TASK_NAME=sh", "CORE_PID=",
                        "CORE_TID=", "CORE_DUMPABLE=1", "CORE_OWNER_UID=0", "CORE_OWNER_GID=0", "CORE_ULIMIT=18446744073709551615", "CORE_DATETIME="))
                    assertTrue(env.contains(v), v + " in\n" + env);
                assertEquals("1", c.getProperty("crash", "CORE.total"));
                assertEquals("1", c.getProperty("crash", "CORE.dumped"));
                assertEquals(List.of("crash", "crash/child"), c.list().stream().sorted().toList(), "the core container is gone");
                c.destroy("crash");

                // A task of another user: its core_command runs as that user, and reads the core through /dev/fd/0.
                Users.ensure();
                Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
                Path alices = Files.createDirectory(dir.resolve("alice"));
                Files.setPosixFilePermissions(alices, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
                c.create("alice");
                c.setProperty("alice", "isolate", "false");
                c.setProperty("alice", "user", Users.ALICE);
                c.setProperty("alice", "owner_user", Users.ALICE);
                c.setProperty("alice", "cwd", alices.toString());
                c.setProperty("alice", "ulimit", "core: unlimited unlimited");
                c.setProperty("alice", "command", "sh -c 'kill -SEGV $$'");
                c.setProperty("alice", "core_command", "sh -c 'echo $CORE_OWNER_UID > owner; cat > core'");
                c.start("alice");
                p.awaitState("alice", "dead", Duration.ofSeconds(90));
                assertEquals("true", c.getProperty("alice", "core_dumped"), p.logText());
                Path aliceCore = alices.resolve("core");
                assertTrue(Files.exists(aliceCore), p.logText());
                assertEquals(Users.uid(Users.ALICE), Files.getAttribute(aliceCore, "unix:uid"), "written by the command, as alice");
                assertEquals("ELF", new String(Files.readAllBytes(aliceCore), 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
                assertEquals(Integer.toString(Users.uid(Users.ALICE)), Files.readString(alices.resolve("owner")).strip());

                // Run by hand, as no kernel would: upstream's answer.
                PortodProcess.Run r = p.portodCommand("core");
                assertEquals(1, r.code());
                assertTrue(r.err().contains("should be executed via sysctl kernel.core_pattern"), r.err());
            }
            assertEquals(hostPattern, Files.readString(PATTERN).strip(), "the daemon put the host's pattern back");
            assertEquals(hostPipeLimit, Files.readString(PIPE_LIMIT).strip());
        } finally {
            restore(hostPattern, hostPipeLimit);
            Runtime.getRuntime().removeShutdownHook(restore);
            PortodProcess.deleteTree(dir);
        }
    }

    @Test
    void aCoreNobodyTakesIsSavedByTheDefaultPatternOrIgnoredWithoutUlimit() throws Exception {
        Prerequisites.check();
        String hostPattern = Files.readString(PATTERN).strip();
        String hostPipeLimit = Files.readString(PIPE_LIMIT).strip();
        Thread restore = new Thread(() -> restore(hostPattern, hostPipeLimit));
        Runtime.getRuntime().addShutdownHook(restore);
        Path dir = Files.createTempDirectory("porto-core-test");
        Path conf = dir.resolve("portod.conf");
        Path saved = Files.createDirectory(dir.resolve("saved"));
        Files.writeString(conf, "core { enable: true default_pattern: \"" + saved + "/core\" }\n");
        try {
            try (PortodProcess p = PortodProcess.start(Map.of("PORTO_CONFIG", conf.toString()));
                 PortoClient c = p.client()) {
                assertTrue(Files.readString(PATTERN).strip().endsWith(" %g " + saved + "/core"), Files.readString(PATTERN));
                c.create("a");
                c.setProperty("a", "isolate", "false");
                c.setProperty("a", "command", "sh -c 'kill -ABRT $$'");
                // The default ulimit (core: 0): the helper drops the core without reading it.
                c.start("a");
                p.awaitState("a", "dead", Duration.ofSeconds(90));
                assertEquals("1", c.getProperty("a", "CORE.total"));
                assertTrue(p.logText().contains("ignored: core of a (ulimit 0, dumpable 1)"), p.logText());
                assertEquals(List.of(), names(saved));
                c.stop("a");
                c.setProperty("a", "ulimit", "core: unlimited unlimited");
                c.start("a");
                p.awaitState("a", "dead", Duration.ofSeconds(90));
                assertEquals("true", c.getProperty("a", "core_dumped"), p.logText());
                List<String> files = names(saved);
                assertEquals(1, files.size(), files.toString());
                assertTrue(files.get(0).matches("a%dash\\.[0-9]+\\.S6\\.[0-9]{8}T[0-9]{6}\\.core"), files.get(0));
                byte[] core = Files.readAllBytes(saved.resolve(files.get(0)));
                assertEquals("ELF", new String(core, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
                assertEquals("2", c.getProperty("a", "CORE.total"));
                assertEquals("1", c.getProperty("a", "CORE.dumped"));
                // A reload keeps the pattern, and the host's one saved.
                String ours = Files.readString(PATTERN);
                PortodProcess.Run reload = p.portodCommand("reload");
                assertEquals(0, reload.code(), reload.err());
                assertEquals(ours, Files.readString(PATTERN));
                assertEquals(hostPattern + "\n" + hostPipeLimit + "\n", Files.readString(p.socket.getParent().resolve("portod-core.saved")));
                // portod shutdown: the daemon leaves on SIGTERM (as for a reload), the command puts the pattern back.
                PortodProcess.Run r = p.portodCommand("shutdown");
                assertEquals(0, r.code(), r.err());
                assertEquals(hostPattern, Files.readString(PATTERN).strip(), r.out() + r.err());
                assertEquals(hostPipeLimit, Files.readString(PIPE_LIMIT).strip());
            }
        } finally {
            restore(hostPattern, hostPipeLimit);
            Runtime.getRuntime().removeShutdownHook(restore);
            PortodProcess.deleteTree(dir);
        }
    }

    private static List<String> names(Path dir) throws Exception {
        try (var list = Files.list(dir)) {
            return list.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private static void restore(String pattern, String pipeLimit) {
        try {
            if (!Files.readString(PATTERN).strip().equals(pattern))
                Files.writeString(PATTERN, pattern + "\n");
            if (!Files.readString(PIPE_LIMIT).strip().equals(pipeLimit))
                Files.writeString(PIPE_LIMIT, pipeLimit + "\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

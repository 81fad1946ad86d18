package porto.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * "portod-native launch" fed bad records: each is refused with EINVAL and a message naming the
 * record, before anything is done (no root needed: nothing is started).
 */
class LaunchSpecErrorsTest {
    private static final String BINARY = System.getProperty("porto.native", "target/native/portod-native");

    /** The launcher's one-line answer to these raw spec bytes. */
    private static String answer(byte[] spec) throws Exception {
        Process p = new ProcessBuilder(Path.of(BINARY).toAbsolutePath().toString(), "launch")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (var in = p.getOutputStream()) {
            in.write(spec);
        } catch (java.io.IOException e) {
            // the launcher stopped reading at the first bad record: fine
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the launcher hangs");
        assertEquals(1, p.exitValue(), out);
        return out;
    }

    /** Records, each ended by a NUL. */
    private static byte[] records(String... records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String r : records) {
            out.writeBytes(r.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return out.toByteArray();
    }

    private static void refused(String message, String... records) throws Exception {
        assertEquals("error 22 Invalid argument: spec: " + message, answer(records(records)));
    }

    @Test
    void unknownKeys() throws Exception {
        refused("unknown key bogus", "cwd=/", "bogus=1", "arg=/bin/true");
        refused("a record without '=': uid", "uid", "arg=/bin/true");
    }

    @Test
    void numbersOutOfRange() throws Exception {
        refused("uid=4294967295: out of range", "uid=4294967295", "arg=/bin/true");
        refused("gid=99999999999999999999999: out of range", "gid=99999999999999999999999", "arg=/bin/true");
        refused("caps_bound=1ffffffffffffffff: out of range", "caps_bound=1ffffffffffffffff", "arg=/bin/true");
        refused("umask=10000: out of range", "umask=10000", "arg=/bin/true");
        refused("oom_score_adj=-1001: out of range", "oom_score_adj=-1001", "arg=/bin/true");
        refused("sched=0 0 20: out of range", "sched=0 0 20", "arg=/bin/true");
        refused("rlimit=99 1 1: out of range", "rlimit=99 1 1", "arg=/bin/true");
        refused("dev=c 1 3 1666 0 0 /dev/null: out of range", "dev=c 1 3 1666 0 0 /dev/null", "arg=/bin/true");
        refused("client_cred=1 2 3,4294967296: out of range", "client_cred=1 2 3,4294967296", "arg=/bin/true");
    }

    @Test
    void numbersThatAreNotPlainDigits() throws Exception {
        refused("uid=-1: not a number", "uid=-1", "arg=/bin/true");
        refused("uid= 1: not a number", "uid= 1", "arg=/bin/true");
        refused("uid=+1: not a number", "uid=+1", "arg=/bin/true");
        refused("uid=1x: not a number", "uid=1x", "arg=/bin/true");
        refused("umask=8: not a number", "umask=8", "arg=/bin/true");
        refused("groups=1,,2: a number is missing", "groups=1,,2", "arg=/bin/true");
    }

    @Test
    void missingValues() throws Exception {
        refused("uid=: a number is missing", "uid=", "arg=/bin/true");
        refused("cwd=: a path is missing", "cwd=", "arg=/bin/true");
        refused("proc=: want 0 or 1", "proc=", "arg=/bin/true");
        refused("bind=/a /b: want SOURCE<tab>TARGET<tab>ro|rw[<tab>opt]", "bind=/a\t/b", "arg=/bin/true");
        refused("rlimit=7 1: want RESOURCE SOFT HARD", "rlimit=7 1", "arg=/bin/true");
        refused("no arg records", "cwd=/");
    }

    @Test
    void nulsAndUnendedRecords() throws Exception {
        refused("an empty record (a NUL inside a value?)", "arg=/bin/true", "", "cwd=/");
        assertEquals("error 22 Invalid argument: spec: the last record is not ended by a NUL",
                answer("arg=/bin/true\0cwd=/".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void overlongValues() throws Exception {
        refused("cwd: a path longer than 4095 bytes", "cwd=/" + "a".repeat(5000), "arg=/bin/true");
        refused("arg: a value longer than 131071 bytes", "arg=" + "a".repeat(200_000));
        refused("hostname=" + "h".repeat(65) + ": want 1 to 64 bytes", "hostname=" + "h".repeat(65), "arg=/bin/true");
        byte[] huge = new byte[17 << 20];
        java.util.Arrays.fill(huge, (byte) 'a');
        assertEquals("error 22 Invalid argument: spec: longer than 16777216 bytes", answer(huge));
    }

    @Test
    void singleValuedKeysGivenTwice() throws Exception {
        refused("uid given twice", "uid=1", "uid=2", "arg=/bin/true");
        refused("unshare=pid,bogus: unknown namespace", "unshare=pid,bogus", "arg=/bin/true");
    }

    @Test
    void namespaceRecords() throws Exception {
        refused("uid_map=0 1000: want INSIDE OUTSIDE COUNT lines", "uid_map=0 1000", "gid_map=0 0 1", "arg=/bin/true");
        refused("uid_map=0 1000 0: a range out of bounds", "uid_map=0 1000 0", "gid_map=0 0 1", "arg=/bin/true");
        refused("gid_map=1 0 4294967295: a range out of bounds", "uid_map=0 0 1", "gid_map=1 0 4294967295", "arg=/bin/true");
        refused("uid_map=0 4294967296 1: out of range", "uid_map=0 4294967296 1", "arg=/bin/true");
        // The answer is one line: the map's newlines show as spaces.
        refused("uid_map=" + "0 0 1 ".repeat(340) + "0 0 1: more than 340 lines", "uid_map=" + "0 0 1\n".repeat(340) + "0 0 1",
                "arg=/bin/true");
        refused("a user namespace needs both uid_map and gid_map", "uid_map=0 1000 1", "arg=/bin/true");
        refused("setns_user with a new user namespace (uid_map)", "uid_map=0 0 1", "gid_map=0 0 1", "setns_user=/proc/1/ns/user",
                "arg=/bin/true");
        refused("unshare_on_exec=yes: want 0 or 1", "unshare_on_exec=yes", "arg=/bin/true");
        refused("cgroupfs=maybe: want ro or rw", "cgroupfs=maybe", "arg=/bin/true");
        refused("cgroupfs needs new cgroup and mount namespaces (unshare=...,cgroup,mnt)", "unshare=mnt", "cgroupfs=ro", "arg=/bin/true");
        refused("cgroupfs_mount without cgroupfs", "cgroupfs_mount=memory\tcgroup\tmemory", "arg=/bin/true");
        refused("cgroupfs_mount=memory cgroup: want NAME<tab>cgroup|cgroup2<tab>OPTIONS[<tab>ro]", "cgroupfs_mount=memory\tcgroup",
                "arg=/bin/true");
        refused("cgroupfs_mount=memory ext4 : want NAME<tab>cgroup|cgroup2<tab>OPTIONS[<tab>ro]", "cgroupfs_mount=memory\text4\t",
                "arg=/bin/true");
        refused("cgroupfs_mount=memory cgroup memory rw: want NAME<tab>cgroup|cgroup2<tab>OPTIONS[<tab>ro]",
                "cgroupfs_mount=memory\tcgroup\tmemory\trw", "arg=/bin/true");
        refused("cgroupfs_mount=../etc cgroup memory: the name must be one path component",
                "cgroupfs_mount=../etc\tcgroup\tmemory", "arg=/bin/true");
    }
}

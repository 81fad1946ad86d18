package porto.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import porto.ports.KernelException;
import porto.ports.LaunchSpec;

/** Opening as a user changes the rights of the one thread that opens, and only while it opens. */
class AsUserTest {
    private static final LaunchSpec.Cred NOBODY = new LaunchSpec.Cred(65534, 65534, List.of(65534));

    private static String statusOf(String threadName) throws Exception {
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList())
                if (Files.readString(t.resolve("comm")).strip().equals(threadName))
                    return Files.readString(t.resolve("status"));
        }
        throw new AssertionError("no thread " + threadName);
    }

    private static String line(String status, String key) {
        return status.lines().filter(l -> l.startsWith(key + ":")).findFirst().orElseThrow();
    }

    @Test
    void aFileTheUserMayNotReadIsRefusedAndEveryThreadKeepsTheDaemonsRights() throws Exception {
        assumeTrue(new com.sun.security.auth.module.UnixSystem().getUid() == 0, "changing credentials needs root");
        Path dir = Files.createTempDirectory("porto-asuser-");
        try {
            Path secret = dir.resolve("secret");
            Files.writeString(secret, "S");
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
            String before = Files.readString(Path.of("/proc/self/status"));
            int rc = AsUser.call(NOBODY, () -> Native.open(secret.toString(), 0));
            assertEquals(-13, rc, "nobody may not open a root file of mode 0600");
            int fd = AsUser.call(null, () -> Native.open(secret.toString(), 0));
            assertTrue(fd >= 0, "the daemon may");
            Native.close(fd);
            String after = Files.readString(Path.of("/proc/self/status"));
            for (String key : List.of("Uid", "Gid", "Groups", "CapEff"))
                assertEquals(line(before, key), line(after, key), key + " of the main thread");
            String worker = statusOf("porto-as-user");
            for (String key : List.of("Uid", "Gid", "Groups", "CapEff"))
                assertEquals(line(before, key), line(worker, key), key + " of the thread that acted as the user, afterwards");
        } finally {
            Files.walk(dir).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void credentialsThatCannotBeTakenRunNothing() {
        assumeTrue(new com.sun.security.auth.module.UnixSystem().getUid() == 0, "changing credentials needs root");
        // An absurd group count: setgroups fails, and the calls must not run with the daemon's rights.
        java.util.List<Integer> groups = new java.util.ArrayList<>();
        for (int i = 0; i < 70000; i++)
            groups.add(i);
        boolean[] ran = {false};
        KernelException e = org.junit.jupiter.api.Assertions.assertThrows(KernelException.class,
                () -> AsUser.call(new LaunchSpec.Cred(65534, 65534, groups), () -> {
                    ran[0] = true;
                    return 0;
                }));
        assertEquals(22, e.errno(), e.getMessage());
        assertTrue(!ran[0], "nothing ran");
    }
}

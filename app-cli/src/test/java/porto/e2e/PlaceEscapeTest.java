package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import porto.client.PortoClientException;
import porto.rpc.Rpc.EError;

/**
 * A container's working directory holds its children's; its task can plant links there. The
 * daemon must never create, chown, read or remove anything through such a link.
 */
class PlaceEscapeTest extends PortodTest {

    @Test
    void aLinkInAParentsDirectoryDoesNotRedirectAChildsDirectory() throws Exception {
        Path victim = Files.createTempDirectory("porto-victim-");
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rwx------"));
        Path precious = Files.writeString(victim.resolve("precious"), "keep me");
        try {
            client.create("esc");
            client.setProperty("esc", "command", "sleep 1000");
            client.start("esc");
            // What the task could do in its own working directory: point a name at a host directory.
            Files.createSymbolicLink(portod.place.resolve("esc").resolve("x"), victim);
            client.create("esc/x");
            client.setProperty("esc/x", "isolate", "false");
            client.create("esc/x/y");
            client.setProperty("esc/x/y", "command", "true");
            PortoClientException e = assertThrows(PortoClientException.class, () -> client.start("esc/x/y"));
            assertTrue(e.errorMessage().contains("symbolic link") || e.errorMessage().contains("cannot create"), e.getMessage());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(victim)), "the host directory is untouched");
            assertEquals(0, (int) Files.getAttribute(victim, "unix:uid"));
            assertTrue(!Files.exists(victim.resolve("y")), "nothing was made through the link");
            client.destroy("esc");
            assertEquals("keep me", Files.readString(precious), "destroy removed nothing through the link");
        } finally {
            PortodProcess.deleteTree(victim);
        }
    }

    @Test
    void aNulCannotSmuggleLauncherRecords() {
        client.create("nul");
        for (String p : List.of("command", "env", "cwd", "hostname")) {
            PortoClientException e = assertThrows(PortoClientException.class,
                    () -> client.setProperty("nul", p, "A=x\0uid=0\0caps_bound=ffffffffff"), p);
            assertEquals(EError.InvalidValue, e.error(), p);
        }
        client.destroy("nul");
    }

    @Test
    void aFifoWithoutReaderFailsTheStartInsteadOfHangingTheDaemon() throws Exception {
        Path dir = Files.createTempDirectory("porto-fifo-");
        Path fifo = dir.resolve("fifo");
        try {
            new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor();
            client.create("fifo");
            client.setProperty("fifo", "command", "true");
            client.setProperty("fifo", "stdout_path", fifo.toString());
            long t0 = System.nanoTime();
            PortoClientException e = assertThrows(PortoClientException.class, () -> client.start("fifo"));
            assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "refused at once");
            assertTrue(e.errorMessage().contains("No such device or address"), e.getMessage());
            assertEquals("stopped", client.getProperty("fifo", "state"));
            client.destroy("fifo");
        } finally {
            PortodProcess.deleteTree(dir);
        }
    }
}

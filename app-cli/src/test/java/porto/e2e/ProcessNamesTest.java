package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** ps, top and pgrep find the daemon and its master by name; the manual's FILES point at what runs. */
class ProcessNamesTest extends PortodTest {
    private static String comm(long pid) throws Exception {
        return Files.readString(Path.of("/proc/" + pid + "/comm")).strip();
    }

    @Test
    void theDaemonIsPortodAndItsMasterPortodMaster() throws Exception {
        assertEquals("portod", comm(portod.daemonPid()));
        assertEquals("portod-master", comm(portod.masterPid()));
    }

    @Test
    void portodBesideTheSocketLinksToTheRunningDaemonWithItsVersion() throws Exception {
        Path link = portod.socket.resolveSibling("portod");
        assertTrue(Files.isSymbolicLink(link), link + " is no link");
        assertTrue(Files.isExecutable(link), link + " -> " + Files.readSymbolicLink(link) + " runs nothing");
        String version = Files.readString(portod.socket.resolveSibling("portod.version")).strip();
        assertEquals(porto.protocol.Release.TAG + " " + porto.protocol.Release.REVISION, version);
    }
}

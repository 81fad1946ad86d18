package porto.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the end-to-end tests whose clients run inside containers: a portoctl script (this build's)
 * in a world-readable directory, so that a container's command can run it.
 */
abstract class PortoctlInsideTest extends PortodTest {
    static Path tools;
    /** The path of the script, for a container's command line. */
    static String portoctl;

    @BeforeAll
    static void writePortoctlScript() throws Exception {
        tools = Files.createTempDirectory("porto-inside-");
        Files.setPosixFilePermissions(tools, PosixFilePermissions.fromString("rwxr-xr-x"));
        portoctl = PortodProcess.portoctlScript(tools).toString();
    }

    @AfterAll
    static void deletePortoctlScript() throws Exception {
        if (tools != null)
            PortodProcess.deleteTree(tools);
    }
}

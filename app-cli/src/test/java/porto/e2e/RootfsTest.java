package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The roots the isolation tests run in work on a machine without busybox: host programs are copied
 * with their ELF interpreter and libraries, and a program the machine lacks stops the test with the
 * package that brings it.
 */
class RootfsTest extends PortodTest {
    @Test
    void hostProgramsRunInARootOfTheirOwn() throws Exception {
        try (Rootfs root = Rootfs.withHostPrograms("sh", "echo", "cat")) {
            Path sh = TestPackages.require("sh");
            assertTrue(!Rootfs.linkedFiles(sh).isEmpty(), "the host's sh is dynamically linked, so this checks the libraries");
            for (Path lib : Rootfs.linkedFiles(sh))
                assertTrue(Files.exists(root.resolve(lib.toString())), lib + " was copied into the root");
            root.write("/greeting", "hello from the root\n");
            assertEquals("hello from the root\nbuiltin-free", output("hostprogs",
                    "command=sh -c 'cat /greeting; /bin/echo builtin-free'", "root=" + root));
            ok("destroy", "hostprogs");
        }
    }

    @Test
    void aProgramTheMachineLacksNamesWhatToInstall() {
        String absent = "porto-no-such-program-" + ProcessHandle.current().pid();
        IllegalStateException listed = assertThrows(IllegalStateException.class, () -> TestPackages.require(absent));
        assertTrue(listed.getMessage().contains(absent) && listed.getMessage().contains("test-packages.txt"),
                listed.getMessage());
        assertEquals("busybox-static", TestPackages.packageOf("busybox").orElseThrow());
        assertTrue(TestPackages.advice("busybox").contains("install the Debian package busybox-static"));
    }

    @Test
    void aBuiltinIsNeverTakenForAProgram() {
        // "command -v echo" answers the shell's builtin "echo"; the lookup finds the file.
        assertTrue(TestPackages.require("echo").isAbsolute());
        assertTrue(TestPackages.locate("cd").isEmpty(), "cd exists only as a builtin");
    }
}

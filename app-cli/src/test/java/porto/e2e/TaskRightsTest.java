package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What a task may do is decided by its user's rights, not the daemon's: run as porto-alice. */
class TaskRightsTest extends PortodTest {

    @Test
    void aTaskDoesNotStartInADirectoryItsUserCannotEnter() throws Exception {
        Users.ensure();
        // /root is root's and 0700: alice may not enter it, so her task must not start there.
        String name = "alice-root-cwd";
        try {
            PortodProcess.Run made = Users.portoctl(portod, Users.ALICE, "create", name);
            assertEquals(0, made.code(), made.err());
            Users.portoctl(portod, Users.ALICE, "set", name, "command", "/bin/pwd");
            Users.portoctl(portod, Users.ALICE, "set", name, "cwd", "/root");
            PortodProcess.Run r = Users.portoctl(portod, Users.ALICE, "start", name);
            assertNotEquals(0, r.code(), () -> "alice's task started in /root: " + r.out() + "\nlog:\n" + portod.logText());
            assertTrue(r.err().contains("Permission"), r.err());
            assertTrue(r.err().contains("chdir(/root)"), () -> "the message names the step: " + r.err());
            assertNotEquals("running", client.getProperty(name, "state"));
            assertEquals("13", client.getProperty(name, "start_errno"));
        } finally {
            Users.portoctl(portod, Users.ALICE, "destroy", name);
        }
    }

    @Test
    void aTaskStartsInADirectoryItsUserCanEnter() throws Exception {
        Users.ensure();
        PortodProcess.Run r = Users.portoctl(portod, Users.ALICE, "run", "alice-tmp-cwd", "command=/bin/pwd", "cwd=/tmp");
        try {
            assertEquals(0, r.code(), () -> r.err() + "\nlog:\n" + portod.logText());
            Users.portoctl(portod, Users.ALICE, "wait", "alice-tmp-cwd");
            assertEquals("/tmp\n", client.getProperty("alice-tmp-cwd", "stdout"));
        } finally {
            Users.portoctl(portod, Users.ALICE, "destroy", "alice-tmp-cwd");
        }
    }
}

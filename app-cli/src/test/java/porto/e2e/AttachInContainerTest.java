package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * attachProcess and locateProcess from a client inside a container with its own pid namespace:
 * the pid it names is its namespace's, which the daemon translates to the host's (as upstream's
 * TranslatePid). portoctl (this build's) runs as the container's command.
 */
class AttachInContainerTest extends PortoctlInsideTest {
    @Test
    void pidsOfTheClientsNamespaceAreTranslated() throws Exception {
        String script = "sleep 1000 & P=$!; echo pid $P; "
                + portoctl + " run self/inner command=\"sleep 1000\" isolate=false; "
                + portoctl + " attach self/inner $P sleep; echo \"= $?\"; "
                + portoctl + " find $P sleep; echo \"= $?\"; kill $P";
        ok("run", "pidns", "isolate=true", "command=sh -c '" + script + "'", "env=PORTO_SOCKET=" + portod.socket);
        try {
            ok("wait", "pidns");
            String out = ok("get", "pidns", "stdout").out();
            String err = ok("get", "pidns", "stderr").out();
            String[] lines = out.split("\n");
            int innerPid = Integer.parseInt(lines[0].substring(4));
            assertTrue(innerPid < 100, "the shell's child has a pid of the container's namespace: " + out);
            assertEquals("= 0", lines[1], out + err);
            assertTrue(lines[2].endsWith("inner"), "found in the container it was attached to: " + out + err);
            assertEquals("= 0", lines[3], out + err);
        } finally {
            portod.portoctl("destroy", "pidns");
        }
    }
}

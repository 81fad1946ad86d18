package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * owner_containers as upstream: once set, only clients inside a listed container (or below one)
 * may change the container; clients on the host are not restricted. Driven by portoctl run as
 * the command of other containers.
 */
class OwnerContainersTest extends PortoctlInsideTest {
    /** Runs "portoctl ARGS; echo = $?" in a new container NAME; returns its stdout and stderr. */
    private static String[] inside(String name, String command) throws Exception {
        ok("run", name, "command=sh -c '" + portoctl + " " + command + "; echo \"= $?\"'", "env=PORTO_SOCKET=" + portod.socket);
        ok("wait", name);
        return new String[] {ok("get", name, "stdout").out(), ok("get", name, "stderr").out()};
    }

    @Test
    void onlyListedContainersMayWrite() throws Exception {
        ok("create", "guarded");
        ok("create", "friend");
        ok("set", "guarded", "owner_containers", "friend;/porto/missing-is-fine");
        assertEquals("friend;missing-is-fine", get("guarded", "owner_containers"));
        try {
            String[] kid = inside("friend/kid", "set /porto/guarded private from-kid");
            assertEquals("= 0\n", kid[0], kid[1]);
            assertEquals("from-kid", get("guarded", "private"), "a client below a listed container writes");

            String[] stranger = inside("stranger", "set /porto/guarded private from-stranger");
            assertEquals("= 11\n", stranger[0], "Permission: " + stranger[1]);
            assertTrue(stranger[1].contains("owner_containers"), stranger[1]);
            assertEquals("from-kid", get("guarded", "private"));

            ok("set", "guarded", "private", "from-host");
            assertEquals("from-host", get("guarded", "private"), "the host is never restricted");
            ok("set", "guarded", "owner_containers", "");
            String[] again = inside("stranger2", "set /porto/guarded private open-again");
            assertEquals("= 0\n", again[0], again[1]);
        } finally {
            for (String name : new String[] {"stranger2", "stranger", "friend", "guarded"})
                portod.portoctl("destroy", name);
        }
    }

    @Test
    void selfIsResolvedAsTheSettingClientNamesIt() throws Exception {
        String[] out = inside("setter", "set self owner_containers self");
        try {
            assertEquals("= 0\n", out[0], out[1]);
            assertEquals("setter", get("setter", "owner_containers"));
        } finally {
            portod.portoctl("destroy", "setter");
        }
    }
}

package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * net="L3 <name> <master>" through a real portod in a test namespace: the container's addresses
 * are announced (proxy ARP) on the host devices matching the master mask, here a second uplink
 * up1 (203.0.113.0/24), not on up0 whose network holds them; the outside reaches the container
 * through up1.
 */
class NetworkL3MasterTest extends NetWorldTest {
    private static final String ADDRESS = "198.51.100.61";

    /** A second uplink up1 to the outside, on another network. */
    @Override
    void prepareWorld() throws Exception {
        NetWorld.ip("-n", world.host, "link", "add", "up1", "type", "veth", "peer", "name", "eth1", "netns", world.outside);
        NetWorld.ip("-n", world.host, "addr", "add", "203.0.113.1/24", "dev", "up1");
        NetWorld.ip("-n", world.outside, "addr", "add", "203.0.113.2/24", "dev", "eth1");
        NetWorld.ip("-n", world.host, "link", "set", "up1", "up");
        NetWorld.ip("-n", world.outside, "link", "set", "eth1", "up");
        // The outside sends to the container over eth1 only: its ARP there must be answered by up1.
        NetWorld.ip("-n", world.outside, "route", "add", ADDRESS + "/32", "dev", "eth1");
    }

    private String proxies() throws Exception {
        return NetWorld.ip("-n", world.host, "neigh", "show", "proxy");
    }

    @Test
    void theMasterDeviceAnswersForTheContainer() throws Exception {
        ok("run", "m", "net=L3 eth0 up1", "ip=eth0 " + ADDRESS,
                "command=python3 " + world.server + " 7095 1 master " + ADDRESS);
        assertTrue(proxies().contains(ADDRESS + " dev up1"), proxies());
        assertFalse(proxies().contains(ADDRESS + " dev up0"), "only the master answers: " + proxies());
        String answer = NetWorld.in(world.outside, "timeout", "15", "python3", world.client.toString(), ADDRESS, "7095").strip();
        assertEquals("master 203.0.113.2", answer, "reached over up1, from the outside's eth1 address");
        ok("wait", "m");
        ok("destroy", "m");
        assertFalse(proxies().contains(ADDRESS), "the entry went with the container: " + proxies());
    }
}

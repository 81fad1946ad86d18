package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * net=tap through a real portod in a test namespace: the container shares the daemon's network,
 * where a persistent tap owned by the task's user is made, routed and announced on the uplink; the
 * stop removes all of it, and a clash leaves nothing behind.
 */
class NetworkTapTest extends NetWorldTest {
    @Override
    void prepareWorld() throws Exception {
        Users.ensure();
    }

    private String inHost(String... command) throws Exception {
        return NetWorld.in(world.host, command);
    }

    @Test
    void aTapIsMadeOwnedRoutedAndAnnouncedAndGoesAtStop() throws Exception {
        ok("run", "t", "net=tap ptap0", "ip=ptap0 198.51.100.40", "user=" + Users.ALICE, "group=" + Users.ALICE,
                "command=sh -c 'ip -o link show ptap0; sleep 1000'");
        String link = NetWorld.ip("-n", world.host, "-d", "-o", "link", "show", "ptap0");
        assertTrue(link.contains("tun type tap") && link.contains("persist on") && link.contains(",UP"), link);
        assertEquals(Integer.toString(Users.uid(Users.ALICE)), inHost("cat", "/sys/class/net/ptap0/owner").strip());
        assertEquals(Integer.toString(Users.gid(Users.ALICE)), inHost("cat", "/sys/class/net/ptap0/group").strip());
        assertTrue(NetWorld.ip("-n", world.host, "route", "show", "198.51.100.40").contains("dev ptap0"),
                NetWorld.ip("-n", world.host, "route"));
        assertTrue(NetWorld.ip("-n", world.host, "neigh", "show", "proxy").contains("198.51.100.40 dev up0"),
                NetWorld.ip("-n", world.host, "neigh", "show", "proxy"));
        Await.until("the task sees the tap (host network)", java.time.Duration.ofSeconds(20),
                () -> portod.portoctl("get", "t", "stdout").out().contains("ptap0"));

        ok("stop", "t");
        assertFalse(NetWorld.ip("-n", world.host, "-o", "link").contains("ptap0"), "the tap went with the stop");
        assertFalse(NetWorld.ip("-n", world.host, "neigh", "show", "proxy").contains("198.51.100.40"), "the proxy entry too");
        ok("destroy", "t");
    }

    @Test
    void aClashOrAMixedSpecIsRefusedAndLeavesNothing() throws Exception {
        PortodProcess.Run clash = portod.portoctl("run", "c", "net=tap ptap1; tap up0", "command=true");
        assertTrue(clash.code() != 0 && clash.err().contains("tap up0"), clash.err());
        assertFalse(NetWorld.ip("-n", world.host, "-o", "link").contains("ptap1"), "the first tap went again");
        ok("run", "first", "net=tap ptap3", "command=sleep 1000");
        PortodProcess.Run second = portod.portoctl("run", "second", "net=tap ptap3", "command=true");
        assertTrue(second.code() != 0 && second.err().contains("ResourceNotAvailable"), "a tap is not shared: " + second.err());
        ok("destroy", "first");
        assertFalse(NetWorld.ip("-n", world.host, "-o", "link").contains("ptap3"), "the first container's tap went at its destroy");
        PortodProcess.Run mixed = portod.portoctl("run", "m", "net=tap ptap2; L3 eth0", "command=true");
        assertTrue(mixed.code() != 0 && mixed.err().contains("InvalidValue") && mixed.err().contains("tap"), mixed.err());
        PortodProcess.Run longName = portod.portoctl("run", "l", "net=tap a-tap-name-too-long", "command=true");
        assertTrue(longName.code() != 0 && longName.err().contains("InvalidValue") && longName.err().contains("15 characters"), longName.err());
    }
}

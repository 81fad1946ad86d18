package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may do what with the network, through a real portod in a test namespace and portoctl run
 * as the non-root porto-alice: stealing a device and entering an ip-netns(8) namespace are for
 * root; below an ip_limit only L3 with addresses inside it starts.
 */
class NetworkPermissionsE2eTest extends NetWorldTest {
    @Override
    void prepareWorld() throws Exception {
        Users.ensure();
    }

    /** A parent p with an ip_limit, owned by alice (runs after the world and its daemon are up). */
    @BeforeEach
    void createLimitedParent() throws Exception {
        ok("create", "p");
        ok("set", "p", "ip_limit", "198.51.100.64/26");
        ok("set", "p", "owner_user", Users.ALICE);
        ok("set", "p", "owner_group", Users.ALICE);
    }

    private PortodProcess.Run asAlice(String... args) throws Exception {
        return Users.portoctl(portod, Users.ALICE, args);
    }

    private void refused(String name, String... props) throws Exception {
        String[] args = new String[props.length + 3];
        args[0] = "run";
        args[1] = name;
        System.arraycopy(props, 0, args, 2, props.length);
        args[args.length - 1] = "command=sleep 1000";
        PortodProcess.Run r = asAlice(args);
        assertTrue(r.code() != 0 && r.err().contains("Permission"), String.join(" ", args) + ": " + r.out() + r.err());
    }

    @Test
    void stealingAndForeignNamespacesAreForRoot() throws Exception {
        NetWorld.ip("-n", world.host, "link", "add", "st0", "type", "veth", "peer", "name", "st1");
        refused("p/thief", "net=steal st0");
        refused("p/guest", "net=netns " + world.outside);
        String links = NetWorld.ip("-n", world.host, "-o", "link");
        assertTrue(links.contains("st0"), "st0 stays on the host: " + links);
        assertFalse(links.contains("L3-"), links);
    }

    @Test
    void belowAnIpLimitOnlyAddressesInsideItStart() throws Exception {
        refused("p/outside", "net=L3 eth0", "ip=eth0 198.51.100.10");
        refused("p/nat", "net=NAT");
        refused("p/veth", "net=veth eth1 br0");
        assertFalse(NetWorld.ip("-n", world.host, "-o", "link").contains("L3-"), "a refused start made no device");

        PortodProcess.Run inside = asAlice("run", "p/inside", "net=L3 eth0", "ip=eth0 198.51.100.70", "command=sleep 1000");
        assertEquals(0, inside.code(), inside.err());
        assertEquals("running", ok("get", "p/inside", "state").line());
        assertTrue(NetWorld.ip("-n", world.host, "route", "show", "198.51.100.70").contains("dev L3-"),
                NetWorld.ip("-n", world.host, "route"));
        assertTrue(NetWorld.ip("-n", world.host, "neigh", "show", "proxy").contains("198.51.100.70 dev up0"));
        assertEquals(0, asAlice("destroy", "p/inside").code());
        assertFalse(NetWorld.ip("-n", world.host, "-o", "link").contains("L3-"), "its veth went with it");
    }
}

package porto.props;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import porto.domain.net.NetworkConfig;
import porto.ports.net.Network;

/** Which host devices the daemon leaves alone: unmanaged_device masks and unmanaged_group numbers. */
class NetworkConfigTest {
    private static Network.Link link(String name, int group) {
        return new Network.Link(7, name, "veth", 1500, "02:00:00:00:00:01", true, 0, group, Network.Stats.ZERO);
    }

    @Test
    void devicesAreUnmanagedByMaskOrByGroup() {
        NetworkConfig config = new NetworkConfig("", "", 0, List.of("eth?", "lo", "tap*"), List.of("5"), true, Map.of(), "");
        assertTrue(config.unmanaged(link("eth0", 0)));
        assertFalse(config.unmanaged(link("eth10", 0)), "? is one character");
        assertTrue(config.unmanaged(link("tap-anything", 0)));
        assertTrue(config.unmanaged(link("up0", 5)), "group 5 is unmanaged");
        assertFalse(config.unmanaged(link("up0", 0)));
        NetworkConfig byDefault = new NetworkConfig("", "", 0, List.of(), List.of("default"), true, Map.of(), "");
        assertTrue(byDefault.unmanaged(link("up0", 0)));
        assertFalse(byDefault.unmanaged(link("up0", 3)));
    }

    @Test
    void ipv6AddressesAreShownShort() throws Exception {
        for (String[] c : new String[][] {{"2001:db8:2:0:0:0:0:1", "2001:db8:2::1"}, {"::", "::"}, {"::1", "::1"},
                {"2001:db8:0:1:0:0:0:0", "2001:db8:0:1::"}, {"2001:db8:1:2:3:4:5:6", "2001:db8:1:2:3:4:5:6"},
                {"198.51.100.7", "198.51.100.7"}})
            org.junit.jupiter.api.Assertions.assertEquals(c[1], porto.domain.net.IpSpec.text(java.net.InetAddress.getByName(c[0])), c[0]);
    }
}

package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The other net options through a real portod in a test namespace: veth into a test bridge,
 * macvlan on a test parent, a stolen device (given back at stop), MTU and MAC, net=ip, another
 * container's namespace, an ip-netns(8) namespace, and the drivers this kernel lacks.
 */
class NetworkDevicesTest extends NetWorldTest {

    /** Runs a container to its end and returns its stdout. */
    private String output(String name, String... props) throws Exception {
        String[] args = new String[props.length + 2];
        args[0] = "run";
        args[1] = name;
        System.arraycopy(props, 0, args, 2, props.length);
        ok(args);
        ok("wait", name);
        String out = ok("get", name, "stdout").out().strip();
        String code = ok("get", name, "exit_code").line();
        ok("destroy", name);
        assertEquals("0", code, name + " printed: " + out);
        return out;
    }

    private String hostLinks() throws Exception {
        return NetWorld.ip("-n", world.host, "-o", "link");
    }

    @Test
    void aVethJoinsATestBridgeWithItsMtuAndMac() throws Exception {
        NetWorld.ip("-n", world.host, "link", "add", "br0", "type", "bridge");
        NetWorld.ip("-n", world.host, "addr", "add", "203.0.113.1/24", "dev", "br0");
        NetWorld.ip("-n", world.host, "link", "set", "br0", "up");
        world.spawn(world.host, "python3", world.server.toString(), "7070", "1", "bridge", "203.0.113.1");
        String out = output("v", "net=veth eth1 br0 1400 02:00:00:00:00:aa", "ip=eth1 203.0.113.5/24",
                "command=sh -c 'ip -o link show eth1; timeout 15 python3 " + world.client + " 203.0.113.1 7070'");
        assertTrue(out.contains("mtu 1400") && out.contains("02:00:00:00:00:aa"), out);
        assertTrue(out.endsWith("bridge 203.0.113.5"), "the bridge's host answered the container: " + out);
        assertFalse(hostLinks().contains("pv"), "the host's end went with the container: " + hostLinks());
    }

    @Test
    void aMacvlanOnATestParentReachesTheOtherSide() throws Exception {
        NetWorld.ip("-n", world.host, "link", "add", "mvp0", "type", "veth", "peer", "name", "mvp1", "netns", world.outside);
        NetWorld.ip("-n", world.host, "link", "set", "mvp0", "up");
        NetWorld.ip("-n", world.outside, "addr", "add", "203.0.113.21/24", "dev", "mvp1");
        NetWorld.ip("-n", world.outside, "link", "set", "mvp1", "up");
        world.spawn(world.outside, "python3", world.server.toString(), "7071", "1", "macvlan", "203.0.113.21");
        String out = output("m", "net=macvlan mvp0 mv0 bridge 1450", "ip=mv0 203.0.113.20/24",
                "command=sh -c 'ip -o link show mv0; timeout 15 python3 " + world.client + " 203.0.113.21 7071'");
        assertTrue(out.contains("mtu 1450") && out.contains("mv0@"), out);
        assertTrue(out.endsWith("macvlan 203.0.113.20"), out);
        assertFalse(hostLinks().contains("mv0"), hostLinks());
    }

    @Test
    void aStolenDeviceIsUsedAndGivenBack() throws Exception {
        NetWorld.ip("-n", world.host, "link", "add", "st0", "type", "veth", "peer", "name", "st1", "netns", world.outside);
        NetWorld.ip("-n", world.outside, "addr", "add", "203.0.113.31/24", "dev", "st1");
        NetWorld.ip("-n", world.outside, "link", "set", "st1", "up");
        world.spawn(world.outside, "python3", world.server.toString(), "7072", "1", "stolen", "203.0.113.31");
        String out = output("s", "net=steal st0", "ip=st0 203.0.113.30/24",
                "command=timeout 15 python3 " + world.client + " 203.0.113.31 7072");
        assertEquals("stolen 203.0.113.30", out);
        assertTrue(hostLinks().contains("st0"), "st0 is the host's again: " + hostLinks());
    }

    @Test
    void mtuMacAndIpCommandsApplyToTheContainersDevices() throws Exception {
        String out = output("l", "net=L3 eth0; MTU eth0 1300; MAC eth0 02:00:00:00:00:bb; ip addr add 203.0.113.77/32 dev eth0",
                "ip=eth0 198.51.100.12", "command=sh -c 'ip -o link show eth0; ip -o addr show eth0'");
        assertTrue(out.contains("mtu 1300") && out.contains("02:00:00:00:00:bb"), out);
        assertTrue(out.contains("203.0.113.77/32") && out.contains("198.51.100.12/32"), out);
    }

    @Test
    void containerAndNetnsShareANamespaceThatIsThere() throws Exception {
        ok("run", "holder", "net=L3 eth0", "ip=eth0 198.51.100.13", "command=sleep 1000");
        String out = output("guest", "net=container holder", "command=ip -o addr show eth0");
        assertTrue(out.contains("198.51.100.13"), out);

        String ns = "porto-e2e-n" + UUID.randomUUID().toString().substring(0, 6);
        NetWorld.ip("netns", "add", ns);
        try {
            NetWorld.ip("-n", ns, "link", "add", "nsdev0", "type", "veth", "peer", "name", "nsdev1");
            assertTrue(output("named", "net=netns " + ns, "command=ip -o link").contains("nsdev0"));
            PortodProcess.Run r = portod.portoctl("run", "missing", "net=netns no-such-ns-here", "command=true");
            assertTrue(r.code() != 0 && r.err().contains("no-such-ns-here"), r.err()); // run destroys what it could not start
        } finally {
            NetWorld.ip("netns", "del", ns);
        }
        ok("destroy", "holder");
    }

    @Test
    void driversThisKernelLacksAreNotSupported() throws Exception {
        NetWorld.ip("-n", world.host, "link", "add", "ivp0", "type", "veth", "peer", "name", "ivp1");
        for (String net : new String[] {"ipvlan ivp0 iv0", "ipvlan ivp0 iv0 l3 1400"}) {
            PortodProcess.Run r = portod.portoctl("run", "iv", "net=" + net, "command=true");
            assertTrue(r.code() != 0 && r.err().contains("NotSupported") && r.err().contains("ipvlan"), r.err());
        }
        assertFalse(hostLinks().contains("iv0"), hostLinks());
        PortodProcess.Run ipip6 = portod.portoctl("run", "tn", "net=ipip6 tnl0 2001:db8:2::2 2001:db8:2::1", "command=true");
        assertTrue(ipip6.code() != 0 && ipip6.err().contains("NotSupported") && ipip6.err().contains("ip6tnl"), ipip6.err());
        PortodProcess.Run v4End = portod.portoctl("run", "tn", "net=ipip6 tnl0 198.51.100.9 2001:db8:2::1", "command=true");
        assertTrue(v4End.code() != 0 && v4End.err().contains("InvalidValue") && v4End.err().contains("IPv6"), v4End.err());
        PortodProcess.Run missing = portod.portoctl("run", "nobr", "net=veth eth1 no-bridge", "command=true");
        assertTrue(missing.code() != 0 && missing.err().contains("no-bridge"), missing.err());
        assertFalse(hostLinks().contains("pv"), "a failed setup leaves no device: " + hostLinks());
    }
}

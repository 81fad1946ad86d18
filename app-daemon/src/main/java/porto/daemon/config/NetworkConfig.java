package porto.daemon.config;

import java.util.List;
import porto.config.PortodConfig.TConfig.TNetworkCfg;

/**
 * The {@code network} section of portod.conf, as the networking code reads it (upstream's names
 * and defaults). {@link #section} holds every field, for those not listed here.
 *
 * @param natFirstIpv4    first address NAT hands out, or empty
 * @param natFirstIpv6    first IPv6 address NAT hands out, or empty
 * @param natCount        how many addresses NAT may hand out (0: none configured)
 * @param unmanagedDevice host devices (masks with ? and *) the daemon never touches
 * @param unmanagedGroup  device groups (/etc/iproute2/group names) the daemon never touches
 * @param managedDevice   devices managed even when they match the unmanaged lists
 * @param proxyNdp        add proxy NDP entries for L3 addresses (upstream's default: true)
 * @param addrLabels      ip-addrlabel(8) entries: prefix and label
 * @param autoconfTimeoutS how long autoconf waits for an address, seconds (default 120)
 * @param l3DefaultMtu    mtu of an L3 veth (default 9000)
 */
public record NetworkConfig(String natFirstIpv4, String natFirstIpv6, int natCount, List<String> unmanagedDevice,
                            List<String> unmanagedGroup, List<String> managedDevice, boolean proxyNdp,
                            List<AddrLabel> addrLabels, int autoconfTimeoutS, int l3DefaultMtu, TNetworkCfg section) {

    public record AddrLabel(String prefix, int label) {}

    public NetworkConfig {
        unmanagedDevice = List.copyOf(unmanagedDevice);
        unmanagedGroup = List.copyOf(unmanagedGroup);
        managedDevice = List.copyOf(managedDevice);
        addrLabels = List.copyOf(addrLabels);
    }

    static NetworkConfig of(TNetworkCfg n) {
        return new NetworkConfig(n.getNatFirstIpv4(), n.getNatFirstIpv6(), n.getNatCount(), n.getUnmanagedDeviceList(),
                n.getUnmanagedGroupList(), n.getManagedDeviceList(), !n.hasProxyNdp() || n.getProxyNdp(),
                n.getAddrlabelList().stream().map(a -> new AddrLabel(a.getPrefix(), a.getLabel())).toList(),
                n.hasAutoconfTimeoutS() ? n.getAutoconfTimeoutS() : 120, n.hasL3DefaultMtu() ? n.getL3DefaultMtu() : 9000, n);
    }
}

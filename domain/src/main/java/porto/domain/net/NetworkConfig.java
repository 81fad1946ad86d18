package porto.domain.net;

import java.util.List;
import java.util.Map;

/**
 * The daemon's network settings, with upstream's meanings (portod.conf's {@code network} and
 * {@code container} sections).
 *
 * @param natFirstIpv4      first address NAT containers get ("" for none)
 * @param natFirstIpv6      first IPv6 address NAT containers get ("" for none)
 * @param natCount          how many addresses of each family the NAT range holds
 * @param unmanagedDevices  host devices (masks '?' and '*') the daemon never configures or proxies on
 * @param unmanagedGroups   device groups likewise left alone, by number (the daemon resolves names) or "default"
 * @param proxyNdp          whether L3 adds proxy neighbour entries on the host's interfaces
 * @param netSysctls        default network sysctls of a new namespace
 * @param defaultResolvConf resolv_conf of containers with a root that set none
 * @param autoconfTimeoutS  how long net=autoconf waits for a SLAAC address at start, seconds
 * @param addrLabels        IPv6 address labels (portod.conf's addrlabel) added in each namespace the daemon makes
 */
public record NetworkConfig(String natFirstIpv4, String natFirstIpv6, int natCount, List<String> unmanagedDevices,
                            List<String> unmanagedGroups, boolean proxyNdp, Map<String, String> netSysctls,
                            String defaultResolvConf, int autoconfTimeoutS, List<porto.ports.net.Network.AddrLabel> addrLabels) {
    /** Upstream's defaults: no NAT range, every device managed, proxy entries on, autoconf waits 120 s. */
    public static final NetworkConfig DEFAULT = new NetworkConfig("", "", 0, List.of(), List.of(), true, Map.of(), "");

    /** With upstream's autoconf_timeout_s, 120. */
    public NetworkConfig(String natFirstIpv4, String natFirstIpv6, int natCount, List<String> unmanagedDevices,
                         List<String> unmanagedGroups, boolean proxyNdp, Map<String, String> netSysctls, String defaultResolvConf) {
        this(natFirstIpv4, natFirstIpv6, natCount, unmanagedDevices, unmanagedGroups, proxyNdp, netSysctls, defaultResolvConf, 120);
    }

    /** Without address labels. */
    public NetworkConfig(String natFirstIpv4, String natFirstIpv6, int natCount, List<String> unmanagedDevices,
                         List<String> unmanagedGroups, boolean proxyNdp, Map<String, String> netSysctls, String defaultResolvConf,
                         int autoconfTimeoutS) {
        this(natFirstIpv4, natFirstIpv6, natCount, unmanagedDevices, unmanagedGroups, proxyNdp, netSysctls, defaultResolvConf,
                autoconfTimeoutS, List.of());
    }

    public NetworkConfig {
        unmanagedDevices = List.copyOf(unmanagedDevices);
        unmanagedGroups = List.copyOf(unmanagedGroups);
        netSysctls = Map.copyOf(netSysctls);
        addrLabels = List.copyOf(addrLabels);
    }

    /** Whether the host device is left alone: its name matches an unmanaged_device mask, or its group is an unmanaged_group. */
    public boolean unmanaged(porto.ports.net.Network.Link link) {
        for (String group : unmanagedGroups)
            if (group.equals(Integer.toString(link.group())) || (group.equals("default") && link.group() == 0))
                return true;
        return unmanaged(link.name());
    }

    /** Whether the host device {@code name} is left alone. */
    public boolean unmanaged(String name) {
        for (String mask : unmanagedDevices)
            if (NetMasks.matches(mask, name))
                return true;
        return false;
    }
}

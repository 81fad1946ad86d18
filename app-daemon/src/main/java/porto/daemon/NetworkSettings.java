package porto.daemon;

import java.util.List;
import java.util.Map;
import porto.daemon.config.ConfigException;
import porto.daemon.config.AddrLabels;
import porto.daemon.config.DeviceGroups;
import porto.ports.net.Network;
import porto.domain.net.NetworkConfig;

/**
 * The network settings: portod.conf's {@code network} section, each overridden by an environment
 * variable (or a system property of the same name) when one is set, as the other settings are; the
 * tests use them to mark devices unmanaged and choose a NAT range. PORTO_NET_UNMANAGED_DEVICES and
 * PORTO_NET_UNMANAGED_GROUPS are lists split at spaces or commas; groups are numbers or names of
 * /etc/iproute2/group (or /usr/share/iproute2/group), handed to the domain as numbers.
 */
final class NetworkSettings {
    private NetworkSettings() {}

    static NetworkConfig from(Map<String, String> env) {
        return from(env, null);
    }

    static NetworkConfig from(Map<String, String> env, porto.daemon.config.NetworkConfig file) {
        NetworkConfig d = file == null ? NetworkConfig.DEFAULT
                : new NetworkConfig(file.natFirstIpv4(), file.natFirstIpv6(), file.natCount(), file.unmanagedDevice(),
                        file.unmanagedGroup(), file.proxyNdp(), Map.of(), NetworkConfig.DEFAULT.defaultResolvConf(),
                        file.autoconfTimeoutS(), addrLabels(file.addrLabels()));
        return new NetworkConfig(get(env, "PORTO_NET_NAT_FIRST_IPV4", d.natFirstIpv4()),
                get(env, "PORTO_NET_NAT_FIRST_IPV6", d.natFirstIpv6()),
                Integer.parseInt(get(env, "PORTO_NET_NAT_COUNT", Integer.toString(d.natCount()))),
                listOr(get(env, "PORTO_NET_UNMANAGED_DEVICES", null), d.unmanagedDevices()),
                groupNumbers(listOr(get(env, "PORTO_NET_UNMANAGED_GROUPS", null), d.unmanagedGroups())),
                Boolean.parseBoolean(get(env, "PORTO_NET_PROXY_NDP", Boolean.toString(d.proxyNdp()))), d.netSysctls(),
                get(env, "PORTO_NET_RESOLV_CONF", d.defaultResolvConf()),
                Integer.parseInt(get(env, "PORTO_NET_AUTOCONF_TIMEOUT_S", Integer.toString(d.autoconfTimeoutS()))),
                d.addrLabels());
    }

    /** portod.conf's addrlabel entries as the port's labels (DaemonConfig checked the prefixes). */
    private static List<Network.AddrLabel> addrLabels(List<porto.daemon.config.NetworkConfig.AddrLabel> labels) {
        return labels.stream().map(l -> new Network.AddrLabel(AddrLabels.prefix(l.prefix()), l.label())).toList();
    }

    /** Group names of /etc/iproute2/group as numbers, which the domain compares with a link's group. */
    private static List<String> groupNumbers(List<String> groups) {
        if (groups.isEmpty())
            return groups;
        try {
            return DeviceGroups.host().numbers(groups);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static String get(Map<String, String> env, String name, String otherwise) {
        String v = env.get(name);
        return v != null ? v : System.getProperty(name, otherwise);
    }

    private static List<String> listOr(String text, List<String> otherwise) {
        if (text == null)
            return otherwise;
        return text.isBlank() ? List.of() : List.of(text.trim().split("[\\s,]+"));
    }
}

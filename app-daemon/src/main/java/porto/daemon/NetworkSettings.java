package porto.daemon;

import java.util.List;
import java.util.Map;
import porto.domain.net.NetworkConfig;

/**
 * The network settings until portod.conf is read: from the environment (or system properties of
 * the same name), so that tests can mark devices unmanaged and choose a NAT range.
 * PORTO_NET_UNMANAGED_DEVICES and PORTO_NET_UNMANAGED_GROUPS are lists split at spaces or commas;
 * groups are numbers or "default" (names of /etc/iproute2/group are not looked up yet).
 */
final class NetworkSettings {
    private NetworkSettings() {}

    static NetworkConfig fromEnvironment() {
        return from(System.getenv());
    }

    static NetworkConfig from(Map<String, String> env) {
        NetworkConfig d = NetworkConfig.DEFAULT;
        return new NetworkConfig(get(env, "PORTO_NET_NAT_FIRST_IPV4", d.natFirstIpv4()),
                get(env, "PORTO_NET_NAT_FIRST_IPV6", d.natFirstIpv6()),
                Integer.parseInt(get(env, "PORTO_NET_NAT_COUNT", Integer.toString(d.natCount()))),
                list(get(env, "PORTO_NET_UNMANAGED_DEVICES", "")), list(get(env, "PORTO_NET_UNMANAGED_GROUPS", "")),
                Boolean.parseBoolean(get(env, "PORTO_NET_PROXY_NDP", Boolean.toString(d.proxyNdp()))), Map.of(),
                get(env, "PORTO_NET_RESOLV_CONF", d.defaultResolvConf()));
    }

    private static String get(Map<String, String> env, String name, String otherwise) {
        String v = env.get(name);
        return v != null ? v : System.getProperty(name, otherwise);
    }

    private static List<String> list(String text) {
        return text.isBlank() ? List.of() : List.of(text.trim().split("[\\s,]+"));
    }
}

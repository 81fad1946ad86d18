package porto.domain.net;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import porto.domain.ErrorCode;
import porto.domain.PortoException;

/**
 * The {@code sysctl} property: "&lt;sysctl&gt;: &lt;value&gt;; ...", only sysctls that belong to a
 * network namespace (upstream's list of names, and the per-device and neighbour trees), written
 * into the container's own namespace at start after the config's defaults.
 */
public final class NetSysctls {
    private NetSysctls() {}

    private static final Set<String> NAMES = Set.of("net.core.somaxconn", "net.unix.max_dgram_qlen",
            "net.ipv4.fib_multipath_hash_policy", "net.ipv4.fib_multipath_use_neigh", "net.ipv4.fwmark_reflect",
            "net.ipv4.icmp_echo_ignore_all", "net.ipv4.icmp_echo_ignore_broadcasts", "net.ipv4.icmp_errors_use_inbound_ifaddr",
            "net.ipv4.icmp_ignore_bogus_error_responses", "net.ipv4.icmp_ratelimit", "net.ipv4.icmp_ratemask",
            "net.ipv4.igmp_link_local_mcast_reports", "net.ipv4.igmp_max_memberships", "net.ipv4.igmp_max_msf", "net.ipv4.igmp_qrv",
            "net.ipv4.ip_default_ttl", "net.ipv4.ip_dynaddr", "net.ipv4.ip_early_demux", "net.ipv4.ip_forward_use_pmtu",
            "net.ipv4.ip_local_port_range", "net.ipv4.ip_local_reserved_ports", "net.ipv4.ip_no_pmtu_disc", "net.ipv4.ip_nonlocal_bind",
            "net.ipv4.ip_unprivileged_port_start", "net.ipv4.ping_group_range", "net.ipv4.tcp_abort_on_overflow",
            "net.ipv4.tcp_adv_win_scale", "net.ipv4.tcp_app_win", "net.ipv4.tcp_autocorking", "net.ipv4.tcp_base_mss",
            "net.ipv4.tcp_challenge_ack_limit", "net.ipv4.tcp_dsack", "net.ipv4.tcp_early_demux", "net.ipv4.tcp_early_retrans",
            "net.ipv4.tcp_ecn", "net.ipv4.tcp_ecn_fallback", "net.ipv4.tcp_fack", "net.ipv4.tcp_fastopen",
            "net.ipv4.tcp_fastopen_blackhole_timeout_sec", "net.ipv4.tcp_fastopen_key", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_frto",
            "net.ipv4.tcp_fwmark_accept", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_keepalive_time",
            "net.ipv4.tcp_l3mdev_accept", "net.ipv4.tcp_max_syn_backlog", "net.ipv4.tcp_max_tw_buckets", "net.ipv4.tcp_mtu_probing",
            "net.ipv4.tcp_notsent_lowat", "net.ipv4.tcp_orphan_retries", "net.ipv4.tcp_probe_interval", "net.ipv4.tcp_probe_threshold",
            "net.ipv4.tcp_reordering", "net.ipv4.tcp_retries1", "net.ipv4.tcp_retries2", "net.ipv4.tcp_sack", "net.ipv4.tcp_syn_retries",
            "net.ipv4.tcp_synack_retries", "net.ipv4.tcp_syncookies", "net.ipv4.tcp_timestamps", "net.ipv4.tcp_tw_reuse",
            "net.ipv4.tcp_window_scaling", "net.ipv4.udp_early_demux", "net.ipv4.udp_l3mdev_accept", "net.ipv6.anycast_src_echo_reply",
            "net.ipv6.auto_flowlabels", "net.ipv6.bindv6only", "net.ipv6.flowlabel_consistency", "net.ipv6.flowlabel_reflect",
            "net.ipv6.flowlabel_state_ranges", "net.ipv6.fwmark_reflect", "net.ipv6.icmp.ratelimit", "net.ipv6.idgen_delay",
            "net.ipv6.idgen_retries", "net.ipv6.ip_nonlocal_bind", "net.ipv6.route.gc_elasticity", "net.ipv6.route.gc_interval",
            "net.ipv6.route.gc_min_interval", "net.ipv6.route.gc_min_interval_ms", "net.ipv6.route.gc_thresh", "net.ipv6.route.gc_timeout",
            "net.ipv6.route.max_size", "net.ipv6.route.min_adv_mss", "net.ipv6.route.mtu_expires");
    private static final String[] TREES = {"net.ipv4.conf.", "net.ipv6.conf.", "net.ipv4.neigh.", "net.ipv6.neigh."};

    public static boolean allowed(String key) {
        if (NAMES.contains(key))
            return true;
        for (String tree : TREES)
            if (key.startsWith(tree) && key.length() > tree.length() && !key.contains("..") && !key.contains("/"))
                return true;
        return false;
    }

    public static Map<String, String> parse(String text) throws PortoException {
        Map<String, String> out = new TreeMap<>();
        for (String part : text.split(";")) {
            String p = part.trim();
            if (p.isEmpty())
                continue;
            int colon = p.indexOf(':');
            if (colon <= 0)
                throw NetSpec.invalid("'" + p + "' is not '<sysctl>: <value>'");
            String key = p.substring(0, colon).trim(), value = p.substring(colon + 1).trim();
            if (!allowed(key))
                throw new PortoException(key.startsWith("kernel.") ? ErrorCode.NotSupported : ErrorCode.InvalidValue,
                        "sysctl " + key + " is not in the whitelist of network namespace sysctls" +
                                (key.startsWith("kernel.") ? " (ipc sysctls are not supported yet)" : ""));
            if (value.isEmpty() || value.contains("\n"))
                throw NetSpec.invalid("sysctl " + key + " has no value");
            out.put(key, value);
        }
        return Collections.unmodifiableMap(out);
    }

    public static String format(Map<String, String> sysctls) {
        StringBuilder b = new StringBuilder();
        sysctls.forEach((k, v) -> b.append(b.length() == 0 ? "" : "; ").append(k).append(": ").append(v));
        return b.toString();
    }
}

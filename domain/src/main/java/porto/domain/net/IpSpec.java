package porto.domain.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import porto.domain.PortoException;

/**
 * The {@code ip} ("&lt;interface&gt; &lt;ip&gt;[/&lt;prefix&gt;];...") and {@code default_gw}
 * ("&lt;interface&gt; &lt;ip&gt;;...") properties. Only numeric addresses are taken: a name would
 * need a lookup, which the domain never does.
 */
public final class IpSpec {
    private IpSpec() {}

    /** An address on an interface; prefix is 32/128 when none was given. */
    public record Entry(String device, InetAddress ip, int prefix) {
        public boolean v6() {
            return ip.getAddress().length == 16;
        }

        @Override
        public String toString() {
            return device + " " + text(ip) + "/" + prefix;
        }
    }

    public static List<Entry> parseAddresses(String text) throws PortoException {
        return parse(text, true);
    }

    public static List<Entry> parseGateways(String text) throws PortoException {
        return parse(text, false);
    }

    private static List<Entry> parse(String text, boolean prefixes) throws PortoException {
        List<Entry> out = new ArrayList<>();
        for (String part : text.split(";")) {
            String p = part.trim();
            if (p.isEmpty())
                continue;
            String[] words = p.split("\\s+");
            if (words.length != 2)
                throw NetSpec.invalid("'" + p + "' is not '<interface> <ip>" + (prefixes ? "[/<prefix>]" : "") + "'");
            String address = words[1];
            int prefix = -1;
            int slash = address.indexOf('/');
            if (slash >= 0) {
                if (!prefixes)
                    throw NetSpec.invalid("a gateway has no prefix: '" + p + "'");
                try {
                    prefix = Integer.parseInt(address.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw NetSpec.invalid("bad prefix in '" + p + "'");
                }
                address = address.substring(0, slash);
            }
            InetAddress ip = literal(address);
            int bits = ip.getAddress().length * 8;
            if (prefix < 0)
                prefix = bits;
            if (prefix > bits)
                throw NetSpec.invalid("prefix /" + prefix + " is longer than the address in '" + p + "'");
            out.add(new Entry(words[0], ip, prefix));
        }
        return List.copyOf(out);
    }

    /** A numeric IPv4 or IPv6 address, without any name lookup. */
    public static InetAddress literal(String text) throws PortoException {
        boolean v4 = text.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = text.contains(":") && text.matches("[0-9a-fA-F:.]+");
        if (!v4 && !v6)
            throw NetSpec.invalid("'" + text + "' is not an IP address");
        if (v4)
            for (String octet : text.split("\\."))
                if (Integer.parseInt(octet) > 255)
                    throw NetSpec.invalid("'" + text + "' is not an IP address");
        try {
            return InetAddress.getByName(text); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            throw NetSpec.invalid("'" + text + "' is not an IP address");
        }
    }

    public static String format(List<Entry> entries, boolean prefixes) {
        List<String> parts = new ArrayList<>();
        for (Entry e : entries)
            parts.add(e.device + " " + text(e.ip) + (prefixes && e.prefix != e.ip.getAddress().length * 8 ? "/" + e.prefix : ""));
        return String.join("; ", parts);
    }

    /** An address as people write it: IPv6 with its longest run of zero groups as "::" (RFC 5952). */
    public static String text(InetAddress ip) {
        String full = ip.getHostAddress();
        if (ip.getAddress().length == 4)
            return full;
        String[] groups = full.split(":");
        int bestStart = -1, bestLength = 1;
        for (int i = 0; i < groups.length; ) {
            int j = i;
            while (j < groups.length && groups[j].equals("0"))
                j++;
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        if (bestStart < 0)
            return full;
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail;
    }

    /** Whether {@code ip} lies in {@code network/prefix}. */
    public static boolean contains(InetAddress network, int prefix, InetAddress ip) {
        byte[] a = network.getAddress(), b = ip.getAddress();
        if (a.length != b.length)
            return false;
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >> (bit % 8);
            if ((a[bit / 8] & mask) != (b[bit / 8] & mask))
                return false;
        }
        return true;
    }
}

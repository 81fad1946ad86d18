package porto.daemon.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import porto.ports.net.Network;

/** portod.conf's {@code network { addrlabel { prefix label } }}: an IPv6 prefix "address/length". */
public final class AddrLabels {
    private AddrLabels() {}

    /** The prefix as the network port takes it; a text that is not an IPv6 prefix is refused with why. */
    public static Network.Address prefix(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        if (address.indexOf(':') < 0) // a literal only: never a name lookup
            throw new IllegalArgumentException("\"" + text + "\" is not an IPv6 prefix");
        InetAddress ip;
        try {
            ip = InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not an IPv6 prefix");
        }
        if (!(ip instanceof Inet6Address))
            throw new IllegalArgumentException("\"" + text + "\" is not an IPv6 prefix");
        int length;
        try {
            length = slash < 0 ? 128 : Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            length = -1;
        }
        if (length < 0 || length > 128)
            throw new IllegalArgumentException("\"" + text + "\": the prefix length must be 0 to 128");
        return new Network.Address(ip, length);
    }
}

package porto.linux.net;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import porto.ports.KernelException;

/**
 * NAT masquerade in one nftables table of ours, {@code inet porto}: a set of sources per family
 * and one rule each that masquerades them, made once; a NAT container adds or removes just its
 * address in the set. nft(8) is run for this (one short run per change) rather than speaking
 * nf_tables netlink, whose batches and expression encoding would be a codec of their own; the
 * table is never flushed, so other rules of the host stay as they are.
 */
final class NftMasquerade {
    private static final String TABLE = "inet porto";
    private static final Pattern ADDRESS = Pattern.compile("[0-9a-fA-F:.]+");

    private final String hostNs;
    private boolean ready;

    NftMasquerade(String hostNs) {
        this.hostNs = hostNs;
    }

    synchronized void add(InetAddress source) throws KernelException {
        ensureTable();
        nft("add element " + TABLE + " " + set(source) + " { " + source.getHostAddress() + " }\n");
    }

    synchronized void remove(InetAddress source) throws KernelException {
        if (!exists())
            return;
        if (list().contains(source))
            nft("delete element " + TABLE + " " + set(source) + " { " + source.getHostAddress() + " }\n");
    }

    synchronized List<InetAddress> list() throws KernelException {
        if (!exists())
            return List.of();
        List<InetAddress> out = new ArrayList<>();
        for (String set : List.of("nat4", "nat6")) {
            String text = nft("list set " + TABLE + " " + set + "\n");
            int open = text.indexOf("elements = {");
            if (open < 0)
                continue;
            String elements = text.substring(open + 12, text.indexOf('}', open));
            Matcher m = ADDRESS.matcher(elements);
            while (m.find())
                if (m.group().contains(".") || m.group().contains(":"))
                    out.add(Addresses.literal(m.group()));
        }
        return out;
    }

    private static String set(InetAddress a) {
        return a instanceof Inet6Address ? "nat6" : "nat4";
    }

    private boolean exists() throws KernelException {
        if (ready)
            return true;
        try {
            nft("list table " + TABLE + "\n");
            ready = true;
        } catch (KernelException e) {
            return false;
        }
        return true;
    }

    private void ensureTable() throws KernelException {
        if (exists())
            return;
        nft("table " + TABLE + " {\n"
                + " set nat4 { type ipv4_addr; }\n"
                + " set nat6 { type ipv6_addr; }\n"
                + " chain postrouting {\n"
                + "  type nat hook postrouting priority srcnat;\n"
                + "  ip saddr @nat4 oifname != \"L3-*\" masquerade\n"
                + "  ip6 saddr @nat6 oifname != \"L3-*\" masquerade\n"
                + " }\n"
                + "}\n");
        ready = true;
    }

    private String nft(String script) throws KernelException {
        List<String> cmd = new ArrayList<>();
        if (hostNs != null)
            cmd.addAll(List.of("nsenter", "--net=" + hostNs));
        cmd.addAll(List.of("nft", "-f", "-"));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new KernelException(110, "nft hangs");
            }
            if (p.exitValue() != 0)
                throw new KernelException(22, "nft: " + script.strip() + ": " + out.strip());
            return out;
        } catch (IOException e) {
            throw new KernelException(2, "cannot run nft (install nftables): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KernelException(4, "interrupted while running nft");
        }
    }

    /** Numeric addresses without lookups. */
    static final class Addresses {
        private Addresses() {}

        static InetAddress literal(String text) throws KernelException {
            try {
                return InetAddress.getByName(text);
            } catch (java.net.UnknownHostException e) {
                throw new KernelException(22, "nft printed '" + text + "', not an address");
            }
        }
    }
}

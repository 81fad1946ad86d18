package porto.linux.net;

import static porto.ports.Errno.*;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import porto.ports.KernelException;
import porto.ports.net.Network;

/**
 * {@link Network} over rtnetlink. Namespaces are files in {@code netnsDir} with a namespace
 * bind-mounted on each, so they outlive a daemon restart; "host" is the daemon's own namespace,
 * or the one of {@code hostNs} (tests give a scratch namespace, so the real host is never touched).
 */
public final class LinuxNetwork implements Network {
    private static final int AF_INET = 2, AF_INET6 = 10;
    private static final int IFF_UP = 1;
    private static final int IFLA_ADDRESS = 1, IFLA_IFNAME = 3, IFLA_MTU = 4, IFLA_MASTER = 10, IFLA_LINKINFO = 18;
    private static final int IFLA_GROUP = 27;
    private static final int IFLA_STATS64 = 23, IFLA_NET_NS_FD = 28, IFLA_INFO_KIND = 1, IFLA_INFO_DATA = 2, VETH_INFO_PEER = 1;
    private static final int IFA_ADDRESS = 1, IFA_LOCAL = 2, IFA_F_NODAD = 0x02;
    private static final int RTA_DST = 1, RTA_OIF = 4, RTA_GATEWAY = 5, RTA_TABLE = 15;
    private static final int RT_TABLE_MAIN = 254, RTPROT_STATIC = 4, RT_SCOPE_UNIVERSE = 0, RT_SCOPE_LINK = 253, RTN_UNICAST = 1;
    /** A gateway on the link even where no address of the container covers it (an L3 /32). */
    private static final int RTNH_F_ONLINK = 4;
    private static final int NDA_DST = 1, NTF_PROXY = 0x08, NUD_PERMANENT = 0x80;

    private final Path netnsDir;
    private final String hostNs;
    private final NftMasquerade masquerade;

    public LinuxNetwork(Path netnsDir, String hostNs) {
        this.netnsDir = netnsDir;
        this.hostNs = hostNs;
        this.masquerade = new NftMasquerade(hostNs);
    }

    private String path(String ns) {
        return ns == null ? hostNs : namespacePath(ns);
    }

    private interface Call<T> {
        T run(NetlinkSocket s) throws KernelException;
    }

    private <T> T in(String ns, Call<T> call) throws KernelException {
        try (NetlinkSocket s = NetlinkSocket.open(path(ns))) {
            return call.run(s);
        }
    }

    private static String where(String ns) {
        return ns == null ? "host" : "netns " + ns;
    }

    // ---- namespaces ----

    @Override
    public void createNamespace(String name) throws KernelException {
        Path file = netnsDir.resolve(name);
        try {
            Files.createDirectories(netnsDir);
            Files.createFile(file);
        } catch (IOException e) {
            throw new KernelException(17, "cannot create " + file + ": " + e);
        }
        try {
            Namespaces.create(file.toString());
            setUp(name, "lo", 0, "");
        } catch (KernelException | RuntimeException e) {
            NetNative.umountDetach(file.toString());
            file.toFile().delete();
            throw e;
        }
    }

    @Override
    public void deleteNamespace(String name) throws KernelException {
        Path file = netnsDir.resolve(name);
        if (!Files.exists(file))
            return;
        // The kernel frees a namespace later, on a work queue; its devices (and so the host's
        // ends of its veth pairs) are removed here first, so that they are gone when this returns.
        try {
            for (Link l : links(name))
                if (!l.name().equals("lo"))
                    try {
                        deleteLink(name, l.name());
                    } catch (KernelException e) {
                        if (e.errno() != ENODEV)
                            throw e;
                    }
        } catch (KernelException e) {
            if (e.errno() != 22 && e.errno() != ENOENT) // not a namespace (a leftover file): removed below
                throw e;
        }
        int rc = NetNative.umountDetach(file.toString());
        if (rc < 0 && -rc != 22 && -rc != ENOENT) // EINVAL: not mounted
            throw new KernelException(-rc, "umount " + file);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new KernelException(16, "cannot remove " + file + ": " + e);
        }
    }

    @Override
    public List<String> namespaces() throws KernelException {
        if (!Files.isDirectory(netnsDir))
            return List.of();
        try (var files = Files.list(netnsDir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new KernelException(5, "cannot list " + netnsDir + ": " + e);
        }
    }

    @Override
    public String namespacePath(String name) {
        return netnsDir.resolve(name).toString();
    }

    // ---- links ----

    @Override
    public List<Link> links(String ns) throws KernelException {
        return in(ns, s -> readLinks(s, ns));
    }

    private static List<Link> readLinks(NetlinkSocket s, String ns) throws KernelException {
        List<Link> out = new ArrayList<>();
        var request = new Netlink.Request(Netlink.RTM_GETLINK, Netlink.NLM_F_DUMP).bytes(new byte[16]);
        for (Netlink.Message m : s.dump(request, "list links of " + where(ns))) {
            if (m.type() != Netlink.RTM_NEWLINK)
                continue;
            ByteBuffer b = m.body();
            Map<Integer, byte[]> a = m.attributes(16);
            String kind = "";
            if (a.containsKey(IFLA_LINKINFO)) {
                byte[] k = Netlink.attributes(a.get(IFLA_LINKINFO), 0).get(IFLA_INFO_KIND);
                kind = k == null ? "" : Netlink.string(k);
            }
            byte[] st = a.get(IFLA_STATS64);
            Stats stats = st == null || st.length < 96 ? Stats.ZERO : new Stats(Netlink.u64(st, 16), Netlink.u64(st, 0),
                    Netlink.u64(st, 48), Netlink.u64(st, 24), Netlink.u64(st, 8), Netlink.u64(st, 56),
                    Netlink.u64(st, 88) + Netlink.u64(st, 32)); // rx_over_errors + rx_errors
            out.add(new Link(b.getInt(4), Netlink.string(a.getOrDefault(IFLA_IFNAME, new byte[0])), kind,
                    a.containsKey(IFLA_MTU) ? Netlink.u32(a.get(IFLA_MTU)) : 0, mac(a.get(IFLA_ADDRESS)),
                    (b.getInt(8) & IFF_UP) != 0, a.containsKey(IFLA_MASTER) ? Netlink.u32(a.get(IFLA_MASTER)) : 0,
                    a.containsKey(IFLA_GROUP) ? Netlink.u32(a.get(IFLA_GROUP)) : 0, stats));
        }
        return out;
    }

    private static String mac(byte[] bytes) {
        if (bytes == null)
            return "";
        return HexFormat.ofDelimiter(":").formatHex(bytes);
    }

    private static int index(NetlinkSocket s, String ns, String name) throws KernelException {
        for (Link l : readLinks(s, ns))
            if (l.name().equals(name))
                return l.index();
        throw new KernelException(ENODEV, "no link " + name + " in " + where(ns));
    }

    @Override
    public void createVeth(String ns, String name, String peerNs, String peer, int mtu) throws KernelException {
        int peerFd = -1;
        if (!java.util.Objects.equals(ns, peerNs)) {
            String p = peerNs == null ? (hostNs == null ? "/proc/self/ns/net" : hostNs) : namespacePath(peerNs);
            peerFd = NetNative.open(p, NetNative.O_RDONLY);
            if (peerFd < 0)
                throw new KernelException(-peerFd, "open(" + p + ")");
        }
        try {
            var r = new Netlink.Request(Netlink.RTM_NEWLINK, Netlink.NLM_F_ACK | Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL)
                    .bytes(new byte[16]).attrString(IFLA_IFNAME, name);
            if (mtu > 0)
                r.attrU32(IFLA_MTU, mtu);
            r.begin(IFLA_LINKINFO).attrString(IFLA_INFO_KIND, "veth").begin(IFLA_INFO_DATA).begin(VETH_INFO_PEER)
                    .bytes(new byte[16]).attrString(IFLA_IFNAME, peer);
            if (mtu > 0)
                r.attrU32(IFLA_MTU, mtu);
            if (peerFd >= 0)
                r.attrU32(IFLA_NET_NS_FD, peerFd);
            r.end().end().end();
            in(ns, s -> {
                s.change(r, "create veth " + name + " in " + where(ns) + " with peer " + peer + " in " + where(peerNs));
                return null;
            });
        } finally {
            if (peerFd >= 0)
                NetNative.close(peerFd);
        }
    }

    private int nsFd(String target) throws KernelException {
        String p = target == null ? (hostNs == null ? "/proc/self/ns/net" : hostNs) : namespacePath(target);
        int fd = NetNative.open(p, NetNative.O_RDONLY);
        if (fd < 0)
            throw new KernelException(-fd, "open(" + p + ")");
        return fd;
    }

    private static final int IFLA_LINK = 5, IFLA_MACVLAN_MODE = 1, IFLA_IPVLAN_MODE = 1;

    @Override
    public void createLink(String ns, String name, String kind, String hostParent, String mode) throws KernelException {
        int fd = nsFd(ns);
        try {
            // Made from the host, where its parent is, straight into the container's namespace.
            int parent = in(null, s -> index(s, null, hostParent));
            var r = new Netlink.Request(Netlink.RTM_NEWLINK, Netlink.NLM_F_ACK | Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL)
                    .bytes(new byte[16]).attrString(IFLA_IFNAME, name).attrU32(IFLA_LINK, parent).attrU32(IFLA_NET_NS_FD, fd);
            r.begin(IFLA_LINKINFO).attrString(IFLA_INFO_KIND, kind);
            int modeValue = switch (kind + " " + mode) {
                case "macvlan private" -> 1;
                case "macvlan vepa" -> 2;
                case "macvlan bridge" -> 4;
                case "macvlan passthru" -> 8;
                case "ipvlan l2" -> 0;
                case "ipvlan l3" -> 1;
                default -> -1;
            };
            if (modeValue >= 0)
                r.begin(IFLA_INFO_DATA).attrU32(kind.equals("macvlan") ? IFLA_MACVLAN_MODE : IFLA_IPVLAN_MODE, modeValue).end();
            r.end();
            in(null, s -> {
                s.change(r, "create " + kind + " " + name + " on " + hostParent + " in " + where(ns));
                return null;
            });
        } finally {
            NetNative.close(fd);
        }
    }

    private static final int IFLA_IPTUN_LOCAL = 2, IFLA_IPTUN_REMOTE = 3, IFLA_IPTUN_PROTO = 9, IPPROTO_IPIP = 4;

    @Override
    public void createIpip6(String ns, String name, java.net.InetAddress remote, java.net.InetAddress local) throws KernelException {
        var r = new Netlink.Request(Netlink.RTM_NEWLINK, Netlink.NLM_F_ACK | Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL)
                .bytes(new byte[16]).attrString(IFLA_IFNAME, name);
        r.begin(IFLA_LINKINFO).attrString(IFLA_INFO_KIND, "ip6tnl").begin(IFLA_INFO_DATA)
                .attr(IFLA_IPTUN_LOCAL, local.getAddress()).attr(IFLA_IPTUN_REMOTE, remote.getAddress())
                .attr(IFLA_IPTUN_PROTO, new byte[] {IPPROTO_IPIP}).end().end();
        in(ns, s -> {
            s.change(r, "create ip6tnl " + name + " in " + where(ns));
            return null;
        });
    }

    @Override
    public void awaitAutoconf(String ns, String link, long timeoutMillis) throws KernelException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (true) {
            for (Address a : addresses(ns, link))
                if (a.ip() instanceof java.net.Inet6Address v6 && !v6.isLinkLocalAddress())
                    return;
            if (System.nanoTime() - deadline > 0)
                throw new KernelException(110, "no SLAAC address on " + link + " in " + where(ns) + " after "
                        + timeoutMillis / 1000 + " s (autoconf_timeout_s)");
            try {
                Thread.sleep(50); // a router advertisement comes when it comes: the kernel's address is polled
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KernelException(4, "interrupted while waiting for a SLAAC address on " + link);
            }
        }
    }

    @Override
    public void createTap(String name, int uid, int gid) throws KernelException {
        if (name.length() > 15)
            throw new KernelException(22, "tap name " + name + " is longer than 15 characters");
        Namespaces.Work<Void> make = () -> {
            int fd = NetNative.open("/dev/net/tun", NetNative.O_RDWR);
            if (fd < 0)
                throw new KernelException(-fd, "open(/dev/net/tun)");
            try {
                // Exclusive: an existing tap of that name is someone else's, not one to share.
                int rc = NetNative.tunSetIff(fd, name, (short) (NetNative.IFF_TAP | NetNative.IFF_NO_PI | NetNative.IFF_TUN_EXCL));
                if (rc == -16)
                    throw new KernelException(EEXIST, "create tap " + name + ": a tap of that name exists");
                check(rc, "create tap " + name);
                check(NetNative.ioctl(fd, NetNative.TUNSETOWNER, uid), "set the owner of tap " + name);
                check(NetNative.ioctl(fd, NetNative.TUNSETGROUP, gid), "set the group of tap " + name);
                check(NetNative.ioctl(fd, NetNative.TUNSETPERSIST, 1), "make tap " + name + " persistent");
            } finally {
                NetNative.close(fd); // persistent: the device outlives the file
            }
            return null;
        };
        // The device is made in the namespace of the thread that asks: the daemon's host one.
        String host = path(null);
        if (host == null)
            make.run();
        else
            Namespaces.inside(host, make);
        setUp(null, name, 0, "");
    }

    private static void check(int rc, String what) throws KernelException {
        if (rc < 0)
            throw new KernelException(-rc, what);
    }

    @Override
    public void setMaster(String ns, String name, String master) throws KernelException {
        in(ns, s -> {
            int index = index(s, ns, master);
            s.change(new Netlink.Request(Netlink.RTM_NEWLINK, Netlink.NLM_F_ACK).bytes(new byte[16]).attrString(IFLA_IFNAME, name)
                    .attrU32(IFLA_MASTER, index), "attach " + name + " to " + master + " in " + where(ns));
            return null;
        });
    }

    @Override
    public void moveLink(String ns, String name, String targetNs) throws KernelException {
        int fd = nsFd(targetNs);
        try {
            var r = new Netlink.Request(Netlink.RTM_NEWLINK, Netlink.NLM_F_ACK).bytes(new byte[16]).attrString(IFLA_IFNAME, name)
                    .attrU32(IFLA_NET_NS_FD, fd);
            in(ns, s -> {
                s.change(r, "move " + name + " from " + where(ns) + " to " + where(targetNs));
                return null;
            });
        } finally {
            NetNative.close(fd);
        }
    }

    @Override
    public void deleteLink(String ns, String name) throws KernelException {
        var r = new Netlink.Request(Netlink.RTM_DELLINK, Netlink.NLM_F_ACK).bytes(new byte[16]).attrString(IFLA_IFNAME, name);
        in(ns, s -> {
            s.change(r, "delete link " + name + " in " + where(ns));
            return null;
        });
    }

    @Override
    public void setUp(String ns, String name, int mtu, String mac) throws KernelException {
        byte[] header = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putInt(8, IFF_UP).putInt(12, IFF_UP).array();
        var r = new Netlink.Request(Netlink.RTM_NEWLINK, Netlink.NLM_F_ACK).bytes(header).attrString(IFLA_IFNAME, name);
        if (mtu > 0)
            r.attrU32(IFLA_MTU, mtu);
        if (!mac.isEmpty())
            r.attr(IFLA_ADDRESS, HexFormat.ofDelimiter(":").parseHex(mac.toLowerCase()));
        in(ns, s -> {
            s.change(r, "set up link " + name + " in " + where(ns));
            return null;
        });
    }

    // ---- addresses ----

    private static int family(InetAddress ip) {
        return ip instanceof Inet6Address ? AF_INET6 : AF_INET;
    }

    @Override
    public void addAddress(String ns, String link, Address address) throws KernelException {
        in(ns, s -> {
            int index = index(s, ns, link);
            byte[] ip = address.ip().getAddress();
            byte[] header = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).put((byte) family(address.ip()))
                    .put((byte) address.prefix()).put((byte) IFA_F_NODAD).put((byte) 0).putInt(index).array();
            var r = new Netlink.Request(Netlink.RTM_NEWADDR, Netlink.NLM_F_ACK | Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL)
                    .bytes(header).attr(IFA_LOCAL, ip).attr(IFA_ADDRESS, ip);
            s.change(r, "add address " + address + " to " + link + " in " + where(ns));
            return null;
        });
    }

    @Override
    public List<Address> addresses(String ns, String link) throws KernelException {
        return in(ns, s -> {
            int index = index(s, ns, link);
            List<Address> out = new ArrayList<>();
            var r = new Netlink.Request(Netlink.RTM_GETADDR, Netlink.NLM_F_DUMP).bytes(new byte[8]);
            for (Netlink.Message m : s.dump(r, "list addresses in " + where(ns))) {
                if (m.type() != Netlink.RTM_NEWADDR || m.body().getInt(4) != index)
                    continue;
                Map<Integer, byte[]> a = m.attributes(8);
                byte[] ip = a.getOrDefault(IFA_LOCAL, a.get(IFA_ADDRESS));
                if (ip != null)
                    out.add(new Address(address(ip), m.payload()[1] & 0xff));
            }
            return out;
        });
    }

    private static InetAddress address(byte[] ip) throws KernelException {
        try {
            return InetAddress.getByAddress(ip);
        } catch (UnknownHostException e) {
            throw new KernelException(22, "an address of " + ip.length + " bytes");
        }
    }

    // ---- routes ----

    private Netlink.Request route(int type, int flags, NetlinkSocket s, String ns, Route route) throws KernelException {
        InetAddress dst = route.destination();
        int scope = route.gateway() == null && family(dst) == AF_INET ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
        byte[] header = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder()).put((byte) family(dst)).put((byte) route.prefix())
                .put((byte) 0).put((byte) 0).put((byte) RT_TABLE_MAIN).put((byte) RTPROT_STATIC).put((byte) scope)
                .put((byte) RTN_UNICAST).putInt(route.gateway() != null && family(dst) == AF_INET ? RTNH_F_ONLINK : 0).array();
        var r = new Netlink.Request(type, flags).bytes(header);
        if (route.prefix() > 0)
            r.attr(RTA_DST, dst.getAddress());
        if (route.device() != null)
            r.attrU32(RTA_OIF, index(s, ns, route.device()));
        if (route.gateway() != null)
            r.attr(RTA_GATEWAY, route.gateway().getAddress());
        return r;
    }

    @Override
    public void addRoute(String ns, Route route) throws KernelException {
        in(ns, s -> {
            s.change(route(Netlink.RTM_NEWROUTE, Netlink.NLM_F_ACK | Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL, s, ns, route),
                    "add route " + text(route) + " in " + where(ns));
            return null;
        });
    }

    @Override
    public void deleteRoute(String ns, Route route) throws KernelException {
        in(ns, s -> {
            s.change(route(Netlink.RTM_DELROUTE, Netlink.NLM_F_ACK, s, ns, route), "delete route " + text(route) + " in " + where(ns));
            return null;
        });
    }

    private static String text(Route r) {
        return (r.prefix() == 0 ? "default" : r.destination().getHostAddress() + "/" + r.prefix())
                + (r.gateway() == null ? "" : " via " + r.gateway().getHostAddress()) + (r.device() == null ? "" : " dev " + r.device());
    }

    @Override
    public List<Route> routes(String ns) throws KernelException {
        return in(ns, s -> {
            Map<Integer, String> names = new java.util.HashMap<>();
            for (Link l : readLinks(s, ns))
                names.put(l.index(), l.name());
            List<Route> out = new ArrayList<>();
            var r = new Netlink.Request(Netlink.RTM_GETROUTE, Netlink.NLM_F_DUMP).bytes(new byte[12]);
            for (Netlink.Message m : s.dump(r, "list routes in " + where(ns))) {
                byte[] p = m.payload();
                if (m.type() != Netlink.RTM_NEWROUTE || (p[7] & 0xff) != RTN_UNICAST)
                    continue;
                Map<Integer, byte[]> a = m.attributes(12);
                int table = a.containsKey(RTA_TABLE) ? Netlink.u32(a.get(RTA_TABLE)) : p[4] & 0xff;
                if (table != RT_TABLE_MAIN)
                    continue;
                byte[] dst = a.get(RTA_DST);
                InetAddress destination = dst != null ? address(dst)
                        : address(new byte[(p[0] & 0xff) == AF_INET6 ? 16 : 4]);
                byte[] oif = a.get(RTA_OIF);
                byte[] gw = a.get(RTA_GATEWAY);
                out.add(new Route(destination, p[1] & 0xff, oif == null ? null : names.get(Netlink.u32(oif)),
                        gw == null ? null : address(gw)));
            }
            return out;
        });
    }

    // ---- proxy neighbours ----

    private static Netlink.Request neighbour(int type, int flags, int family, int index, InetAddress ip) {
        byte[] header = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder()).put((byte) family).put((byte) 0).putShort((short) 0)
                .putInt(index).putShort((short) NUD_PERMANENT).put((byte) NTF_PROXY).put((byte) 0).array();
        var r = new Netlink.Request(type, flags).bytes(header);
        if (ip != null)
            r.attr(NDA_DST, ip.getAddress());
        return r;
    }

    @Override
    public void addProxyNeighbour(String ns, String link, InetAddress ip) throws KernelException {
        in(ns, s -> {
            s.change(neighbour(Netlink.RTM_NEWNEIGH, Netlink.NLM_F_ACK | Netlink.NLM_F_CREATE | Netlink.NLM_F_REPLACE, family(ip),
                    index(s, ns, link), ip), "add proxy neighbour " + ip.getHostAddress() + " on " + link + " in " + where(ns));
            return null;
        });
    }

    @Override
    public void deleteProxyNeighbour(String ns, String link, InetAddress ip) throws KernelException {
        in(ns, s -> {
            s.change(neighbour(Netlink.RTM_DELNEIGH, Netlink.NLM_F_ACK, family(ip), index(s, ns, link), ip),
                    "delete proxy neighbour " + ip.getHostAddress() + " on " + link + " in " + where(ns));
            return null;
        });
    }

    @Override
    public List<InetAddress> proxyNeighbours(String ns, String link) throws KernelException {
        return in(ns, s -> {
            int index = index(s, ns, link);
            List<InetAddress> out = new ArrayList<>();
            for (int family : new int[] {AF_INET, AF_INET6})
                for (Netlink.Message m : s.dump(neighbour(Netlink.RTM_GETNEIGH, Netlink.NLM_F_DUMP, family, 0, null),
                        "list proxy neighbours in " + where(ns))) {
                    if (m.type() != Netlink.RTM_NEWNEIGH || m.body().getInt(4) != index)
                        continue;
                    byte[] dst = m.attributes(12).get(NDA_DST);
                    if (dst != null)
                        out.add(address(dst));
                }
            return out;
        });
    }

    // ---- sysctls ----

    @Override
    public void addAddrLabel(String ns, AddrLabel label) throws KernelException {
        byte[] prefix = label.prefix().ip().getAddress();
        if (prefix.length != 16)
            throw new KernelException(22, "address label " + label.prefix() + ": not an IPv6 prefix");
        in(ns, s -> {
            s.change(Netlink.addrLabel(prefix, label.prefix().prefix(), label.label()),
                    "add address label " + label.prefix() + " " + label.label() + " in " + where(ns));
            return null;
        });
    }

    @Override
    public List<AddrLabel> addrLabels(String ns) throws KernelException {
        return in(ns, s -> {
            List<AddrLabel> out = new ArrayList<>();
            for (Netlink.Message m : s.dump(Netlink.addrLabelDump(), "list address labels in " + where(ns))) {
                Netlink.AddrLabelEntry e = Netlink.addrLabel(m);
                if (e != null)
                    out.add(new AddrLabel(new Address(address(e.prefix()), e.length()), e.label()));
            }
            return out;
        });
    }

    private static Path sysctlPath(String key) {
        return Path.of("/proc/sys", key.replace('.', '/'));
    }

    @Override
    public void setSysctl(String ns, String key, String value) throws KernelException {
        Namespaces.Work<Void> write = () -> {
            try {
                Files.writeString(sysctlPath(key), value);
                return null;
            } catch (IOException e) {
                throw new KernelException(ENOENT, "cannot set sysctl " + key + " in " + where(ns) + ": " + e.getMessage());
            }
        };
        String p = path(ns);
        if (p == null)
            write.run();
        else
            Namespaces.inside(p, write);
    }

    @Override
    public String sysctl(String ns, String key) throws KernelException {
        Namespaces.Work<String> read = () -> {
            try {
                return Files.readAllLines(sysctlPath(key)).get(0).trim();
            } catch (IOException | IndexOutOfBoundsException e) {
                throw new KernelException(ENOENT, "cannot read sysctl " + key + " in " + where(ns) + ": " + e.getMessage());
            }
        };
        String p = path(ns);
        return p == null ? read.run() : Namespaces.inside(p, read);
    }

    @Override
    public void runIp(String ns, List<String> args) throws KernelException {
        List<String> cmd = new ArrayList<>();
        String p = path(ns);
        if (p != null)
            cmd.addAll(List.of("nsenter", "--net=" + p));
        cmd.add("ip");
        cmd.addAll(args);
        try {
            Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String out = new String(proc.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!proc.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                proc.destroyForcibly();
                throw new KernelException(110, "ip " + String.join(" ", args) + " hangs");
            }
            if (proc.exitValue() != 0)
                throw new KernelException(22, "ip " + String.join(" ", args) + ": " + out.strip());
        } catch (IOException e) {
            throw new KernelException(2, "cannot run ip: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KernelException(4, "interrupted while running ip");
        }
    }

    // ---- NAT ----

    @Override
    public void addMasquerade(InetAddress source) throws KernelException {
        masquerade.add(source);
    }

    @Override
    public void removeMasquerade(InetAddress source) throws KernelException {
        masquerade.remove(source);
    }

    @Override
    public List<InetAddress> masqueraded() throws KernelException {
        return masquerade.list();
    }

    // ---- shaping ----

    @Override
    public void shape(String ns, String device, long rate, long ceil) throws KernelException {
        in(ns, s -> {
            TrafficControl.shape(s, index(s, ns, device), device, rate, ceil);
            return null;
        });
    }

    @Override
    public void unshape(String ns, String device) throws KernelException {
        in(ns, s -> {
            TrafficControl.unshape(s, index(s, ns, device), device);
            return null;
        });
    }

    @Override
    public ClassStats shapingStats(String ns, String device) throws KernelException {
        return in(ns, s -> TrafficControl.stats(s, index(s, ns, device), device));
    }

    // ---- protocol counters ----

    @Override
    public Map<String, Long> protocolCounters(String ns, ProtocolTable table) throws KernelException {
        String p = path(ns);
        return p == null ? ProcNetCounters.read(table) : Namespaces.inside(p, () -> ProcNetCounters.read(table));
    }
}

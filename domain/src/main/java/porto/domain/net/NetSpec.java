package porto.domain.net;

import java.util.ArrayList;
import java.util.List;
import porto.domain.ErrorCode;
import porto.domain.PortoException;

/**
 * The {@code net} property: options joined by ';', each a word and its arguments, checked as the
 * manual states them. The canonical text is the options joined by "; ".
 */
public record NetSpec(List<Option> options) {
    /** One option: its kind (as the manual spells it) and arguments. */
    public record Option(String kind, List<String> args) {
        public String arg(int i, String otherwise) {
            return i < args.size() ? args.get(i) : otherwise;
        }

        @Override
        public String toString() {
            return args.isEmpty() ? kind : kind + " " + String.join(" ", args);
        }
    }

    public static final NetSpec INHERITED = new NetSpec(List.of(new Option("inherited", List.of())));

    /** kind, least and most arguments (-1: any) */
    private record Rule(String kind, int min, int max) {}

    private static final List<Rule> RULES = List.of(new Rule("inherited", 0, 0), new Rule("none", 0, 0),
            new Rule("L3", 1, 2), new Rule("NAT", 0, 1), new Rule("tap", 1, 1), new Rule("ipip6", 3, 3),
            new Rule("MTU", 2, 2), new Rule("MAC", 2, 2), new Rule("autoconf", 1, 1), new Rule("ip", 1, -1),
            new Rule("container", 1, 1), new Rule("netns", 1, 1), new Rule("steal", 1, 1),
            new Rule("macvlan", 2, 5), new Rule("ipvlan", 2, 4), new Rule("veth", 2, 4));

    private static final List<String> MACVLAN_MODES = List.of("bridge", "private", "vepa", "passthru");

    public static NetSpec parse(String text) throws PortoException {
        List<Option> out = new ArrayList<>();
        for (String part : text.split(";")) {
            String[] words = part.trim().split("\\s+");
            if (words.length == 1 && words[0].isEmpty())
                continue;
            Rule rule = RULES.stream().filter(r -> r.kind.equals(words[0])).findFirst()
                    .orElseThrow(() -> invalid("unknown net option '" + words[0] + "'"));
            int n = words.length - 1;
            if (n < rule.min || (rule.max >= 0 && n > rule.max))
                throw invalid("net option '" + part.trim() + "' has " + n + " arguments, "
                        + (rule.max < 0 ? "at least " + rule.min : rule.min == rule.max ? rule.min : rule.min + ".." + rule.max) + " wanted");
            Option o = new Option(rule.kind, List.of(words).subList(1, words.length));
            check(o);
            out.add(o);
        }
        if (out.isEmpty())
            return INHERITED;
        boolean alone = out.stream().anyMatch(o -> o.kind.equals("inherited") || o.kind.equals("container") || o.kind.equals("netns"));
        if (alone && out.size() > 1)
            throw invalid("net=inherited, container and netns take no other option: '" + text + "'");
        boolean tap = out.stream().anyMatch(o -> o.kind.equals("tap"));
        if (tap && out.stream().anyMatch(o -> !o.kind.equals("tap")))
            throw invalid("net=tap shares the host's network and takes only other tap options: '" + text + "'");
        return new NetSpec(List.copyOf(out));
    }

    private static void check(Option o) throws PortoException {
        switch (o.kind) {
            case "MTU" -> mtu(o.args.get(1));
            case "MAC" -> mac(o.args.get(1));
            case "veth" -> {
                if (o.args.size() > 2) mtu(o.args.get(2));
                if (o.args.size() > 3) mac(o.args.get(3));
            }
            case "macvlan" -> {
                if (o.args.size() > 2 && !MACVLAN_MODES.contains(o.args.get(2)))
                    throw invalid("macvlan type '" + o.args.get(2) + "' is none of " + MACVLAN_MODES);
                if (o.args.size() > 3) mtu(o.args.get(3));
                if (o.args.size() > 4) mac(o.args.get(4));
            }
            case "ipvlan" -> {
                if (o.args.size() > 2 && !List.of("l2", "l3").contains(o.args.get(2)))
                    throw invalid("ipvlan mode '" + o.args.get(2) + "' is neither l2 nor l3");
                if (o.args.size() > 3) mtu(o.args.get(3));
            }
            case "ipip6" -> {
                for (String end : o.args.subList(1, 3))
                    if (IpSpec.literal(end).getAddress().length != 16)
                        throw invalid("ipip6 tunnel end '" + end + "' is not an IPv6 address");
            }
            case "tap" -> {
                if (o.args.get(0).length() > 15 || o.args.get(0).contains("/"))
                    throw invalid("tap name '" + o.args.get(0) + "' is not a device name (at most 15 characters, no '/')");
            }
            case "ip" -> {
                for (String a : o.args)
                    if (a.equals("netns") || a.equals("-n") || a.equals("-netns") || a.equals("-all") || a.equals("-a") || a.equals("-b")
                            || a.equals("-batch"))
                        throw invalid("net=ip runs inside the container's namespace only: '" + a + "' is not allowed");
            }
            default -> { }
        }
        for (String a : o.args)
            if (a.length() > 64)
                throw invalid("net argument too long: '" + a + "'");
    }

    static int mtu(String text) throws PortoException {
        try {
            int mtu = Integer.parseInt(text);
            if (mtu < 68 || mtu > 65535)
                throw invalid("mtu " + text + " is outside 68..65535");
            return mtu;
        } catch (NumberFormatException e) {
            throw invalid("mtu '" + text + "' is not a number");
        }
    }

    static String mac(String text) throws PortoException {
        if (!text.matches("([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}"))
            throw invalid("'" + text + "' is not a MAC address like 02:00:00:00:00:01");
        return text.toLowerCase();
    }

    static PortoException invalid(String message) {
        return new PortoException(ErrorCode.InvalidValue, message);
    }

    public boolean inherited() {
        return options.size() == 1 && options.get(0).kind.equals("inherited");
    }

    /** Only tap devices: the container shares the host's network, where the taps are made. */
    public boolean tapOnly() {
        return options.stream().allMatch(o -> o.kind.equals("tap"));
    }

    /** Whether the container's task runs in the host's network namespace. */
    public boolean sharesHost() {
        return inherited() || tapOnly();
    }

    /** The first option of this kind, or null. */
    public Option first(String kind) {
        return options.stream().filter(o -> o.kind.equals(kind)).findFirst().orElse(null);
    }

    public String format() {
        return String.join("; ", options.stream().map(Option::toString).toList());
    }
}

package porto.daemon;

import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;
import porto.domain.Values;
import porto.rpc.Rpc;

/**
 * The network, place and volume spec messages (net, ip, default_gw, ip_limit, place,
 * volumes_required) as property text and back, with upstream's shapes: net is one option per
 * line ("opt arg..."), ip and default_gw one "dev ip" per line, ip_limit a policy or a list of
 * addresses, place "path" or "alias=path" per line, volumes_required one path per line.
 */
final class SpecMessages {
    private SpecMessages() {}

    /** The property text of a spec message, or null when it is not one of these. */
    static String toText(Message value) {
        return switch (value) {
            case Rpc.TContainerNetConfig net -> {
                List<String> lines = new ArrayList<>();
                for (var cfg : net.getCfgList()) {
                    List<String> words = new ArrayList<>();
                    words.add(cfg.getOpt());
                    words.addAll(cfg.getArgList());
                    lines.add(String.join(" ", words));
                }
                if (lines.isEmpty() && net.getInherited())
                    lines.add("inherited");
                yield String.join("; ", lines);
            }
            case Rpc.TContainerIpConfig ips -> {
                List<String> lines = new ArrayList<>();
                for (var ip : ips.getCfgList())
                    lines.add(ip.getDev() + " " + ip.getIp());
                yield String.join("; ", lines);
            }
            case Rpc.TContainerIpLimit limit -> limit.getIpCount() == 0 ? limit.getPolicy() : String.join("; ", limit.getIpList());
            case Rpc.TContainerPlaceConfig place -> {
                List<String> lines = new ArrayList<>();
                for (var p : place.getCfgList())
                    lines.add(p.hasAlias() ? p.getAlias() + "=" + p.getPlace() : p.getPlace());
                yield String.join(";", lines);
            }
            case Rpc.TContainerVolumes volumes -> String.join(";", volumes.getVolumeList());
            default -> null;
        };
    }

    /** The spec message of a property's text, or null when the builder is not one of these. */
    static Message fromText(Message.Builder builder, String text) {
        return switch (builder) {
            case Rpc.TContainerNetConfig.Builder m -> {
                for (List<String> words : lines(text)) // as upstream: the flag is told whenever there is a line
                    m.addCfgBuilder().setOpt(words.get(0)).addAllArg(words.subList(1, words.size()));
                if (m.getCfgCount() > 0)
                    m.setInherited(m.getCfgCount() == 1 && m.getCfg(0).getOpt().equals("inherited"));
                yield m.build();
            }
            case Rpc.TContainerIpConfig.Builder m -> {
                for (List<String> words : lines(text))
                    if (words.size() >= 2)
                        m.addCfgBuilder().setDev(words.get(0)).setIp(words.get(1));
                yield m.build();
            }
            case Rpc.TContainerIpLimit.Builder m -> {
                List<List<String>> lines = lines(text);
                if (lines.isEmpty())
                    yield m.setPolicy("any").build();
                if (lines.size() == 1 && List.of("any", "none").contains(lines.get(0).get(0)))
                    yield m.setPolicy(lines.get(0).get(0)).build();
                m.setPolicy("some");
                for (List<String> words : lines)
                    m.addIp(words.get(0));
                yield m.build();
            }
            case Rpc.TContainerPlaceConfig.Builder m -> {
                for (List<String> words : lines(text)) {
                    String place = String.join(" ", words);
                    int eq = place.indexOf('=');
                    if (place.startsWith("/") || place.equals("***") || eq < 0)
                        m.addCfgBuilder().setPlace(place);
                    else
                        m.addCfgBuilder().setPlace(place.substring(eq + 1)).setAlias(place.substring(0, eq));
                }
                yield m.build();
            }
            case Rpc.TContainerVolumes.Builder m -> {
                for (List<String> words : lines(text))
                    m.addVolume(String.join(" ", words));
                yield m.build();
            }
            default -> null;
        };
    }

    /** "a b; c d" as [[a, b], [c, d]], blank lines dropped. */
    private static List<List<String>> lines(String text) {
        List<List<String>> out = new ArrayList<>();
        for (String line : Values.splitList(text, ';')) {
            String t = line.trim();
            if (!t.isEmpty())
                out.add(List.of(t.split("\\s+")));
        }
        return out;
    }
}

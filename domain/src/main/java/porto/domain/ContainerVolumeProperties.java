package porto.domain;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The container properties that tie into volumes, with upstream's names: place (where the
 * container's clients may make volumes), place_limit and place_usage (the sum of space_limit of
 * the volumes it owns), volumes_owned, volumes_linked and volumes_required.
 */
final class ContainerVolumeProperties {
    private ContainerVolumeProperties() {}

    /** {@code volumes} answers for the volume side, which is wired after the containers' side. */
    static void register(Properties p, java.util.function.Supplier<ContainerVolumes> volumes) {
        p.add(Property.settable("place", "Places for volumes and layers: [default][;/path...][;***]", Property.ANY_STATE,
                c -> defaultPlace(volumes.get(), c), (c, caller, value) -> canonicalPlace(value), false));
        p.add(Property.settable("place_limit", "Limits sum of volume space_limit: total|default|/place: bytes;...",
                Property.ANY_STATE, c -> "", (c, caller, value) -> canonicalLimits(value), false));
        p.add(Property.readOnly("place_usage", "Current sum of volume space_limit: total|/place: bytes;...",
                c -> format(volumes.get().placeUsage(c.name)), false));
        p.add(Property.readOnly("volumes_owned", "Owned volumes: volume;...",
                c -> String.join(";", volumes.get().owned(c.name)), false));
        p.add(Property.readOnly("volumes_linked", "Linked volumes: volume [target] [ro] [!];...",
                c -> String.join(";", volumes.get().linked(c.name)), false));
        p.add(Property.settable("volumes_required", "Volume links required by container: path;...", Property.ANY_STATE,
                c -> "", (c, caller, value) -> canonicalPaths(value), false));
    }

    /** As upstream: "default;***" lets clients use any place; a container with its own root keeps to the default. */
    private static String defaultPlace(ContainerVolumes volumes, Container c) {
        String root = c.config.getOrDefault("root", "/");
        String place = volumes.defaultPlace();
        return root.isEmpty() || root.equals("/") ? place + ";***" : place;
    }

    private static String canonicalPlace(String value) throws PortoException {
        StringBuilder out = new StringBuilder();
        for (String item : Values.splitList(value, ';')) {
            String p = item.trim();
            if (p.isEmpty())
                continue;
            boolean alias = !p.startsWith("/") && p.contains("=");
            String path = alias ? p.substring(p.indexOf('=') + 1) : p;
            if (!path.equals("***") && !path.startsWith("/"))
                throw new PortoException(ErrorCode.InvalidValue, "place must be an absolute path, a mask or ***: " + p);
            out.append(out.length() > 0 ? ";" : "").append(p);
        }
        return out.toString();
    }

    private static String canonicalLimits(String value) throws PortoException {
        Map<String, Long> limits = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : Values.parseMap(value, false).entrySet())
            limits.put(e.getKey(), Values.parseSize(e.getValue()));
        return format(limits);
    }

    private static String canonicalPaths(String value) throws PortoException {
        StringBuilder out = new StringBuilder();
        for (String item : Values.splitList(value, ';')) {
            String p = item.trim();
            if (p.isEmpty())
                continue;
            if (!p.startsWith("/"))
                throw new PortoException(ErrorCode.InvalidValue, "volumes_required: expected absolute paths, got " + p);
            out.append(out.length() > 0 ? ";" : "").append(p);
        }
        return out.toString();
    }

    static String format(Map<String, Long> map) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Long> e : map.entrySet())
            out.append(out.length() > 0 ? "; " : "").append(e.getKey()).append(": ").append(e.getValue());
        return out.toString();
    }
}

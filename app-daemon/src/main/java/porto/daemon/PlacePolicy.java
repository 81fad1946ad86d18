package porto.daemon;

import java.util.LinkedHashMap;
import java.util.Map;
import porto.domain.Caller;
import porto.domain.ContainerName;
import porto.domain.ContainerService;
import porto.domain.ErrorCode;
import porto.domain.Masks;
import porto.domain.PortoException;
import porto.domain.Values;
import porto.domain.volume.Backend;
import porto.domain.volume.VolumeService;

/**
 * The container properties place and place_limit applied to a client's volume: a place outside
 * its container's policy is refused (Permission), no place means the policy's default, and the
 * space_limit must fit the place_limit of the owner container and of every ancestor
 * (ResourceNotAvailable), as upstream claims it.
 */
final class PlacePolicy {
    private final ContainerService service;
    private final VolumeService volumes;

    PlacePolicy(ContainerService service, VolumeService volumes) {
        this.service = service;
        this.volumes = volumes;
    }

    /** The place a create of {@code container}'s client gets: the one asked for if allowed, else the default. */
    String place(String container, String asked) throws PortoException {
        if (container.equals(ContainerName.HOST))
            return asked;
        String policy = service.get(Caller.ROOT, container, "place");
        String first = null;
        boolean any = false;
        boolean allowed = false;
        for (String item : Values.splitList(policy, ';')) {
            String p = item.trim();
            if (p.contains("=") && !p.startsWith("/"))
                p = p.substring(p.indexOf('=') + 1);
            if (p.isEmpty())
                continue;
            if (first == null && p.startsWith("/"))
                first = p;
            if (p.equals("***"))
                any = true;
            else if (asked != null && (p.equals(asked) || (Masks.isMask(p) && Masks.matches(asked, p))))
                allowed = true;
        }
        if (asked == null || asked.isEmpty())
            return first;
        if (!any && !allowed)
            throw new PortoException(ErrorCode.Permission, "Place " + asked + " is not allowed by container " + container);
        return asked;
    }

    /** Refuses a space_limit that would exceed a place_limit of the owner or an ancestor. */
    void claim(String owner, String backend, String place, long size, long already) throws PortoException {
        String key = VolumeService.placeKey(backend == null ? Backend.NATIVE : Backend.parse(backend), place == null ? volumes.defaultPlace() : place);
        if (key == null)
            return;
        for (String ct = owner; !ct.equals(ContainerName.HOST); ct = ContainerName.parent(ct)) {
            Map<String, Long> limits = limits(ct);
            if (limits.isEmpty())
                continue;
            Long total = limits.get("total");
            Long placeLimit = limits.getOrDefault(key, limits.get("default"));
            Map<String, Long> usage = volumes.placeUsage(ct);
            long totalUsage = usage.getOrDefault("total", 0L) - already;
            long placeUsage = usage.getOrDefault(key, 0L) - already;
            if (((total != null || placeLimit != null) && size == 0)
                    || (total != null && totalUsage + size > total)
                    || (placeLimit != null && placeUsage + size > placeLimit))
                throw new PortoException(ErrorCode.ResourceNotAvailable, "Not enough place limit in " + ct + " for " + key
                        + " limit " + size + ", total usage " + totalUsage + " of " + (total == null ? "unlimited" : total)
                        + ", " + key + " usage " + placeUsage + " of " + (placeLimit == null ? "unlimited" : placeLimit));
        }
    }

    private Map<String, Long> limits(String ct) throws PortoException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : Values.parseMap(service.get(Caller.ROOT, ct, "place_limit"), false).entrySet())
            out.put(e.getKey(), Values.parseSize(e.getValue()));
        return out;
    }
}

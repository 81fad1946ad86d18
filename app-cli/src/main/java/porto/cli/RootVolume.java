package porto.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import porto.client.PortoClient;
import porto.rpc.Rpc;

/**
 * "portoctl run NAME layers=... space_limit=..." as upstream's launcher does it: the volume
 * properties among the arguments make a volume, linked to the new container (and not to the
 * client), which becomes the container's root. Layers are names in the place, directories, or
 * tarballs imported as weak layers first. Unlike upstream's launcher, the backend is left to the
 * daemon's autodetection unless given, so a limit on a place without project quota takes the
 * loop backend instead of failing.
 */
final class RootVolume {
    private static final List<String> VOLUME_KEYS = List.of("space_limit", "backend", "storage", "layers");
    private final Map<String, String> config = new LinkedHashMap<>();

    /** Takes the volume properties out of a run's properties; null when there are none. */
    static RootVolume take(Map<String, String> properties) {
        RootVolume v = null;
        for (String key : VOLUME_KEYS) {
            String value = properties.remove(key);
            if (value == null)
                continue;
            if (v == null)
                v = new RootVolume();
            v.config.put(key, value);
        }
        if (v != null) {
            for (String shared : List.of("place", "private"))
                if (properties.containsKey(shared))
                    v.config.put(shared, properties.get(shared));
        }
        return v;
    }

    /** Makes the volume, gives it to the container and makes it the root; the volume's path. */
    String make(PortoClient client, String container) {
        List<String> imported = new ArrayList<>();
        String path;
        try {
            if (config.containsKey("layers"))
                config.put("layers", layers(client, config.get("layers"), imported));
            var req = Rpc.TVolumeCreateRequest.newBuilder();
            config.forEach((k, v) -> req.addPropertiesBuilder().setName(k).setValue(v));
            path = client.call(Rpc.TContainerRequest.newBuilder().setCreateVolume(req).build()).getVolumeDescription().getPath();
        } catch (RuntimeException e) {
            removeQuietly(client, imported); // no volume uses them: they would stay for good
            throw e;
        }
        try {
            client.call(Rpc.TContainerRequest.newBuilder().setLinkVolumeTarget(
                    Rpc.TVolumeLinkRequest.newBuilder().setPath(path).setContainer(container)).build());
        } finally {
            client.call(Rpc.TContainerRequest.newBuilder().setUnlinkVolumeTarget(
                    Rpc.TVolumeUnlinkRequest.newBuilder().setPath(path).setTarget("***")).build());
        }
        client.setProperty(container, "root", path);
        client.setProperty(container, "cwd", "/");
        return path;
    }

    private void removeQuietly(PortoClient client, List<String> layers) {
        for (String layer : layers) {
            var remove = Rpc.TLayerRemoveRequest.newBuilder().setLayer(layer);
            if (config.containsKey("place"))
                remove.setPlace(config.get("place"));
            try {
                client.call(Rpc.TContainerRequest.newBuilder().setRemoveLayer(remove).build());
            } catch (RuntimeException ignored) {
                // already gone: the error that matters is the one being thrown
            }
        }
    }

    /**
     * Layer names stay; a directory is used by its path; a tarball is imported as a weak layer
     * (named as upstream's launcher names it), which goes with the last volume that uses it.
     */
    private String layers(PortoClient client, String text, List<String> imported) {
        StringBuilder out = new StringBuilder();
        int n = 0;
        for (String layer : text.split(";")) {
            if (layer.isBlank())
                continue;
            Path p = Path.of(layer);
            String use = layer;
            if (Files.isDirectory(p)) {
                use = p.toAbsolutePath().normalize().toString();
            } else if (Files.isRegularFile(p) && !"squash".equals(config.get("backend"))) {
                use = "_weak_portoctl-" + ProcessHandle.current().pid() + "-" + n++ + "-"
                        + p.getFileName().toString().replaceAll("[^A-Za-z0-9_@:.-]", "_");
                var imp = Rpc.TLayerImportRequest.newBuilder().setLayer(use).setTarball(p.toAbsolutePath().normalize().toString())
                        .setMerge(false);
                if (config.containsKey("place"))
                    imp.setPlace(config.get("place"));
                client.call(Rpc.TContainerRequest.newBuilder().setImportLayer(imp).build());
                imported.add(use);
            } else if (Files.isRegularFile(p)) {
                use = p.toAbsolutePath().normalize().toString();
            }
            out.append(out.length() > 0 ? ";" : "").append(use);
        }
        return out.toString();
    }
}

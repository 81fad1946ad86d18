import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import porto.client.PortoClient;
import porto.rpc.Rpc;

/**
 * Volumes against the portod of $PORTO_SOCKET (default /run/portod.socket): create and destroy of
 * 100 overlay volumes over 3 layers. The layers are made in PLACE/porto_layers (PLACE: the first
 * argument, default /place) and removed after.
 * Run: java -cp '/usr/lib/porto/lib/*' bench/VolumeBench.java [PLACE]
 */
public class VolumeBench {
    public static void main(String[] args) throws Exception {
        Path place = Path.of(args.length > 0 ? args[0] : "/place");
        List<String> layers = List.of("bench-l1", "bench-l2", "bench-l3");
        for (String l : layers) {
            Path dir = Files.createDirectories(place.resolve("porto_layers").resolve(l));
            for (int i = 0; i < 100; i++)
                Files.writeString(dir.resolve("f" + i), l + i);
        }
        try (PortoClient c = PortoClient.connect()) {
            cycle(c, 20); // warm up
            List<Long> create = new ArrayList<>();
            List<Long> destroy = new ArrayList<>();
            long t0 = System.nanoTime();
            List<String> paths = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                long t = System.nanoTime();
                paths.add(create(c, layers));
                create.add(System.nanoTime() - t);
            }
            for (String p : paths) {
                long t = System.nanoTime();
                unlink(c, p);
                destroy.add(System.nanoTime() - t);
            }
            double total = (System.nanoTime() - t0) / 1e9;
            System.out.printf("100 overlay volumes over 3 layers: create median %.2f ms, destroy median %.2f ms, all %.2f s%n",
                    median(create), median(destroy), total);
        } finally {
            for (String l : layers)
                try (var walk = Files.walk(place.resolve("porto_layers").resolve(l))) {
                    for (Path p : walk.sorted(Collections.reverseOrder()).toList())
                        Files.delete(p);
                }
        }
    }

    static void cycle(PortoClient c, int n) {
        for (int i = 0; i < n; i++)
            unlink(c, create(c, List.of("bench-l1", "bench-l2", "bench-l3")));
    }

    static String create(PortoClient c, List<String> layers) {
        var req = Rpc.TVolumeCreateRequest.newBuilder();
        req.addPropertiesBuilder().setName("backend").setValue("overlay");
        req.addPropertiesBuilder().setName("layers").setValue(String.join(";", layers));
        return c.call(Rpc.TContainerRequest.newBuilder().setCreateVolume(req).build()).getVolumeDescription().getPath();
    }

    static void unlink(PortoClient c, String path) {
        c.call(Rpc.TContainerRequest.newBuilder().setUnlinkVolumeTarget(
                Rpc.TVolumeUnlinkRequest.newBuilder().setPath(path).setContainer("***").setTarget("***")).build());
    }

    static double median(List<Long> nanos) {
        List<Long> s = new ArrayList<>(nanos);
        Collections.sort(s);
        return s.get(s.size() / 2) / 1e6;
    }
}

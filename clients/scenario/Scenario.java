// The four-client scenario in Java (see README.md), on this repository's porto.client: prints the
// transcript that run.py compares. Run as a single source file with the proto jar on the class path.

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import porto.client.PortoClient;
import porto.client.PortoClientException;
import porto.rpc.Rpc;

public class Scenario {
    interface Step {
        void run();
    }

    static String errorName(Step step) {
        try {
            step.run();
            return "no error";
        } catch (PortoClientException e) {
            return PortoClientException.errorName(e.code());
        }
    }

    static Rpc.TContainerRequest.Builder request() {
        return Rpc.TContainerRequest.newBuilder();
    }

    public static void main(String[] args) throws Exception {
        try (PortoClient porto = PortoClient.connect()) {
            porto.version();
            System.out.println("version: ok");
            porto.create("scn");
            System.out.println("create scn: ok");
            porto.setProperty("scn", "command", "sh -c 'echo scenario-out; exit 5'");
            System.out.println("set command: ok");
            porto.start("scn");
            System.out.println("start: ok");
            System.out.println("wait: " + porto.waitContainers(List.of("scn"), 60_000));
            System.out.println("stdout: " + porto.getProperty("scn", "stdout").stripTrailing());
            System.out.println("exit_status: " + porto.getProperty("scn", "exit_status"));
            System.out.println("state: " + porto.getProperty("scn", "state"));
            porto.create("scn-a");
            porto.create("scn-b");
            System.out.println("create scn-a scn-b: ok");
            System.out.println("list scn-*: " + porto.list("scn-*").stream().sorted().collect(Collectors.joining(" ")));
            System.out.println("list scn: " + String.join(" ", porto.list("scn")));
            System.out.println("missing: " + errorName(() -> porto.getProperty("scn-missing", "state")));
            System.out.println("bad value: " + errorName(() -> porto.setProperty("scn", "memory_limit", "plenty")));
            labelAndVolumeSteps(porto);
            for (String name : List.of("scn", "scn-a", "scn-b")) {
                porto.destroy(name);
            }
            System.out.println("destroy: ok");
            System.out.println("after destroy: " + errorName(() -> porto.getProperty("scn", "state")));
        }
    }

    // Labels, a volume with a layer: through raw requests, as this client has no methods for them.
    static void labelAndVolumeSteps(PortoClient porto) throws Exception {
        porto.call(request().setSetLabel(Rpc.TSetLabelRequest.newBuilder()
                .setName("scn").setLabel("TEST.step").setValue("one")).build());
        System.out.println("set label: ok");
        Rpc.TContainerResponse found = porto.call(request().setFindLabel(Rpc.TFindLabelRequest.newBuilder()
                .setMask("scn*").setLabel("TEST.step")).build());
        System.out.println("find label: " + found.getFindLabel().getListList().stream()
                .map(e -> e.getName() + " " + e.getLabel() + "=" + e.getValue()).collect(Collectors.joining(" ")));
        Rpc.TContainerResponse incremented = porto.call(request().setIncLabel(Rpc.TIncLabelRequest.newBuilder()
                .setName("scn").setLabel("TEST.count").setAdd(2)).build());
        System.out.println("inc label: " + incremented.getIncLabel().getResult());
        Rpc.TContainerResponse selected = porto.call(request().setListContainersBy(Rpc.TListContainersRequest.newBuilder()
                .addFilters(Rpc.TListContainersFilter.newBuilder().setName("scn*").setLabels(Rpc.TStringMap.newBuilder()
                        .addMap(Rpc.TStringMap.TStringMapEntry.newBuilder().setKey("TEST.step").setVal("one"))))
                .setFieldOptions(Rpc.TListContainersFieldOptions.newBuilder().addProperties("state"))).build());
        System.out.println("list by label: " + selected.getListContainersBy().getContainersList().stream()
                .map(c -> c.getSpec().getName()).collect(Collectors.joining(" ")));
        porto.call(request().setImportLayer(Rpc.TLayerImportRequest.newBuilder().setLayer("scn-layer")
                .setTarball(System.getenv("PORTO_SCENARIO_TARBALL")).setMerge(false)).build());
        System.out.println("import layer: ok");
        Rpc.TContainerResponse created = porto.call(request().setCreateVolume(Rpc.TVolumeCreateRequest.newBuilder()
                .addProperties(Rpc.TVolumeProperty.newBuilder().setName("backend").setValue("overlay"))
                .addProperties(Rpc.TVolumeProperty.newBuilder().setName("layers").setValue("scn-layer"))).build());
        String path = created.getVolumeDescription().getPath();
        System.out.println("volume greeting: " + Files.readAllLines(Path.of(path, "greeting")).get(0));
        Rpc.TContainerResponse listed = porto.call(request().setListVolumes(Rpc.TVolumeListRequest.newBuilder()
                .setPath(path)).build());
        String layers = listed.getVolumeList().getVolumes(0).getPropertiesList().stream()
                .filter(p -> p.getName().equals("layers")).map(Rpc.TVolumeProperty::getValue).findFirst().orElse("");
        System.out.println("volume layers: " + layers);
        porto.call(request().setUnlinkVolume(Rpc.TVolumeUnlinkRequest.newBuilder().setPath(path).setContainer("***")).build());
        System.out.println("destroy volume: ok");
        Step remove = () -> porto.call(request().setRemoveLayer(Rpc.TLayerRemoveRequest.newBuilder().setLayer("scn-layer")).build());
        remove.run();
        System.out.println("remove layer: ok");
        System.out.println("missing layer: " + errorName(remove));
    }
}

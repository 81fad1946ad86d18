package porto.daemon;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import porto.domain.ClientScope;
import porto.domain.ContainerService;
import porto.domain.Masks;
import porto.domain.PortoException;
import porto.domain.Values;
import porto.rpc.Rpc;
import porto.rpc.Rpc.TListContainersFilter;
import porto.rpc.Rpc.TListContainersRequest;
import porto.rpc.Rpc.TListContainersResponse;

/**
 * ListContainersBy: the containers the client sees that match a filter (a name or mask, labels
 * that must all hold, changed since a time), each dumped once ({@link SpecDump}) with the
 * properties the field options name, or all. A filter that matched nothing answers a container
 * with that name and ContainerDoesNotExist, as upstream.
 */
final class ListContainersBy {
    private ListContainersBy() {}

    static TListContainersResponse answer(ContainerService service, ClientScope scope, TListContainersRequest req) {
        var options = req.getFieldOptions();
        List<String> only = options.getPropertiesList();
        SpecDump.Stream stdout = options.hasStdoutOptions() ? stream(options.getStdoutOptions()) : null;
        SpecDump.Stream stderr = options.hasStderrOptions() ? stream(options.getStderrOptions()) : null;
        TListContainersResponse.Builder out = TListContainersResponse.newBuilder();
        Set<String> matched = new LinkedHashSet<>();
        for (String absolute : service.list(null)) {
            String name = scope.relative(absolute);
            if (name == null || absolute.equals("/"))
                continue;
            for (TListContainersFilter f : req.getFiltersList()) {
                if (!(name.equals(f.getName()) || Masks.matches(name, f.getName())))
                    continue;
                if (f.hasLabels() && !hasLabels(service, scope, absolute, f.getLabels()))
                    continue;
                matched.add(f.getName());
                long changed = f.hasChangedSince() ? changeTime(service, scope, absolute) : 0;
                if (f.hasChangedSince() && changed < f.getChangedSince()) {
                    out.addContainersBuilder().getSpecBuilder().setName(name);
                    out.getContainersBuilder(out.getContainersCount() - 1).getStatusBuilder().setNoChanges(true)
                            .setChangeTime(changed);
                } else {
                    out.addContainers(SpecDump.dump(service, scope.caller(), absolute, name, only, stdout, stderr));
                }
                break;
            }
        }
        for (TListContainersFilter f : req.getFiltersList()) {
            if (matched.contains(f.getName()))
                continue;
            var missing = out.addContainersBuilder();
            missing.getSpecBuilder().setName(f.getName());
            missing.getErrorBuilder().setError(Rpc.EError.ContainerDoesNotExist).setMsg("container " + f.getName() + " not found");
        }
        return out.build();
    }

    private static SpecDump.Stream stream(Rpc.TStreamDumpOptions o) {
        return new SpecDump.Stream(o.getStdstreamOffset(), o.getStdstreamLimit());
    }

    private static boolean hasLabels(ContainerService service, ClientScope scope, String name, Rpc.TStringMap wanted) {
        try {
            Map<String, String> labels = Values.parseMap(service.get(scope.caller(), name, "labels"), false);
            for (var e : wanted.getMapList())
                if (!e.getVal().equals(labels.get(e.getKey())))
                    return false;
            return true;
        } catch (PortoException e) {
            return false;
        }
    }

    private static long changeTime(ContainerService service, ClientScope scope, String name) {
        try {
            return Long.parseLong(service.get(scope.caller(), name, "change_time[raw]"));
        } catch (PortoException | NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}

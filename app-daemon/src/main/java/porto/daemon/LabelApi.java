package porto.daemon;

import porto.domain.ClientScope;
import porto.domain.ContainerService;
import porto.domain.LabelRequests;
import porto.domain.Masks;
import porto.domain.PortoException;
import porto.rpc.Rpc.TFindLabelRequest;
import porto.rpc.Rpc.TFindLabelResponse;
import porto.rpc.Rpc.TIncLabelRequest;
import porto.rpc.Rpc.TIncLabelResponse;
import porto.rpc.Rpc.TSetLabelRequest;
import porto.rpc.Rpc.TSetLabelResponse;

/** FindLabel, SetLabel and IncLabel; names are the client's (relative to its porto namespace). */
final class LabelApi {
    private LabelApi() {}

    static TFindLabelResponse find(ContainerService service, ClientScope scope, TFindLabelRequest req) {
        TFindLabelResponse.Builder out = TFindLabelResponse.newBuilder();
        for (LabelRequests.Entry e : service.labels().find(req.getLabel(), req.hasValue() ? req.getValue() : null,
                req.hasState() ? req.getState() : null)) {
            String name = scope.relative(e.container());
            if (name == null || (req.hasMask() && !Masks.matches(name, req.getMask())))
                continue;
            out.addListBuilder().setName(name).setState(e.state()).setLabel(e.label()).setValue(e.value());
        }
        return out.build();
    }

    static TSetLabelResponse set(ContainerService service, ClientScope scope, TSetLabelRequest req) throws PortoException {
        LabelRequests.Previous p = service.labels().set(scope.caller(), scope.resolve(req.getName()), req.getLabel(), req.getValue(),
                req.hasPrevValue() ? req.getPrevValue() : null, req.hasState() ? req.getState() : null);
        TSetLabelResponse.Builder out = TSetLabelResponse.newBuilder().setState(p.state());
        if (p.value() != null)
            out.setPrevValue(p.value());
        return out.build();
    }

    static TIncLabelResponse increment(ContainerService service, ClientScope scope, TIncLabelRequest req) throws PortoException {
        long sum = service.labels().increment(scope.caller(), scope.resolve(req.getName()), req.getLabel(), req.getAdd());
        return TIncLabelResponse.newBuilder().setResult(sum).build();
    }
}

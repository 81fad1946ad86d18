package porto.daemon;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import porto.domain.Caller;
import porto.domain.ClientScope;
import porto.domain.ContainerService;
import porto.domain.ErrorCode;
import porto.domain.PortoException;
import porto.domain.Property;
import porto.domain.Result;
import porto.protocol.Release;
import porto.rpc.Rpc.EError;
import porto.rpc.Rpc.TContainerDataListResponse;
import porto.rpc.Rpc.TContainerGetResponse;
import porto.rpc.Rpc.TContainerPropertyListResponse;
import porto.rpc.Rpc.TContainerRequest;
import porto.rpc.Rpc.TContainerResponse;
import porto.rpc.Rpc.TContainerWaitRequest;
import porto.rpc.Rpc.TContainerWaitResponse;
import porto.rpc.Rpc.TVersionResponse;

/** Turns one request into calls on the domain and one response. */
public final class Api {
    private final ContainerService service;
    private final DaemonStats stats;
    private final LayerRequests layers;
    private final VolumeRequests volumes;

    @Inject
    public Api(ContainerService service, DaemonStats stats, LayerRequests layers, VolumeRequests volumes) {
        this.service = service;
        this.stats = stats;
        this.layers = layers;
        this.volumes = volumes;
        service.setDaemonStatistics(new PortoStat(stats));
    }

    /** What a connection must remember from a request: weak containers and async waits. */
    interface Session {
        Caller caller();

        void createdWeak(String name);

        void asyncWait(TContainerWaitRequest request, ClientScope scope) throws PortoException;

        void stopAsyncWait();
    }

    TContainerResponse handle(TContainerRequest req, Session session) {
        long started = System.nanoTime();
        TContainerResponse rsp = answer(req, session);
        ErrorCode failed = rsp.getError() == EError.Success ? null : errorCode(rsp.getError());
        long nanos = System.nanoTime() - started;
        stats.request(failed, nanos, req.hasCreateFromSpec() || req.hasUpdateFromSpec());
        if (Log.isVerbose()) // after the answer is made: whatever the request set up is in place
            Log.verbose("answer to pid " + session.caller().pid() + ": " + methodName(req) + " " + rsp.getError()
                    + " in " + nanos / 1_000_000 + " ms");
        if (req.hasCreateFromSpec() && failed == null)
            stats.counter("containers_created").incrementAndGet();
        boolean starts = req.hasStart() || (req.hasCreateFromSpec() && req.getCreateFromSpec().getStart());
        if (starts && failed == null)
            stats.counter("containers_started").incrementAndGet();
        else if (req.hasStart())
            stats.counter("containers_failed_start").incrementAndGet();
        return rsp;
    }

    private static String methodName(TContainerRequest req) {
        var fields = req.getAllFields().keySet();
        return fields.size() == 1 ? fields.iterator().next().getName() : "(no single method)";
    }

    private static ErrorCode errorCode(EError error) {
        for (ErrorCode c : ErrorCode.values())
            if (c.number() == error.getNumber())
                return c;
        return ErrorCode.Unknown;
    }

    /** Requests that change nothing: allowed while the daemon is frozen, as upstream's read-only set. */
    static boolean readOnly(TContainerRequest req) {
        return req.hasVersion() || req.hasList() || req.hasGet() || req.hasGetData() || req.hasGetProperty()
                || req.hasDataList() || req.hasPropertyList() || req.hasWait() || req.hasAsyncWait()
                || req.hasStopAsyncWait() || req.hasGetSystem() || req.hasFindLabel() || req.hasListVolumes()
                || req.hasListLayers() || req.hasListStorage() || req.hasGetlayerprivate()
                || req.hasListVolumeProperties() || req.hasConvertPath() || req.hasLocateProcess()
                || req.hasListContainersBy() || req.hasGetVolume();
    }

    private TContainerResponse answer(TContainerRequest req, Session session) {
        TContainerResponse.Builder rsp = TContainerResponse.newBuilder();
        if (Log.isVerbose())
            Log.verbose("request from pid " + session.caller().pid() + ": " + req.toString().replace('\n', ' '));
        try {
            FieldDescriptor method = method(req);
            Message body = (Message) req.getField(method);
            if (!body.getUnknownFields().asMap().isEmpty())
                throw new PortoException(ErrorCode.InvalidMethod, "unknown fields in " + method.getName());
            if (!body.isInitialized())
                throw new PortoException(ErrorCode.InvalidValue, "missing fields in " + method.getName() + ": "
                        + String.join(", ", body.findInitializationErrors()));
            // Who the client is may change between requests (its container's enable_porto, owner).
            ClientScope scope = service.scope(session.caller());
            // Frozen: only root may change anything (a client in a container acts as its owner).
            if (stats.frozen() && !readOnly(req) && !scope.caller().isRoot())
                return TContainerResponse.newBuilder().setError(EError.PortoFrozen)
                        .setErrorMsg("portod is frozen: only root may change anything").build();
            dispatch(req, session, scope, rsp);
            rsp.setError(EError.Success);
        } catch (PortoException e) {
            // An error answer carries no method result, not even a half-filled one.
            rsp = TContainerResponse.newBuilder();
            rsp.setError(EError.forNumber(e.code().number())).setErrorMsg(e.getMessage());
        } catch (RuntimeException e) {
            Log.error("request failed: " + req.toString().replace('\n', ' '), e);
            rsp = TContainerResponse.newBuilder();
            rsp.setError(EError.Unknown).setErrorMsg(String.valueOf(e));
        }
        return rsp.buildPartial();
    }

    /** The one method field that is set; none, several or only unknown ones are InvalidMethod. */
    static FieldDescriptor method(TContainerRequest req) throws PortoException {
        Map<FieldDescriptor, Object> set = req.getAllFields();
        if (set.size() == 1 && req.getUnknownFields().asMap().isEmpty())
            return set.keySet().iterator().next();
        if (set.isEmpty())
            throw new PortoException(ErrorCode.InvalidMethod, req.getUnknownFields().asMap().isEmpty()
                    ? "request has no method" : "method " + req.getUnknownFields().asMap().keySet() + " is not implemented");
        throw new PortoException(ErrorCode.InvalidMethod, "request has more than one method");
    }

    private void dispatch(TContainerRequest req, Session session, ClientScope scope, TContainerResponse.Builder rsp)
            throws PortoException {
        Caller who = scope.caller();
        if (req.hasGetSystem()) {
            rsp.setGetSystem(SystemRequests.get(service, stats));
        } else if (req.hasSetSystem()) {
            SystemRequests.set(who, req.getSetSystem(), stats);
            rsp.setSetSystem(porto.rpc.Rpc.TSetSystemResponse.getDefaultInstance());
        } else if (req.hasClearStatistics()) {
            SystemRequests.clear(req.getClearStatistics(), stats);
        } else if (req.hasCreate()) {
            service.create(who, checkedName(scope, req.getCreate().getName()), false);
            stats.counter("containers_created").incrementAndGet();
        } else if (req.hasCreateWeak()) {
            String name = checkedName(scope, req.getCreateWeak().getName());
            service.create(who, name, true);
            stats.counter("containers_created").incrementAndGet();
            session.createdWeak(name);
        } else if (req.hasDestroy()) {
            service.destroy(who, scope.resolve(req.getDestroy().getName()));
        } else if (req.hasStart()) {
            service.start(who, scope.resolve(req.getStart().getName()));
        } else if (req.hasStop()) {
            var stop = req.getStop();
            service.stop(who, scope.resolve(stop.getName()), stop.hasTimeoutMs() ? Integer.toUnsignedLong(stop.getTimeoutMs()) : -1);
        } else if (req.hasRespawn()) {
            service.restart(who, scope.resolve(req.getRespawn().getName()));
        } else if (req.hasKill()) {
            service.kill(who, scope.resolve(req.getKill().getName()), req.getKill().getSig());
        } else if (req.hasPause()) {
            service.pause(who, scope.resolve(req.getPause().getName()));
        } else if (req.hasResume()) {
            service.resume(who, scope.resolve(req.getResume().getName()));
        } else if (req.hasList()) {
            String mask = req.getList().hasMask() ? req.getList().getMask() : null;
            for (String name : service.list(null)) {
                String relative = scope.relative(name);
                if (relative != null && (mask == null || mask.isEmpty() || porto.domain.Masks.matches(relative, mask)))
                    rsp.getListBuilder().addName(relative);
            }
        } else if (req.hasGetProperty()) {
            var g = req.getGetProperty();
            String value = service.get(who, scope.resolve(g.getName()), g.getProperty());
            rsp.getGetPropertyBuilder().setValue(value);
        } else if (req.hasGetData()) {
            var g = req.getGetData();
            String value = service.get(who, scope.resolve(g.getName()), g.getData());
            rsp.getGetDataBuilder().setValue(value);
        } else if (req.hasSetProperty()) {
            var s = req.getSetProperty();
            service.set(who, scope.resolve(s.getName()), s.getProperty(), s.getValue());
        } else if (req.hasGet()) {
            get(req, scope, rsp);
        } else if (req.hasPropertyList()) {
            var list = TContainerPropertyListResponse.newBuilder();
            for (Property p : service.properties().all())
                list.addListBuilder().setName(p.name()).setDesc(p.description()).setReadOnly(p.isReadOnly()).setDynamic(p.isDynamic());
            rsp.setPropertyList(list);
        } else if (req.hasDataList()) {
            var list = TContainerDataListResponse.newBuilder();
            for (Property p : service.properties().all())
                if (p.isReadOnly())
                    list.addListBuilder().setName(p.name()).setDesc(p.description());
            rsp.setDataList(list);
        } else if (req.hasVersion()) {
            rsp.setVersion(TVersionResponse.newBuilder().setTag(Release.TAG).setRevision(Release.REVISION));
        } else if (req.hasWait()) {
            waitSync(req.getWait(), scope, rsp);
        } else if (req.hasAsyncWait()) {
            session.asyncWait(req.getAsyncWait(), scope);
        } else if (req.hasStopAsyncWait()) {
            session.stopAsyncWait();
        } else if (req.hasCreateFromSpec()) {
            Specs.createFromSpec(service, scope, req.getCreateFromSpec(), session, volumes::createLinkedTo);
        } else if (VolumeRequests.handles(req)) {
            volumes.handle(req, scope, rsp);
        } else if (req.hasUpdateFromSpec()) {
            Specs.apply(service, who, scope.resolve(req.getUpdateFromSpec().getContainer().getName()), req.getUpdateFromSpec().getContainer());
        } else if (req.hasImportLayer()) { layers.importLayer(scope, req.getImportLayer()); stats.counter("layer_import").incrementAndGet();
        } else if (req.hasExportLayer()) { layers.exportLayer(scope, req.getExportLayer()); stats.counter("layer_export").incrementAndGet();
        } else if (req.hasRemoveLayer()) { layers.removeLayer(scope, req.getRemoveLayer()); stats.counter("layer_remove").incrementAndGet();
        } else if (req.hasListLayers()) { rsp.setLayers(layers.listLayers(req.getListLayers()));
        } else if (req.hasGetlayerprivate()) { rsp.setLayerPrivate(layers.getPrivate(req.getGetlayerprivate()));
        } else if (req.hasSetlayerprivate()) { layers.setPrivate(scope, req.getSetlayerprivate());
        } else if (req.hasListStorage()) { rsp.setStorageList(layers.listStorage(req.getListStorage()));
        } else if (req.hasRemoveStorage()) { layers.removeStorage(scope, req.getRemoveStorage());
        } else if (req.hasImportStorage()) { layers.importStorage(scope, req.getImportStorage());
        } else if (req.hasExportStorage()) { layers.exportStorage(scope, req.getExportStorage());
        } else if (req.hasCreateMetaStorage()) { layers.createMeta(scope, req.getCreateMetaStorage());
        } else if (req.hasResizeMetaStorage()) { layers.resizeMeta(scope, req.getResizeMetaStorage());
        } else if (req.hasRemoveMetaStorage()) { layers.removeMeta(scope, req.getRemoveMetaStorage());
        } else if (req.hasFindLabel()) {
            rsp.setFindLabel(LabelApi.find(service, scope, req.getFindLabel()));
        } else if (req.hasSetLabel()) {
            rsp.setSetLabel(LabelApi.set(service, scope, req.getSetLabel()));
        } else if (req.hasIncLabel()) {
            rsp.setIncLabel(LabelApi.increment(service, scope, req.getIncLabel()));
        } else if (req.hasListContainersBy()) {
            rsp.setListContainersBy(ListContainersBy.answer(service, scope, req.getListContainersBy()));
        } else if (req.hasConvertPath()) {
            rsp.setConvertPath(ProcessApi.convertPath(service, scope, req.getConvertPath()));
        } else if (req.hasAttachProcess()) {
            ProcessApi.attach(service, scope, req.getAttachProcess(), false);
        } else if (req.hasAttachThread()) {
            ProcessApi.attach(service, scope, req.getAttachThread(), true);
        } else if (req.hasSetSymlink()) {
            service.set(who, scope.resolve(req.getSetSymlink().getContainer()), porto.domain.Symlinks.property(req.getSetSymlink().getSymlink()), req.getSetSymlink().getTarget());
        } else if (req.hasLocateProcess()) {
            rsp.setLocateProcess(ProcessApi.locate(service, scope, req.getLocateProcess()));
        } else { // declared in rpc.proto (upstream has it) but not served yet
            FieldDescriptor m = method(req);
            throw new PortoException(ErrorCode.InvalidMethod,
                    "method " + m.getName() + " (" + m.getNumber() + ") is not implemented");
        }
    }

    static String checkedName(ClientScope scope, String name) throws PortoException {
        String resolved = scope.resolve(name);
        porto.domain.ContainerName.validate(resolved);
        return resolved;
    }

    private void get(TContainerRequest req, ClientScope scope, TContainerResponse.Builder rsp) {
        var g = req.getGet();
        List<String> names = new ArrayList<>();
        List<PortoException> refused = new ArrayList<>();
        for (String n : g.getNameList()) {
            try {
                names.add(scope.resolve(n));
                refused.add(null);
            } catch (PortoException e) {
                names.add(null);
                refused.add(e);
            }
        }
        Map<String, Map<String, Result>> values =
                service.getMany(scope.caller(), names.stream().filter(java.util.Objects::nonNull).toList(), g.getVariableList());
        TContainerGetResponse.Builder out = rsp.getGetBuilder();
        for (int i = 0; i < names.size(); i++) {
            var one = out.addListBuilder().setName(g.getName(i));
            if (refused.get(i) != null) {
                for (String variable : g.getVariableList())
                    one.addKeyvalBuilder().setVariable(variable)
                            .setError(EError.forNumber(refused.get(i).code().number())).setErrorMsg(refused.get(i).getMessage());
                continue;
            }
            for (var v : values.get(names.get(i)).entrySet()) {
                var kv = one.addKeyvalBuilder().setVariable(v.getKey());
                if (v.getValue().error() == null) {
                    kv.setValue(v.getValue().value());
                } else {
                    kv.setError(EError.forNumber(v.getValue().error().code().number()));
                    kv.setErrorMsg(v.getValue().error().getMessage());
                }
            }
        }
    }

    private void waitSync(TContainerWaitRequest w, ClientScope scope, TContainerResponse.Builder rsp) throws PortoException {
        if (w.getNameCount() == 0)
            throw new PortoException(ErrorCode.InvalidValue, "containers to wait are not set");
        List<String> names = new ArrayList<>();
        for (String n : w.getNameList())
            names.add(porto.domain.Masks.isMask(n) ? scope.resolveMask(n) : scope.resolve(n));
        long timeout = w.hasTimeoutMs() ? Integer.toUnsignedLong(w.getTimeoutMs()) : -1;
        // A mask must not reveal containers outside the client's namespace.
        String[] found = service.waitFor(names, w.getLabelList(), timeout, w.hasTargetState() ? w.getTargetState() : null, scope::canSee);
        TContainerWaitResponse.Builder out = rsp.getWaitBuilder();
        if (found == null) {
            out.setName("").setState("timeout");
        } else {
            int index = names.indexOf(found[0]);
            out.setName(index >= 0 ? w.getName(index) : scope.display(found[0])).setState(found[1]);
            if (found.length == 4)
                out.setLabel(found[2]).setValue(found[3]);
        }
        out.setWhen(System.currentTimeMillis() / 1000);
    }
}

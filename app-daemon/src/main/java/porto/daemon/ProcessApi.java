package porto.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import porto.domain.ClientScope;
import porto.domain.ContainerService;
import porto.domain.ErrorCode;
import porto.domain.PortoException;
import porto.rpc.Rpc.TConvertPathRequest;
import porto.rpc.Rpc.TConvertPathResponse;
import porto.rpc.Rpc.TLocateProcessRequest;
import porto.rpc.Rpc.TLocateProcessResponse;

/** convertPath and locateProcess: paths between containers' roots, and the container of a process. */
final class ProcessApi {
    private ProcessApi() {}

    /**
     * A path as {@code source} sees it, as {@code destination} sees it (either empty: the client's
     * own container): through the host, by the containers' root_path. InvalidValue when the
     * destination's root does not hold it.
     */
    static TConvertPathResponse convertPath(ContainerService service, ClientScope scope, TConvertPathRequest req) throws PortoException {
        String src = scope.resolve(req.getSource().isEmpty() ? "self" : req.getSource());
        String dst = scope.resolve(req.getDestination().isEmpty() ? "self" : req.getDestination());
        if (src.equals(dst))
            return TConvertPathResponse.newBuilder().setPath(req.getPath()).build();
        Path host = Path.of(rootPath(service, scope, src)).resolve(stripSlash(req.getPath())).normalize();
        Path root = Path.of(rootPath(service, scope, dst));
        if (!host.startsWith(root))
            throw new PortoException(ErrorCode.InvalidValue, "path " + req.getPath() + " of " + req.getSource()
                    + " is unreachable from " + req.getDestination() + " (" + host + " is outside " + root + ")");
        return TConvertPathResponse.newBuilder().setPath("/" + root.relativize(host)).build();
    }

    private static String stripSlash(String path) {
        return path.replaceFirst("^/+", "");
    }

    private static String rootPath(ContainerService service, ClientScope scope, String name) throws PortoException {
        return name.equals("/") ? "/" : service.get(scope.caller(), name, "root_path");
    }

    /**
     * The host's pid of the process the client names (from its own pid namespace), which must
     * exist and, with {@code comm} given, be named so: a guard against a pid that was reused.
     */
    private static int hostPid(ClientScope scope, int pid, String comm) throws PortoException {
        if (pid <= 0)
            throw new PortoException(ErrorCode.InvalidValue, "invalid pid " + Integer.toUnsignedString(pid));
        int host = PidTranslation.toHost(scope.caller().pid(), pid);
        String actual;
        try {
            actual = Files.readString(Path.of("/proc", Integer.toString(host), "comm")).strip();
        } catch (IOException e) {
            throw new PortoException(ErrorCode.InvalidValue, "task " + host + " not found");
        }
        if (!comm.isEmpty() && !comm.equals(actual))
            throw new PortoException(ErrorCode.InvalidValue, "wrong comm: task " + host + " is " + actual + ", not " + comm);
        return host;
    }

    /**
     * attachProcess / AttachThread: with {@code comm} given, the task must be named so (a guard
     * against a reused pid); see {@link porto.domain.ProcessAttach} for the rules.
     */
    static void attach(ContainerService service, ClientScope scope, porto.rpc.Rpc.TAttachProcessRequest req, boolean thread)
            throws PortoException {
        int pid = hostPid(scope, req.getPid(), req.getComm());
        service.attach().attach(scope.caller(), pid, scope.resolve(req.getName()), thread);
    }

    /**
     * The container (as the client names it) that holds process {@code pid}: "/" for the host's,
     * "self" for the client's own. With {@code comm} given, the process must be named so (a
     * guard against a pid that was reused).
     */
    static TLocateProcessResponse locate(ContainerService service, ClientScope scope, TLocateProcessRequest req) throws PortoException {
        int pid = hostPid(scope, req.getPid(), req.getComm());
        String name = service.containerOf(pid);
        String shown;
        if (name.equals("/"))
            shown = "/";
        else if (name.equals(scope.caller().container()))
            shown = "self";
        else
            shown = scope.display(name);
        return TLocateProcessResponse.newBuilder().setName(shown).build();
    }
}

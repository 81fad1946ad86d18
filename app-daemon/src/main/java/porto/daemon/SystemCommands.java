package porto.daemon;

import com.google.protobuf.TextFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import porto.client.PortoClient;
import porto.client.PortoClientException;
import porto.linux.FileStateStore;
import porto.rpc.Rpc.TClearStatisticsRequest;
import porto.rpc.Rpc.TContainerRequest;
import porto.rpc.Rpc.TContainerResponse;
import porto.rpc.Rpc.TGetSystemRequest;

/** "portod dump", "get", "set", "clearstat", "freeze", "unfreeze": the daemon's state for an operator. */
final class SystemCommands {
    private SystemCommands() {}

    /** Every saved container record, by its key, one "name = value" line per field. */
    static int dump(DaemonPaths paths) {
        var store = new FileStateStore(paths.stateDir(), message -> System.out.println("ERROR " + message));
        for (Map.Entry<String, Map<String, String>> record : new TreeMap<>(store.loadAll()).entrySet()) {
            System.out.println(record.getKey());
            for (Map.Entry<String, String> field : new TreeMap<>(record.getValue()).entrySet())
                System.out.println(field.getKey() + " = " + field.getValue());
        }
        return 0;
    }

    static int get(DaemonPaths paths) {
        return call(paths, TContainerRequest.newBuilder().setGetSystem(TGetSystemRequest.getDefaultInstance()).build(), true);
    }

    /** "set KEY VALUE": the key and value are a field of TSetSystemRequest in protobuf text form. */
    static int set(DaemonPaths paths, List<String> args) {
        if (args.size() != 2) {
            System.err.println("usage: portod set <key> <value>   (keys: frozen, verbose, debug)");
            return 1;
        }
        TContainerRequest.Builder req = TContainerRequest.newBuilder();
        try {
            TextFormat.merge("SetSystem { " + args.get(0) + ": " + args.get(1) + " }", req);
        } catch (TextFormat.ParseException e) {
            System.err.println("InvalidMethod: cannot parse the request: " + e.getMessage());
            return 1;
        }
        return call(paths, req.build(), false);
    }

    static int clearStatistics(DaemonPaths paths, List<String> args) {
        TClearStatisticsRequest.Builder clear = TClearStatisticsRequest.newBuilder();
        if (args.size() == 1)
            clear.setStat(args.get(0));
        return call(paths, TContainerRequest.newBuilder().setClearStatistics(clear).build(), false);
    }

    private static int call(DaemonPaths paths, TContainerRequest req, boolean print) {
        try (PortoClient client = PortoClient.connect(paths.socket())) {
            TContainerResponse rsp = client.request(req);
            if (rsp.getError() != porto.rpc.Rpc.EError.Success) {
                System.err.println(rsp.getError() + ":(" + rsp.getErrorMsg() + ")"); // upstream's form
                return 1;
            }
            if (print)
                System.out.print(TextFormat.printer().printToString(rsp));
            return 0;
        } catch (PortoClientException e) {
            System.err.println(e.getMessage());
            return 1;
        }
    }
}

package porto.cli;

import com.google.protobuf.TextFormat;
import porto.client.PortoClient;
import porto.client.PortoClientException;
import porto.rpc.Rpc;
import porto.rpc.Rpc.EError;

/**
 * {@code portoctl raw <request>}: a request in protobuf text format, sent as it is, and the answer
 * printed the same way. Kept apart so that the other commands never load the generated classes.
 */
final class RawCommand {

    private RawCommand() {
    }

    static int run(PortoClient client, Console io, String text) {
        Rpc.TContainerRequest.Builder req = Rpc.TContainerRequest.newBuilder();
        try {
            TextFormat.merge(text, req);
        } catch (TextFormat.ParseException e) {
            io.error("Can't parse request: " + PortoClientException.describe(EError.InvalidMethod_VALUE, e.getMessage()));
            return EError.InvalidMethod_VALUE;
        }
        Rpc.TContainerResponse rsp;
        try {
            rsp = client.request(req.buildPartial());
        } catch (PortoClientException e) {
            io.error(Format.error("Can't send request", e));
            return e.code();
        }
        io.println(TextFormat.printer().printToString(rsp));
        return rsp.getError().getNumber();
    }
}

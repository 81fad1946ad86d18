package porto.cli;

import porto.client.PortoClient;
import porto.client.PortoClientException;

/** What every group of portoctl commands needs from the entry point: the console, the client, errors. */
abstract class CommandGroup {
    final Portoctl ctl;
    final Console io;

    CommandGroup(Portoctl ctl) {
        this.ctl = ctl;
        this.io = ctl.io;
    }

    PortoClient client() {
        return ctl.client();
    }

    int fail(String prefix, PortoClientException e) {
        return ctl.fail(prefix, e);
    }
}

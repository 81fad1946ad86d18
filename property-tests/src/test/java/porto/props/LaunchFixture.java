package porto.props;

import porto.domain.Caller;
import porto.domain.PortoException;
import porto.fake.FakeUsers;
import porto.ports.LaunchSpec;

/** Shared set-up of the scenario tests that read the launch spec: a fresh world with alice in porto. */
abstract class LaunchFixture {
    final World w = new World();
    final Caller alice = new Caller(4242, FakeUsers.ALICE, FakeUsers.ALICE);

    LaunchFixture() {
        w.kernel.users().setAliceInPorto(true);
    }

    /** Creates NAME as WHO and sets the PROPS given as name, value pairs. */
    void create(Caller who, String name, String... props) throws PortoException {
        w.service.create(who, name, false);
        for (int i = 0; i < props.length; i += 2)
            w.service.set(who, name, props[i], props[i + 1]);
    }

    /** The spec of the last task the fake launcher started. */
    LaunchSpec launched() {
        return w.kernel.launcher().lastLaunch();
    }
}

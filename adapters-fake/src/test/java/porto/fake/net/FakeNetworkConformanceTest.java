package porto.fake.net;

import porto.conformance.NetworkConformance;
import porto.ports.net.Network;

class FakeNetworkConformanceTest extends NetworkConformance {
    @Override
    protected Fixture newFixture() {
        FakeNetwork.World world = new FakeNetwork.World();
        return new Fixture() {
            @Override
            public Network network() {
                return new FakeNetwork(world);
            }

            @Override
            public Network reopen() {
                return new FakeNetwork(world);
            }

            @Override
            public void close() {}
        };
    }
}

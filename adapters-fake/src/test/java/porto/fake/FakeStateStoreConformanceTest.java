package porto.fake;

import porto.conformance.StateStoreConformance;
import porto.ports.StateStore;

class FakeStateStoreConformanceTest extends StateStoreConformance {
    @Override
    protected Fixture newFixture() {
        FakeStateStore store = new FakeKernel().store();
        return new Fixture() {
            @Override
            public StateStore open() {
                return store;
            }

            @Override
            public void damage(String key) {
                store.corrupt(key);
            }

            @Override
            public void close() {}
        };
    }
}

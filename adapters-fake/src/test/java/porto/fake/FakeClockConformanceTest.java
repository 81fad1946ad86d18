package porto.fake;

import porto.conformance.ClockConformance;
import porto.ports.Clock;

class FakeClockConformanceTest extends ClockConformance {
    @Override
    protected Fixture newFixture() {
        FakeClock clock = new FakeKernel().clock();
        return new Fixture() {
            @Override
            public Clock clock() {
                return clock;
            }

            @Override
            public void letPass(long millis) {
                clock.advance(millis);
            }

            @Override
            public void close() {}
        };
    }
}

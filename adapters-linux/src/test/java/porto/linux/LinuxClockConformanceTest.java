package porto.linux;

import porto.conformance.ClockConformance;
import porto.ports.Clock;

class LinuxClockConformanceTest extends ClockConformance {
    @Override
    protected Fixture newFixture() {
        SystemClock clock = new SystemClock();
        return new Fixture() {
            @Override
            public Clock clock() {
                return clock;
            }

            @Override
            public void letPass(long millis) {
                // Real time passes by itself; the suite waits for the work it scheduled.
            }

            @Override
            public void close() {}
        };
    }
}

package porto.fake;

import porto.conformance.CgroupsConformance;

class FakeCgroupsV1ConformanceTest extends CgroupsConformance {
    @Override
    protected Fixture newFixture() {
        return new FakeCgroupsFixture(1, FakeCgroups.ALL_CONTROLLERS);
    }
}

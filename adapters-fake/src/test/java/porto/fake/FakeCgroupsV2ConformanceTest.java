package porto.fake;

import java.util.Set;
import porto.conformance.CgroupsConformance;

/** The fake's unified hierarchy with what this host's cgroup2 has: hugetlb, and freezing and cpu time, which need no controller. */
class FakeCgroupsV2ConformanceTest extends CgroupsConformance {
    @Override
    protected Fixture newFixture() {
        return new FakeCgroupsFixture(2, Set.of("freezer", "cpuacct", "hugetlb"));
    }
}

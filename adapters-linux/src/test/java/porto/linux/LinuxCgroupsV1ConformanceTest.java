package porto.linux;

import porto.conformance.CgroupsConformance;

/** {@link CgroupV1} on the host's v1 hierarchies, as root. */
class LinuxCgroupsV1ConformanceTest extends CgroupsConformance {
    @Override
    protected Fixture newFixture() {
        return LinuxCgroupsFixture.v1();
    }
}

package porto.linux;

import porto.conformance.CgroupsConformance;

/**
 * {@link CgroupV2} on the host's cgroup2 mount, as root, with the controllers offered there. On
 * this hybrid host that is hugetlb only (memory, cpu, io, pids and cpuset stay with v1), so the
 * limits are checked to be refused with a reason, not enforced; see docs/status.md.
 */
class LinuxCgroupsV2ConformanceTest extends CgroupsConformance {
    @Override
    protected Fixture newFixture() {
        return LinuxCgroupsFixture.v2();
    }
}

package porto.fake;

import porto.conformance.UsersConformance;
import porto.ports.Users;

class FakeUsersConformanceTest extends UsersConformance {
    @Override
    protected Fixture newFixture() {
        FakeUsers users = new FakeKernel().users();
        return new Fixture() {
            @Override
            public Users users() {
                return users;
            }

            @Override
            public void addMember(int gid, int uid) {
                users.addMember(gid, uid);
            }

            @Override
            public void close() {}
        };
    }
}

package porto.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import porto.domain.ErrorCode;
import porto.fake.FakeUsers;
import porto.ports.LaunchSpec;
import porto.ports.LaunchSpec.IdRange;

/** userns, unshare_on_exec and cgroupfs as the launch spec and the fake kernel see them. */
class NamespaceScenarioTest extends LaunchFixture {
    @Test
    void aRootOwnedUsernsContainerGetsUpstreamsMapAndRunsAsRootInside() throws Exception {
        create(World.ROOT, "a", "command", "sleep 1000", "user", "alice", "group", "alice", "userns", "true");
        w.service.start(World.ROOT, "a");
        List<IdRange> upstream = List.of(new IdRange(0, 1000, 1), new IdRange(1, 1, 999), new IdRange(1001, 1001, 4294966294L));
        assertEquals(new LaunchSpec.UserNamespace(upstream, upstream), launched().namespaces().user());
        assertEquals(List.of(0, 0), List.of(launched().identity().uid(), launched().identity().gid()), "root inside");
        assertEquals(0, launched().identity().capAmbient());
        int pid = Integer.parseInt(w.service.get(World.ROOT, "a", "root_pid"));
        assertEquals(FakeUsers.ALICE, w.kernel.processes().get(pid).orElseThrow().environment().identity().uid(), "alice outside");

        create(World.ROOT, "a/child", "command", "sleep 1000"); // root's: the namespace's root
        w.service.start(World.ROOT, "a/child");
        assertTrue(launched().namespaces().joinUser());
        assertNull(launched().namespaces().user());
        assertEquals(0, launched().identity().uid());
        int child = Integer.parseInt(w.service.get(World.ROOT, "a/child", "root_pid"));
        assertEquals(FakeUsers.ALICE, w.kernel.processes().get(child).orElseThrow().environment().identity().uid());
        Invariants.check(w);
    }

    @Test
    void aUsersUsernsContainerMapsItsUserAndItsOwnGroupsAlone() throws Exception {
        create(alice, "b", "command", "sleep 1000", "userns", "true");
        w.service.start(alice, "b");
        List<IdRange> own = List.of(new IdRange(0, FakeUsers.ALICE, 1));
        List<IdRange> groups = List.of(new IdRange(0, FakeUsers.ALICE, 1), new IdRange(FakeUsers.PORTO_GROUP, FakeUsers.PORTO_GROUP, 1));
        assertEquals(new LaunchSpec.UserNamespace(own, groups), launched().namespaces().user());
        assertTrue(launched().identity().groups().contains(FakeUsers.PORTO_GROUP), "the task keeps it: " + launched().identity().groups());
        assertTrue(launched().identity().noNewPrivs());
        Invariants.check(w);
    }

    @Test
    void aMetaUsernsContainerRunsAHolderWhoseNamespaceItsChildrenEnter() throws Exception {
        create(World.ROOT, "m", "isolate", "false", "user", "alice", "group", "alice", "userns", "true");
        w.service.start(World.ROOT, "m");
        assertEquals("meta", w.service.get(World.ROOT, "m", "state"));
        assertNotNull(launched().namespaces().user(), "its init makes and holds the user namespace");
        int holder = Integer.parseInt(w.service.get(World.ROOT, "m", "root_pid"));
        create(World.ROOT, "m/c", "command", "sleep 1000", "isolate", "false");
        w.service.start(World.ROOT, "m/c");
        assertTrue(launched().namespaces().joinUser());
        assertEquals(holder, launched().namespaces().joinOf(), "the namespace of the holder, which the user namespace owns");
        Invariants.check(w);
    }

    @Test
    void withoutThemNothingChanges() throws Exception {
        create(World.ROOT, "c", "command", "sleep 1000");
        w.service.start(World.ROOT, "c");
        assertNull(launched().namespaces().user());
        assertFalse(launched().namespaces().unshareOnExec() || launched().namespaces().newCgroup());
        assertEquals(LaunchSpec.CgroupFs.NONE, launched().filesystem().cgroupfs());
    }

    @Test
    void cgroupfsAndUnshareOnExecReachTheLaunch() throws Exception {
        create(World.ROOT, "d", "command", "sleep 1000", "isolate", "false", "cgroupfs", "ro", "unshare_on_exec", "true");
        w.service.start(World.ROOT, "d");
        LaunchSpec.Namespaces ns = launched().namespaces();
        assertTrue(ns.newCgroup() && ns.newMount() && ns.unshareOnExec(), ns.toString());
        assertEquals(LaunchSpec.CgroupFs.READ_ONLY, launched().filesystem().cgroupfs());
        create(World.ROOT, "e", "command", "sleep 1000", "cgroupfs", "rw");
        assertEquals(ErrorCode.Permission, World.outcome(() -> w.service.start(World.ROOT, "e")));
        assertEquals(ErrorCode.InvalidValue, World.outcome(() -> w.service.set(World.ROOT, "e", "cgroupfs", "maybe")));
        assertEquals(ErrorCode.InvalidState, World.outcome(() -> w.service.set(World.ROOT, "d", "userns", "true")));
        Invariants.check(w);
    }
}

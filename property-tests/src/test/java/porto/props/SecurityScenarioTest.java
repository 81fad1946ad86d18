package porto.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import porto.domain.ErrorCode;
import porto.fake.FakeUsers;
import porto.ports.Cgroups.DeviceRule;
import porto.ports.LaunchSpec;

/** Devices, capabilities, access levels and streams as the launch spec and the fake kernel see them. */
class SecurityScenarioTest extends LaunchFixture {
    @Test
    void firstLevelContainersGetTheDefaultDevices() throws Exception {
        create(World.ROOT, "a", "command", "sleep 1000");
        w.service.start(World.ROOT, "a");
        List<DeviceRule> rules = w.kernel.cgroups().devices("a");
        assertTrue(rules.contains(new DeviceRule('c', 1, 3, "rwm")), rules.toString());
        assertTrue(rules.contains(new DeviceRule('c', 136, -1, "rwm")), "ptys of the container's devpts: " + rules);
        assertFalse(rules.stream().anyMatch(r -> r.major() == 10), "no /dev/fuse by default: " + rules);
        assertEquals(List.of(), launched().filesystem().devices(), "no nodes without a root of its own");
        Invariants.check(w);
    }

    @Test
    void aChildMayUseOnlyDevicesItsParentMay() throws Exception {
        create(World.ROOT, "a", "devices", "/dev/fuse rw");
        create(World.ROOT, "a/ok", "command", "sleep 1000", "devices", "/dev/fuse r");
        create(World.ROOT, "a/no", "command", "sleep 1000", "devices", "/dev/sda r");
        w.service.start(World.ROOT, "a/ok");
        assertTrue(w.kernel.cgroups().devices("a").contains(new DeviceRule('c', 10, 229, "rwm")));
        assertTrue(w.kernel.cgroups().devices("a/ok").contains(new DeviceRule('c', 10, 229, "rm")));
        assertEquals(ErrorCode.Permission, World.outcome(() -> w.service.start(World.ROOT, "a/no")));
        Invariants.check(w);
    }

    @Test
    void aUserMayGrantOnlyDevicesItMayUse() throws Exception {
        create(alice, "x");
        assertEquals(ErrorCode.Permission, World.outcome(() -> w.service.set(alice, "x", "devices", "/dev/sda r")),
                "/dev/sda is 0660 root:disk");
        w.service.set(alice, "x", "devices", "/dev/fuse rw");
        assertEquals(ErrorCode.Permission, World.outcome(() -> w.service.set(alice, "x", "devices", "/dev/fuse rw /dev/fuse 0600")),
                "only the node's owner may change its mode");
        assertEquals(ErrorCode.DeviceNotFound, World.outcome(() -> w.service.set(alice, "x", "devices", "/dev/nope rw")));
    }

    @Test
    void aRootGetsNodesForExactlyThePermittedDevices() throws Exception {
        w.kernel.files().createDirectory("/r", 0, 0);
        create(World.ROOT, "c", "command", "sleep 1000", "root", "/r", "devices", "/dev/fuse rw /dev/fuse 0600; /dev/zero -");
        w.service.start(World.ROOT, "c");
        List<String> paths = launched().filesystem().devices().stream().map(LaunchSpec.Device::path).toList();
        assertEquals(List.of("/dev/null", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty", "/dev/console", "/dev/fuse"), paths);
        LaunchSpec.Device console = launched().filesystem().devices().get(5);
        assertEquals(new LaunchSpec.Device('c', 1, 3, "/dev/console", 0600, 0, 0), console, "the console is a null device");
        assertEquals(0600, launched().filesystem().devices().get(6).mode());
        assertEquals("/", launched().cwd(), "a chroot's cwd is its root");
        assertTrue(launched().filesystem().portoSocket(), "porto is reachable inside (enable_porto=true)");
        Invariants.check(w);
    }

    @Test
    void rootOwnedContainersGetTheHostSetOrWhatTheyAsk() throws Exception {
        create(World.ROOT, "r", "command", "sleep 1000");
        String caps = w.service.get("r", "capabilities");
        assertTrue(caps.contains("SYS_ADMIN") && !caps.contains("SYS_MODULE"), caps);
        w.service.start(World.ROOT, "r");
        assertFalse(launched().identity().noNewPrivs(), "root's containers may exec setuid programs");
        create(World.ROOT, "r/limited", "command", "sleep 1000", "capabilities", "CHOWN;NET_ADMIN");
        w.service.start(World.ROOT, "r/limited");
        assertEquals(1L << 0 | 1L << 12, launched().identity().capBound());
    }

    @Test
    void usersContainersFollowTheManualsBoundingRules() throws Exception {
        create(alice, "u", "command", "sleep 1000");
        assertEquals("KILL;NET_BIND_SERVICE;NET_RAW;SYS_PTRACE", w.service.get("u", "capabilities_ambient_allowed"),
                "outside a chroot: NET_BIND_SERVICE and NET_RAW, KILL and PTRACE in its pid namespace");
        w.service.set(alice, "u", "isolate", "false");
        w.service.set(alice, "u", "memory_limit", "64M");
        assertEquals("NET_BIND_SERVICE;NET_RAW;IPC_LOCK", w.service.get("u", "capabilities_ambient_allowed"));
        w.service.set(alice, "u", "capabilities_ambient", "NET_BIND_SERVICE");
        w.service.start(alice, "u");
        assertTrue(launched().identity().noNewPrivs(), "a user's task never gains privileges by exec");
        assertEquals(1L << 10, launched().identity().capAmbient());
        w.service.stop(alice, "u", 0);
        w.service.set(alice, "u", "capabilities_ambient", "SYS_ADMIN");
        assertEquals(ErrorCode.Permission, World.outcome(() -> w.service.start(alice, "u")));

        w.kernel.files().createDirectory("/home/alice/root", FakeUsers.ALICE, FakeUsers.ALICE);
        create(alice, "jail", "command", "sleep 1000", "root", "/home/alice/root");
        String bound = w.service.get("jail", "capabilities");
        assertTrue(bound.contains("DAC_OVERRIDE") && bound.contains("SYS_CHROOT") && !bound.contains("SYS_ADMIN")
                && !bound.contains("NET_ADMIN"), "the chroot set, without NET_ADMIN (no network namespace): " + bound);
        w.service.set(alice, "jail", "capabilities", "SYS_ADMIN");
        assertEquals(ErrorCode.Permission, World.outcome(() -> w.service.start(alice, "jail")));
    }

    @Test
    void aUserMayNotRaiseAccessAboveItsParents() throws Exception {
        create(alice, "p", "enable_porto", "read-only");
        create(alice, "p/c");
        assertEquals(ErrorCode.Permission, World.outcome(() -> w.service.set(alice, "p/c", "enable_porto", "true")));
        w.service.set(alice, "p/c", "enable_porto", "false");
        w.service.set(World.ROOT, "p/c", "enable_porto", "true");
        assertEquals("true", w.service.get("p/c", "enable_porto"));
    }

    @Test
    void streamsAreOpenedWithTheStartingClientsRights() throws Exception {
        create(alice, "s", "command", "sleep 1000", "stdout_path", "/dev/fd/7", "stderr_path", "log");
        w.service.start(alice, "s");
        LaunchSpec spec = launched();
        assertEquals(LaunchSpec.Stream.host("/proc/4242/fd/7"), spec.stdio().out());
        assertEquals(LaunchSpec.Stream.inside("log"), spec.stdio().err(), "a user's path is opened inside, relative to cwd");
        assertEquals(FakeUsers.ALICE, spec.client().uid());
        w.service.stop(alice, "s", 0);
        assertEquals(ErrorCode.InvalidValue, World.outcome(() -> w.service.start(World.ROOT, "s")),
                "a start with no client process (pid 0) has no descriptor 7");
        w.service.set(World.ROOT, "s", "stdout_path", "out");
        w.service.start(World.ROOT, "s");
        assertNull(launched().client(), "root opens with the daemon's rights");
    }

    @Test
    void osModeMakesAnEmptyNetworkAndDiscardsOutput() throws Exception {
        w.kernel.files().createDirectory("/r", 0, 0);
        create(World.ROOT, "vm", "virt_mode", "os", "root", "/r");
        assertEquals("/sbin/init", w.service.get("vm", "command"));
        w.service.start(World.ROOT, "vm");
        LaunchSpec spec = launched();
        assertTrue(spec.namespaces().newNet() && spec.namespaces().isolate());
        assertEquals(LaunchSpec.Stream.host("/dev/null"), spec.stdio().out());
        assertEquals(List.of("/sbin/init"), spec.argv());
        assertTrue(spec.filesystem().binds().isEmpty(), "no /etc/hosts or resolv.conf by default: " + spec.filesystem().binds());
    }

    /** The fake kernel's files model the rule: a path is walked with the user's rights, not just its last file checked. */
    @Test
    void aFileBehindADirectoryTheUserCannotEnterNeverReachesHer() throws Exception {
        w.kernel.files().createDirectory("/secret", 0, 0);
        w.kernel.files().writeFile("/secret/f", "S".getBytes(), 0, 0);
        w.kernel.files().chmod("/secret", 0700);
        w.kernel.files().chmod("/secret/f", 0644);
        create(alice, "a");
        assertEquals(ErrorCode.Permission, World.outcome(() -> w.service.set(alice, "a", "stdout_path", "/secret/f")));
        w.service.set(World.ROOT, "a", "stdout_path", "/secret/f");
        w.service.set(World.ROOT, "a", "command", "sleep 1000");
        // As upstream, stdout is a value of a run: a stopped container has none (InvalidState).
        assertEquals(ErrorCode.InvalidState, World.outcome(() -> w.service.get(World.ROOT, "a", "stdout")));
        w.service.start(World.ROOT, "a");
        assertEquals(ErrorCode.Permission, World.outcome(() -> w.service.get(alice, "a", "stdout")));
        assertEquals("S", w.service.get(World.ROOT, "a", "stdout"));
        w.service.stop(World.ROOT, "a", 1000);
        w.service.set(World.ROOT, "a", "cwd", "/secret");
        w.service.set(World.ROOT, "a", "stdout_path", "f");
        w.service.start(World.ROOT, "a");
        assertEquals(ErrorCode.Permission, World.outcome(() -> w.service.get(alice, "a", "stdout")));
        w.kernel.files().chmod("/secret", 0755);
        assertEquals("S", w.service.get(alice, "a", "stdout"), "once she may enter, she reads it");
    }
}

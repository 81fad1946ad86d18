package porto.e2e;

import java.nio.file.Files;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad isolation settings are refused with the right error code and a message that says why. */
class ValidationTest extends PortodTest {
    @BeforeAll
    static void up() throws Exception {
        ok("create", "v");
    }

    private static void refused(String error, String property, String value) throws Exception {
        fails(error, "set", "v", property, value);
    }

    @Test
    void devicesFollowTheManualsSyntax() throws Exception {
        refused("InvalidValue (expected '<device> [r][w][m][-] [name] [mode] [user] [group]'", "devices", "/dev/null");
        refused("InvalidValue (invalid device access 'rx'", "devices", "/dev/null rx");
        refused("InvalidValue (device path must be a normalized path in /dev", "devices", "/etc/passwd rw");
        refused("InvalidValue (device path must be a normalized path in /dev", "devices", "/dev/null rw /dev/../etc/x");
        refused("InvalidValue (invalid device mode '0999'", "devices", "/dev/null rw /dev/null 0999");
        refused("InvalidValue (unknown user 'nosuchuser'", "devices", "/dev/null rw /dev/null 0666 nosuchuser");
        refused("DeviceNotFound (device /dev/porto-no-such-device does not exist", "devices", "/dev/porto-no-such-device rw");
        refused("DeviceNotFound (/dev/pts is not a device node", "devices", "/dev/pts rw");
        ok("set", "v", "devices", "/dev/porto-no-such-device rw?; /dev/null rw");
    }

    @Test
    void capabilitiesMustBeKnown() throws Exception {
        refused("InvalidValue (unknown capability 'FOO'", "capabilities", "NET_ADMIN;FOO");
        refused("InvalidValue (unknown capability 'BAR'", "capabilities_ambient", "BAR");
        ok("set", "v", "capabilities", "cap_net_admin; SYS_PTRACE");
        ok("get", "v", "capabilities[NET_ADMIN]");
    }

    @Test
    void pathsMustBeAbsoluteAndWellFormed() throws Exception {
        refused("InvalidValue (expected an absolute path, got 'tmp/relative'", "root", "tmp/relative");
        refused("InvalidValue (expected '<source> <target> [ro|rw]', got '/tmp'", "bind", "/tmp");
        refused("InvalidValue (bind flag must be ro or rw, got 'xx'", "bind", "/tmp /mnt xx");
        refused("InvalidValue (expected /dev/fd/<number>, got '/dev/fd/x'", "stdout_path", "/dev/fd/x");
        refused("InvalidValue (expected an absolute path", "cwd", "relative");
    }

    @Test
    void otherSettingsAreChecked() throws Exception {
        refused("InvalidValue (unknown enable_porto value 'maybe'", "enable_porto", "maybe");
        refused("InvalidValue (porto_namespace must be empty or a prefix of container names", "porto_namespace", "a b/");
        refused("InvalidValue (expected virt_mode app, os, host, job or fuse, got 'vm'", "virt_mode", "vm");
        refused("InvalidValue (hostname must be", "hostname", "bad name");
        refused("InvalidValue (unknown user 'nosuchuser'", "user", "nosuchuser");
    }

    @Test
    void aMissingRootOrBindSourceStopsTheStart() throws Exception {
        try (Rootfs root = Rootfs.with("true")) {
            ok("create", "paths");
            ok("set", "paths", "command", "true");
            ok("set", "paths", "root", root + "/missing");
            fails("InvalidPath (root " + root + "/missing of paths does not exist", "start", "paths");
            Files.writeString(root.resolve("file"), "");
            ok("set", "paths", "root", root + "/file");
            fails("InvalidPath (root " + root + "/file of paths is not a directory", "start", "paths");
            ok("set", "paths", "root", root.toString());
            ok("set", "paths", "bind", "/porto-no-such-source /mnt");
            fails("InvalidPath (bind source /porto-no-such-source does not exist", "start", "paths");
            ok("destroy", "paths");
        }
    }

    @Test
    void aChildCannotExceedItsParent() throws Exception {
        ok("create", "lim");
        ok("set", "lim", "capabilities", "CHOWN;KILL");
        ok("create", "lim/caps");
        ok("set", "lim/caps", "command", "true");
        ok("set", "lim/caps", "capabilities", "CHOWN;SYS_ADMIN");
        fails("Permission (capabilities out of bounds for lim/caps: SYS_ADMIN", "start", "lim/caps");
        ok("set", "lim/caps", "capabilities", "CHOWN");
        ok("set", "lim/caps", "capabilities_ambient", "KILL");
        fails("Permission (ambient capabilities out of bounds for lim/caps: KILL", "start", "lim/caps");
        ok("create", "lim/dev");
        ok("set", "lim/dev", "command", "true");
        ok("set", "lim/dev", "devices", "/dev/loop-control rw");
        fails("Permission (device c 10:237 rwm is not permitted to parent lim", "start", "lim/dev");
        ok("destroy", "lim");
    }
}

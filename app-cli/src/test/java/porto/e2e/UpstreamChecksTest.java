package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Issue 14: when a value is checked, and what is accepted, as upstream 5.3.15 does. */
class UpstreamChecksTest extends PortodTest {
    static Path tools;

    @BeforeAll
    static void up() throws Exception {
        Users.ensure();
        tools = Files.createTempDirectory("porto-checks-");
        Files.setPosixFilePermissions(tools, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterAll
    static void down() throws Exception {
        if (tools != null)
            PortodProcess.deleteTree(tools);
    }

    private static PortodProcess.Run alice(String... args) throws Exception {
        return Users.portoctl(portod, Users.ALICE, args);
    }

    @Test
    void aGroupTheOwnerIsNotInIsRefusedAtStartNotAtSet() throws Exception {
        assertEquals(0, alice("create", "grp").code());
        PortodProcess.Run set = alice("set", "grp", "group", "root");
        assertEquals(0, set.code(), "set is accepted, as upstream: " + set.err());
        assertEquals("root", get("grp", "group"));
        assertEquals(0, alice("set", "grp", "command", "id -g").code());
        PortodProcess.Run start = alice("start", "grp");
        assertTrue(start.code() != 0 && start.err().contains("Permission") && start.err().contains("group root"),
                "start refuses the group: " + start.err());
        assertEquals("stopped", get("grp", "state"));
        // A group she is in (porto) starts.
        assertEquals(0, alice("set", "grp", "group", "porto").code());
        PortodProcess.Run again = alice("start", "grp");
        assertEquals(0, again.code(), again.err());
        ok("wait", "grp");
        assertEquals(Integer.toString(Integer.parseInt(new String(new ProcessBuilder("getent", "group", "porto").start()
                .getInputStream().readAllBytes()).split(":")[2].trim())), get("grp", "stdout").trim());
        ok("destroy", "grp");
        // Root may start with any group.
        ok("run", "grp-root", "command=id -g", "group=daemon");
        ok("wait", "grp-root");
        assertEquals("0", get("grp-root", "exit_code"));
        ok("destroy", "grp-root");
    }

    @Test
    void portoNamespaceTakesAnyPrefix() throws Exception {
        ok("create", "pfx-seen");
        ok("create", "unseen");
        String portoctl = PortodProcess.portoctlScript(tools).toString();
        ok("run", "nsdash", "command=sh -c '" + portoctl + " list -1; " + portoctl + " get seen absolute_name'",
                "env=PORTO_SOCKET=" + portod.socket, "porto_namespace=pfx-");
        assertEquals("pfx-", get("nsdash", "porto_namespace"));
        ok("wait", "nsdash");
        assertEquals("0", get("nsdash", "exit_code"), get("nsdash", "stderr"));
        assertEquals("seen\n/porto/pfx-seen\n", ok("get", "nsdash", "stdout").out());
        ok("destroy", "nsdash");
        ok("destroy", "pfx-seen");
        ok("destroy", "unseen");
    }

    @Test
    void cpuAboveTheHostsCoresIsTakenAsAsked() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        client.create("cpus");
        client.setProperty("cpus", "cpu_limit", (cores * 4) + "c");
        assertEquals((cores * 4) + "c", client.getProperty("cpus", "cpu_limit"));
        client.setProperty("cpus", "cpu_guarantee", "300%");
        assertEquals((cores * 3) + "c", client.getProperty("cpus", "cpu_guarantee"));
        client.setProperty("cpus", "command", "sleep 1000");
        client.start("cpus");
        assertEquals("running", client.getProperty("cpus", "state"));
        long period = Long.parseLong(client.getProperty("cpus", "cpu.cfs_period_us"));
        assertEquals(Long.toString(period * cores * 4), client.getProperty("cpus", "cpu.cfs_quota_us"),
                "the kernel takes a quota above the cores");
        // Raised further while it runs, as upstream (which only logs a guarantee overcommit); within
        // its own cpu_limit, as our rule that a subtree's guarantee stays within the limit in force keeps.
        client.setProperty("cpus", "cpu_guarantee", (cores * 4) + "c");
        assertEquals((cores * 4) + "c", client.getProperty("cpus", "cpu_guarantee"));
        client.destroy("cpus");
    }
}

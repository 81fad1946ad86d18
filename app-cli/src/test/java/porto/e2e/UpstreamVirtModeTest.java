package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 14: upstream 5.3.15's virt_mode values: host works, job and fuse say why they are not supported. */
class UpstreamVirtModeTest extends PortodTest {

    private static String run(String name, String command, String... props) {
        client.create(name);
        client.setProperty(name, "command", command);
        for (int i = 0; i < props.length; i += 2)
            client.setProperty(name, props[i], props[i + 1]);
        client.start(name);
        client.waitContainers(List.of(name), 10_000);
        assertEquals("0", client.getProperty(name, "exit_code"), client.getProperty(name, "stderr"));
        return client.getProperty(name, "stdout");
    }

    private static String line(String text, String prefix) {
        for (String l : text.split("\n"))
            if (l.startsWith(prefix))
                return l.substring(prefix.length()).trim();
        throw new AssertionError("no " + prefix + " in " + text);
    }

    @Test
    void hostModeRunsInTheHostsNamespacesWithEveryCapability() throws Exception {
        client.create("hm-probe");
        client.setProperty("hm-probe", "virt_mode", "host");
        assertEquals("false", client.getProperty("hm-probe", "isolate"), "host mode turns isolation off");
        Errors.expect("InvalidValue", () -> client.setProperty("hm-probe", "isolate", "true"));
        client.destroy("hm-probe");

        String out = run("hm", "sh -c 'readlink /proc/self/ns/pid /proc/self/ns/mnt /proc/self/ns/uts; grep CapBnd /proc/self/status'",
                "virt_mode", "host");
        String[] lines = out.split("\n");
        assertEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString(), lines[0]);
        assertEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString(), lines[1]);
        assertEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/uts")).toString(), lines[2]);
        String hostBound = line(String.join("\n", Files.readAllLines(Path.of("/proc/self/status"))), "CapBnd:");
        assertEquals(hostBound, line(out, "CapBnd:"), "a root-owned host-mode task keeps the host's whole bounding set");
        String app = run("am", "grep CapBnd /proc/self/status");
        assertTrue(Long.parseLong(line(app, "CapBnd:"), 16) != Long.parseLong(hostBound, 16)
                && (Long.parseLong(line(app, "CapBnd:"), 16) & ~Long.parseLong(hostBound, 16)) == 0,
                "app mode gets less: " + app);
        client.destroy("hm");
        client.destroy("am");
    }

    @Test
    void hostModeRefusesWhatNeedsNamespacesOrAParentNotInHostMode() {
        client.create("hr");
        client.setProperty("hr", "virt_mode", "host");
        client.setProperty("hr", "command", "true");
        client.setProperty("hr", "hostname", "other");
        assertTrue(Errors.expect("InvalidValue", () -> client.start("hr")).contains("virt_mode"));
        client.setProperty("hr", "hostname", "");
        client.setProperty("hr", "root", "/tmp");
        assertTrue(Errors.expect("InvalidValue", () -> client.start("hr")).contains("root"));
        client.destroy("hr");

        client.create("app-parent");
        client.create("app-parent/h");
        client.setProperty("app-parent/h", "virt_mode", "host");
        client.setProperty("app-parent/h", "command", "true");
        assertTrue(Errors.expect("Permission", () -> client.start("app-parent/h")).contains("parent"));
        client.destroy("app-parent");

        client.create("host-parent");
        client.setProperty("host-parent", "virt_mode", "host");
        client.create("host-parent/h");
        client.setProperty("host-parent/h", "virt_mode", "host");
        client.setProperty("host-parent/h", "command", "true");
        client.start("host-parent/h");
        client.waitContainers(List.of("host-parent/h"), 10_000);
        assertEquals("0", client.getProperty("host-parent/h", "exit_code"));
        client.destroy("host-parent");
    }

    @Test
    void jobAndFuseAreNotSupportedAndSayWhy() {
        client.create("vm");
        assertTrue(Errors.expect("NotSupported", () -> client.setProperty("vm", "virt_mode", "job")).contains("cgroups"));
        assertTrue(Errors.expect("NotSupported", () -> client.setProperty("vm", "virt_mode", "fuse")).contains("user namespaces"));
        Errors.expect("InvalidValue", () -> client.setProperty("vm", "virt_mode", "docker"));
        assertEquals("app", client.getProperty("vm", "virt_mode"));
        client.destroy("vm");
    }
}

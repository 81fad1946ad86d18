package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The manual's "Name" section and enable_porto, from clients that run inside containers: each
 * test runs portoctl (this build's) as a container's command and reads what it printed.
 */
class NamesTest extends PortoctlInsideTest {
    /** Runs "portoctl ARGS" (each a line of portoctl arguments) in a new container; returns stdout and stderr. */
    private static String[] inside(String name, List<String> props, String... commands) throws Exception {
        StringBuilder sh = new StringBuilder();
        for (String c : commands)
            sh.append(portoctl).append(' ').append(c).append("; echo \"= $?\"; ");
        List<String> args = new ArrayList<>(List.of("run", name, "command=sh -c '" + sh + "'",
                "env=PORTO_SOCKET=" + portod.socket));
        args.addAll(props);
        ok(args.toArray(String[]::new));
        ok("wait", name);
        return new String[] {ok("get", name, "stdout").out(), ok("get", name, "stderr").out()};
    }

    @Test
    void aClientInAnIsolatedContainerWorksInItsOwnNamespace() throws Exception {
        ok("create", "other");
        String[] out = inside("box", List.of("enable_porto=isolate"),
                "create child", "list -1", "get self absolute_name", "get child absolute_name",
                "get . absolute_name", "get /porto/box/child state", "get self/.. state", "get / state",
                "get /porto/other state");
        assertEquals(String.join("\n",
                "= 0",
                "child", "= 0",
                "/porto/box", "= 0",
                "/porto/box/child", "= 0",
                "/porto/box", "= 0",
                "stopped", "= 0",
                "meta", "= 0",
                "meta", "= 0",
                "= 1") + "\n", out[0], out[1]);
        assertTrue(out[1].contains("Permission"), "a name outside the namespace is refused: " + out[1]);
        assertEquals("stopped", get("box/child", "state"), "the host sees the child by its full name");
        assertEquals("/porto/box/", get("box/child", "absolute_namespace"));
        ok("destroy", "box");
        ok("destroy", "other");
    }

    @Test
    void portoNamespaceIsAPrefix() throws Exception {
        ok("create", "pfx");
        ok("create", "pfx/seen");
        String[] out = inside("nsbox", List.of("porto_namespace=pfx/"), "list -1", "get seen absolute_name");
        assertEquals("seen\n= 0\n/porto/pfx/seen\n= 0\n", out[0], out[1]);
        ok("destroy", "nsbox");
        ok("destroy", "pfx");
    }

    @Test
    void enablePortoFalseRefusesTheClient() throws Exception {
        String[] out = inside("off", List.of("enable_porto=false"), "list");
        assertEquals("= 11\n", out[0], "portoctl exits with the error code, Permission");
        assertTrue(out[1].contains("Permission") && out[1].contains("enable_porto=false"), out[1]);
        ok("destroy", "off");
    }

    @Test
    void readOnlyAccessRefusesWrites() throws Exception {
        ok("create", "visible");
        String[] out = inside("ro", List.of("enable_porto=read-only"), "get visible state", "create nope", "destroy visible");
        assertEquals("stopped\n= 0\n= 11\n= 11\n", out[0], out[1]);
        assertTrue(out[1].contains("Permission") && out[1].contains("read-only"), out[1]);
        fails("ContainerDoesNotExist", "get", "nope", "state");
        ok("destroy", "visible");
        ok("destroy", "ro");
    }

    @Test
    void childOnlyWritesBelowItself() throws Exception {
        String[] out = inside("parent", List.of("enable_porto=child-only"), "create top", "create self/kid");
        assertEquals("= 11\n= 0\n", out[0], out[1]);
        assertEquals("stopped", get("parent/kid", "state"));
        ok("destroy", "parent");
    }

    @Test
    void requestsFromAContainerRunAsItsOwner() throws Exception {
        // The task runs as root so that it can start a JVM; its requests run as the owner, nobody.
        String[] out = inside("users", List.of("owner_user=nobody", "owner_group=nogroup", "user=root", "group=root"),
                "create mine");
        assertEquals("= 11\n", out[0], out[1]);
        assertTrue(out[1].contains("Permission"), out[1]);
        ok("destroy", "users");
    }

    @Test
    void theHostSeesEverythingByItsFullName() throws Exception {
        ok("create", "h");
        ok("create", "h/i");
        assertEquals("/porto/h/i", get("/porto/h/i", "absolute_name"));
        assertEquals("meta", get("self", "state"), "self of a host client is the host");
        assertEquals("/porto/h", get("h/i/..", "absolute_name"));
        ok("destroy", "h");
    }

    @Test
    void theSocketIsReachableInsideARoot() throws Exception {
        try (Rootfs root = Rootfs.empty()) {
            for (String link : List.of("bin", "lib", "lib64", "sbin"))
                if (Files.isSymbolicLink(Path.of("/" + link)))
                    root.symlink("/" + link, "usr/" + link);
            Files.createDirectories(root.resolve("run"));
            Files.createDirectories(root.resolve("tmp"));
            List<String> binds = new ArrayList<>(List.of("/usr /usr ro", tools + " " + tools + " ro"));
            // The checkout (its target directories and surefire's class path jar) and the Maven
            // repository hold the class path of the portoctl that runs inside.
            String checkout = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().toString();
            for (String dir : List.of(checkout, System.getProperty("user.home") + "/.m2"))
                if (Files.isDirectory(Path.of(dir)))
                    binds.add(dir + " " + dir + " ro");
            ok("run", "jail", "command=" + portoctl + " list -1 jail", "root=" + root, "bind=" + String.join("; ", binds));
            ok("wait", "jail");
            assertEquals("0", get("jail", "exit_code"), ok("get", "jail", "stderr").out());
            assertEquals("jail\n", ok("get", "jail", "stdout").out());
            ok("destroy", "jail");
        }
    }
}

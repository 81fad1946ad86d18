package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The quick start's "Isolation" section against a real portod. The quick start builds its root
 * with a "bringup" script; here {@link Rootfs} does that. Stored output lives in the container's
 * working directory on the host, so "stdout" and "stderr" do not show up in the root's listing.
 */
class IsolationTest extends PortodTest {
    @Test
    void withoutIsolationPsSeesTheHost() throws Exception {
        int lines = Integer.parseInt(output("ps", "command=sh -c 'ps aux | wc -l'", "isolate=false").strip());
        assertTrue(lines > 10, "ps sees the host's processes: " + lines);
        ok("destroy", "ps");
    }

    @Test
    void anEmptyRootHasNoCommands() throws Exception {
        try (Rootfs root = Rootfs.empty()) {
            PortodProcess.Run r = portod.portoctl("run", "noroot", "command=ls", "root=" + root);
            assertTrue(r.code() != 0, r.out());
            assertTrue(r.err().contains("No such file or directory") && r.err().contains("execvpe(ls)"), r.err());
        }
    }

    @Test
    void aRootShowsOnlyItsOwnFiles() throws Exception {
        try (Rootfs root = Rootfs.with("ls")) {
            List<String> seen = List.of(output("root", "command=ls /", "root=" + root).split("\n"));
            assertTrue(seen.containsAll(List.of("bin", "dev", "etc", "proc")), seen.toString());
            assertFalse(seen.contains("usr") || seen.contains("home") || seen.contains("place"), "host directories leak in: " + seen);
            assertEquals("/", get("root", "cwd"), "the working directory defaults to the root");
            ok("destroy", "root");
        }
    }

    @Test
    void rootReadonlyForbidsWrites() throws Exception {
        try (Rootfs root = Rootfs.with("touch")) {
            ok("run", "rw", "command=touch a", "root=" + root);
            ok("wait", "rw");
            assertEquals("0", get("rw", "exit_code"));
            assertTrue(Files.exists(root.resolve("a")), "touch wrote into the root");
            ok("run", "ro", "command=touch b", "root=" + root, "root_readonly=true");
            ok("wait", "ro");
            assertEquals("1", get("ro", "exit_code"));
            assertFalse(Files.exists(root.resolve("b")));
            ok("destroy", "rw");
            ok("destroy", "ro");
        }
    }

    @Test
    void bindShowsAHostDirectoryInside() throws Exception {
        try (Rootfs root = Rootfs.with("cat"); Rootfs outside = Rootfs.empty()) {
            outside.write("hello", "hello\n");
            assertEquals("hello", output("bind", "command=cat /binded/hello", "root=" + root, "bind=" + outside + " /binded"));
            // The bind is the container's own: the host sees an empty mount point.
            assertEquals(List.of(), root.list("binded"));
            ok("destroy", "bind");
        }
    }

    @Test
    void bindDnsShowsTheHostsResolverFiles() throws Exception {
        try (Rootfs root = Rootfs.with("cat")) {
            String hosts = Files.readString(java.nio.file.Path.of("/etc/hosts")).strip();
            assertEquals(hosts, output("dns", "command=cat /etc/hosts", "root=" + root));
            ok("destroy", "dns");
            Files.delete(root.resolve("etc/hosts"));
            PortodProcess.Run r = portod.portoctl("run", "nodns", "command=cat /etc/hosts", "root=" + root, "bind_dns=false");
            assertEquals(0, r.code(), r.err());
            ok("wait", "nodns");
            assertEquals("1", get("nodns", "exit_code"), "no /etc/hosts without bind_dns");
            ok("destroy", "nodns");
        }
    }

    @Test
    void resolvConfReplacesTheRootsOwn() throws Exception {
        try (Rootfs root = Rootfs.with("cat")) {
            assertEquals("nameserver 192.0.2.1\nsearch example.org",
                    output("resolv", "command=cat /etc/resolv.conf", "root=" + root, "resolv_conf=nameserver 192.0.2.1;search example.org"));
            ok("destroy", "resolv");
        }
    }

    @Test
    void hostnameIsTheContainersOwn() throws Exception {
        try (Rootfs root = Rootfs.with("hostname", "cat")) {
            assertEquals("porto", output("hostname", "command=hostname", "hostname=porto", "root=" + root));
            ok("destroy", "hostname");
            // A regular /etc/hostname in the root is covered with the container's name.
            root.write("etc/hostname", "image\n");
            assertEquals("porto", output("etchost", "command=cat /etc/hostname", "hostname=porto", "root=" + root));
            assertEquals("image\n", Files.readString(root.resolve("etc/hostname")), "the root's own file is untouched");
            ok("destroy", "etchost");
        }
        // Without isolation the container still gets a uts namespace of its own for its name.
        assertEquals("shared", output("sharedname", "command=hostname", "hostname=shared", "isolate=false"));
        assertEquals(Rootfs.run("hostname").strip(), output("hostcheck", "command=hostname", "isolate=false"),
                "the host's name is untouched");
        ok("destroy", "sharedname");
        ok("destroy", "hostcheck");
    }

    @Test
    void devIsBuiltFromThePermittedDevices() throws Exception {
        try (Rootfs root = Rootfs.with("ls", "sh", "cat")) {
            List<String> dev = List.of(output("dev", "command=ls /dev", "root=" + root).split("\n"));
            assertEquals(List.of("console", "fd", "full", "null", "ptmx", "pts", "random", "shm", "stderr", "stdin",
                    "stdout", "tty", "urandom", "zero"), dev);
            ok("destroy", "dev");
            // /dev/console is a null device; a device given with a name, mode and owner shows up as such.
            String listing = output("dev2", "command=ls -ln /dev/console /dev/myloop", "root=" + root,
                    "devices=/dev/loop-control r /dev/myloop 0600 daemon");
            String[] lines = listing.split("\n");
            assertTrue(lines[0].matches("crw------- +1 0 +0 +1, +3 .*/dev/console"), listing);
            assertTrue(lines[1].matches("crw------- +1 1 +0 +10, +237 .*/dev/myloop"), listing);
            ok("destroy", "dev2");
        }
    }

    @Test
    void theDevicesCgroupDeniesWhatIsNotListed() throws Exception {
        String probe = "command=sh -c 'if (exec 3</dev/loop-control) 2>/dev/null; then echo opened; else echo denied; fi'";
        assertEquals("denied", output("noloop", probe));
        ok("destroy", "noloop");
        assertEquals("opened", output("loop", probe, "devices=/dev/loop-control r"));
        ok("destroy", "loop");
    }

    @Test
    void pidNamespaceHidesTheHost() throws Exception {
        try (Rootfs root = Rootfs.with("ps")) {
            String[] ps = output("chps", "command=ps", "root=" + root).split("\n");
            assertEquals(2, ps.length, String.join("\n", ps));
            assertTrue(ps[1].trim().startsWith("1 "), ps[1]);
            ok("destroy", "chps");
        }
    }
}

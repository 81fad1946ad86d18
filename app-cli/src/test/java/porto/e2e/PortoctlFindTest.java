package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** "portoctl find PID [COMM]": the container a process belongs to, as upstream's; "portoctl attach"'s errors. */
class PortoctlFindTest extends PortodTest {

    @Test
    void findsTheContainerOfATaskAndOfItsChildren() throws Exception {
        ok("run", "finder", "command=sh -c 'sleep 1000 & wait'");
        ok("create", "finder/inner");
        ok("run", "finder/inner/deep", "command=sleep 1000");
        try {
            String root = get("finder", "root_pid");
            assertEquals("finder", ok("find", root).line());
            assertEquals("finder", ok("find", root, "sh").line(), "the right comm is accepted");
            Await.until("finder's shell forks its sleep", Duration.ofSeconds(30), () -> childOf(root) != null);
            String child = childOf(root);
            assertEquals("finder", ok("find", child).line(), "a task's child is in its container");
            assertEquals("finder/inner/deep", ok("find", get("finder/inner/deep", "root_pid")).line());
            assertEquals("/", ok("find", Long.toString(ProcessHandle.current().pid())).line(),
                    "a process of the host belongs to /");
        } finally {
            ok("destroy", "finder");
        }
    }

    @Test
    void refusesBadPidsAndAWrongComm() throws Exception {
        ok("run", "found", "command=sleep 1000");
        try {
            PortodProcess.Run r = portod.portoctl("find", "nope");
            assertEquals(1, r.code());
            assertEquals("Can't parse pid nope\n", r.err());
            fails("InvalidValue", "find", get("found", "root_pid"), "not-sleep");
            fails("InvalidValue", "find", "999999999");
        } finally {
            ok("destroy", "found");
        }
    }

    @Test
    void attachReportsBadInputAndTheDaemonsAnswer() throws Exception {
        PortodProcess.Run r = portod.portoctl("attach", "somewhere", "nope");
        assertEquals(1, r.code());
        assertEquals("Cannot parse pid nope\n", r.err());
        assertEquals(1, portod.portoctl("attach", "somewhere").code(), "a pid is needed");
        // whatever the daemon answers (no such container, or a daemon without attachProcess), upstream's words
        fails("Cannot attach: ", "attach", "no-such-container", Long.toString(ProcessHandle.current().pid()));
    }

    @Test
    void attachMovesAProcessStartedOutsideIntoTheContainersCgroups() throws Exception {
        ok("run", "host-for", "command=sleep 1000", "isolate=false"); // a pid namespace of its own may not be joined from outside
        Process outside = new ProcessBuilder("sleep", "1000").start();
        try {
            String pid = Long.toString(outside.pid());
            assertEquals("/", ok("find", pid).line(), "it starts on the host");
            fails("InvalidValue", "attach", "host-for", pid, "not-sleep");
            fails("Busy", "attach", "host-for", get("host-for", "root_pid"));
            ok("attach", "host-for", pid);
            assertEquals("host-for", ok("find", pid).line(), "locateProcess finds it in the container");
            String cgroups = Files.readString(Path.of("/proc/" + pid + "/cgroup"));
            String freezer = cgroups.lines().filter(l -> l.contains(":freezer:")).findFirst().orElse(cgroups);
            assertTrue(freezer.endsWith("/host-for"), "moved into the container's cgroup: " + freezer);
            assertEquals("2", get("host-for", "process_count"), "the container counts it");
            ok("destroy", "host-for");
            assertTrue(outside.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "killed with the container it joined");
        } finally {
            outside.destroyForcibly();
            portod.portoctl("destroy", "host-for");
        }
    }

    /** The first child of {@code pid}, or null while it has none. */
    private static String childOf(String pid) throws Exception {
        Path children = Path.of("/proc/" + pid + "/task/" + pid + "/children");
        String text = Files.readString(children).strip();
        return text.isEmpty() ? null : text.split(" ")[0];
    }
}

package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

    /** The first child of {@code pid}, or null while it has none. */
    private static String childOf(String pid) throws Exception {
        Path children = Path.of("/proc/" + pid + "/task/" + pid + "/children");
        String text = Files.readString(children).strip();
        return text.isEmpty() ? null : text.split(" ")[0];
    }
}

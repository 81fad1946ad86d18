package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "portoctl exec" and "portoctl shell" at a terminal, as upstream's: the container gets a
 * pseudo-terminal of its own as its controlling terminal, with our window size; what the user types
 * reaches it, ^X^X leaves; -T passes our own terminal as it is.
 */
class PortoctlTerminalTest extends PortodTest {
    static Path tools;
    static String portoctl;

    @BeforeAll
    static void tools() throws Exception {
        tools = Files.createTempDirectory("porto-pty-");
        portoctl = PortodProcess.portoctlScript(tools).toString();
    }

    @AfterAll
    static void clean() throws Exception {
        if (tools != null)
            PortodProcess.deleteTree(tools);
    }

    private static PtyDriver.Result atTerminal(List<String> args, String... steps) throws Exception {
        List<String> argv = new java.util.ArrayList<>();
        argv.add(portoctl);
        argv.addAll(args);
        return PtyDriver.run(portod.env(), argv, 33, 101, steps);
    }

    @Test
    void execGivesTheContainerATerminalOfItsOwn() throws Exception {
        PtyDriver.Result r = atTerminal(List.of("exec", "pty-exec",
                "command=sh -c 'tty; stty size; echo TERM=$TERM; read line; echo got:$line;"
                        + " exec </dev/tty && echo has-ctty; exit 7'"),
                "expect", "TERM=", "send", "hello\r");
        assertTrue(r.output().contains("/dev/pts/"), r.output());
        assertFalse(r.output().contains(r.tty() + "\r\n"), "not our own terminal: " + r.output());
        assertTrue(r.output().contains("33 101"), "our window size: " + r.output());
        assertTrue(r.output().contains("TERM=xterm") || r.output().matches("(?s).*TERM=\\S+.*"), r.output());
        assertTrue(r.output().contains("got:hello"), "what we typed reached it: " + r.output());
        assertTrue(r.output().contains("has-ctty"), "it is the controlling terminal: " + r.output());
        assertTrue(r.output().contains("Container exit code: 7"), r.output());
        assertEquals(7, r.status());
        assertFalse(ok("list", "-1").out().contains("pty-exec"), "the weak container is gone");
    }

    @Test
    void aNewWindowSizeIsPassedOn() throws Exception {
        // The container polls its terminal's size until it changes: portoctl passes it on at SIGWINCH.
        PtyDriver.Result r = atTerminal(List.of("exec", "pty-winch",
                "command=sh -c 'echo was $(stty size); while [ \"$(stty size)\" = \"33 101\" ]; do sleep 0.05; done;"
                        + " echo now $(stty size)'"),
                "expect", "was 33 101", "resize", "40 120");
        assertEquals(0, r.status(), r.output());
        assertTrue(r.output().contains("now 40 120"), r.output());
    }

    @Test
    void controlCInterruptsTheContainersForeground() throws Exception {
        // Our terminal is raw: ^C is passed on as a byte, and the container's terminal turns it into SIGINT.
        PtyDriver.Result r = atTerminal(List.of("exec", "pty-int",
                "command=sh -c 'trap \"echo got-int; exit 5\" INT; echo ready; while :; do sleep 0.05; done'"),
                "expect", "ready", "send", "\u0003");
        assertTrue(r.output().contains("got-int"), r.output());
        assertEquals(5, r.status(), r.output());
    }

    @Test
    void shellAsAnotherUserTakesTheirPrimaryGroup() throws Exception {
        Users.ensure();
        ok("run", "pty-as", "command=sleep 1000");
        try {
            PtyDriver.Result r = atTerminal(List.of("shell", "-u", Users.ALICE, "pty-as", "sh -c 'echo as $(id -un):$(id -gn)'"));
            assertEquals(0, r.status(), r.output());
            String group = new String(new ProcessBuilder("id", "-gn", Users.ALICE).start().getInputStream().readAllBytes()).strip();
            assertTrue(r.output().contains("as " + Users.ALICE + ":" + group), r.output());
        } finally {
            ok("destroy", "pty-as");
        }
    }

    @Test
    void controlXTwiceLeaves() throws Exception {
        PtyDriver.Result r = atTerminal(List.of("exec", "pty-escape", "command=sh -c 'echo ready; exec sleep 1000'"),
                "expect", "ready", "send", "\u0018\u0018");
        assertTrue(r.output().contains("<exit portoctl>"), r.output());
        assertEquals(0, r.status());
        assertFalse(ok("list", "-1").out().contains("pty-escape"), "the weak container is destroyed");
    }

    @Test
    void dashTPassesOurOwnTerminal() throws Exception {
        PtyDriver.Result r = atTerminal(List.of("exec", "-T", "pty-plain", "command=tty"));
        assertEquals(0, r.status(), r.output());
        assertTrue(r.output().contains(r.tty()), "our terminal " + r.tty() + ": " + r.output());
    }

    @Test
    void shellRunsInAChildOfTheContainer() throws Exception {
        ok("run", "pty-sh", "command=sleep 1000");
        try {
            PtyDriver.Result r = atTerminal(List.of("shell", "pty-sh",
                    "sh -c 'echo name=$PORTO_SHELL_NAME chroot=$debian_chroot; grep freezer /proc/self/cgroup; read x; echo bye'"),
                    "expect", "chroot=", "send", "\r");
            assertEquals(0, r.status(), r.output());
            assertTrue(r.output().contains("name=pty-sh chroot=pty-sh"), r.output());
            assertTrue(r.output().contains("bye"), r.output());
            assertTrue(r.output().matches("(?s).*freezer:\\S*pty-sh\\S*shell-\\S+.*"),
                    "it ran in a child of pty-sh named shell-...: " + r.output());
            assertEquals("pty-sh\n", ok("list", "-1", "pty-sh***").out(), "the shell's container is gone");
        } finally {
            ok("destroy", "pty-sh");
        }
    }
}

package porto.cli.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import porto.cli.Format;
import porto.cli.Portoctl;

class ExitStatusTest {

    @Test
    void exitCodesAreSpelledOut() {
        assertEquals("Container exited with 0", Format.exitStatus("0"));
        assertEquals("Container exited with 1", Format.exitStatus("256"));
        assertEquals("Container exited with 255", Format.exitStatus("65280"));
    }

    @Test
    void signalsAreSpelledOut() {
        assertEquals("Container killed by signal 9", Format.exitStatus("9"));
        assertEquals("Container killed by signal 15", Format.exitStatus("15"));
        assertEquals("Container killed by signal 11 (core dumped)", Format.exitStatus("139"));
        assertEquals("Container killed by signal 6 (core dumped)", Format.exitStatus("134"));
    }

    @Test
    void anythingElseStaysRaw() {
        assertEquals("", Format.exitStatus(""));
        assertEquals("abc", Format.exitStatus("abc"));
        // stopped (0x7f in the low byte) is neither an exit nor a kill
        assertEquals("4991", Format.exitStatus("4991"));
    }

    @Test
    void getSpellsOutOnlyExitStatusWhenAskedByName() {
        assertEquals("Container exited with 2", Portoctl.humanGetValue("exit_status", "512", false));
        assertEquals("1073741824", Portoctl.humanGetValue("memory_limit", "1073741824", false));
        assertEquals("true", Portoctl.humanGetValue("oom_killed", "true", false));
        assertEquals("1G", Portoctl.humanGetValue("memory_limit", "1073741824", true));
        assertEquals("Container killed by signal 9", Portoctl.humanGetValue("exit_status", "9", true));
    }

    @Test
    void execReportsAndExitsLikeUpstream() {
        assertNull(Portoctl.exitMessage(0, false));
        assertEquals(0, Portoctl.exitCode(0, false));

        assertEquals("Container exit code: 3", Portoctl.exitMessage(3 << 8, false));
        assertEquals(3, Portoctl.exitCode(3 << 8, false));

        assertEquals("Container killed by signal: 9 (Killed)", Portoctl.exitMessage(9, false));
        assertEquals(137, Portoctl.exitCode(9, false));

        assertEquals("Container killed by signal: 11 (Segmentation fault)", Portoctl.exitMessage(139, false));
        assertEquals(139, Portoctl.exitCode(139, false));

        assertEquals("Container killed by OOM", Portoctl.exitMessage(9, true));
        assertEquals(137, Portoctl.exitCode(0, true));
    }
}

package porto.cli.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import porto.cli.Format;
import porto.cli.Portoctl;
import porto.client.PortoClientException;
import porto.rpc.Rpc.EError;

class FormatTest {

    @Test
    void errorsReadCantOpNameMessage() {
        assertEquals("Can't create container: ContainerAlreadyExists (container a already exists)",
                Format.error("Can't create container",
                        new PortoClientException(EError.ContainerAlreadyExists_VALUE, "container a already exists")));
        assertEquals("Can't start container: Unknown (No such file or directory: execvpe(x))",
                Format.error("Can't start container", new PortoClientException(EError.Unknown, "No such file or directory: execvpe(x)")));
        assertEquals("Can't list containers: SocketUnavailable",
                Format.error("Can't list containers", new PortoClientException(EError.SocketUnavailable_VALUE, "")));
    }

    @Test
    void sizes() {
        assertEquals("0B", Format.size(0));
        assertEquals("1023B", Format.size(1023));
        assertEquals("1K", Format.size(1024));
        assertEquals("1.5K", Format.size(1536));
        assertEquals("1G", Format.size(1L << 30));
        assertEquals("2.5G", Format.size((5L << 30) / 2));
        assertEquals("16.0E", Format.size(-1L), "the largest unsigned 64-bit value");
        assertEquals("8E", Format.size(Long.MIN_VALUE));
    }

    @Test
    void durations() {
        assertEquals("0s", Format.duration(0));
        assertEquals("1.5s", Format.duration(1500));
        assertEquals("0.001s", Format.duration(1));
        assertEquals("12.34s", Format.duration(12340));
        assertEquals("59.999s", Format.duration(59999));
        assertEquals("0:01:00", Format.duration(60000));
        assertEquals("0:01:15", Format.duration(75000));
        assertEquals("1:00:00", Format.duration(3600000));
        assertEquals("23:59:59", Format.duration(86399000));
        assertEquals("1d  1:01", Format.duration(90061000));
        assertEquals("12d 13:14", Format.duration(((12L * 24 + 13) * 60 + 14) * 60000));
    }

    @Test
    void humanValues() {
        assertEquals("1G", Format.humanValue("memory_limit", "1073741824"));
        assertEquals("0:01:15", Format.humanValue("time", "75"));
        assertEquals("3s", Format.humanValue("time", "3"));
        assertEquals("1.5s", Format.humanValue("cpu_usage", "1500000000"));
        assertEquals("Container exited with 1", Format.humanValue("exit_status", "256"));
        assertEquals("sda: 1K; sdb: 2K", Format.humanValue("io_read", "sda: 1024; sdb: 2048"));
        assertEquals("1K", Format.humanValue("io_read[sda]", "1024"));
        assertEquals("fs: 1.5s", Format.humanValue("io_time", "fs: 1500000000"));
        assertEquals("ls -l", Format.humanValue("command", "ls -l"));
        assertEquals("", Format.humanValue("memory_limit", ""));
        assertEquals("-1", Format.humanValue("memory_limit", "-1"));
        assertEquals("A=1;B=2", Format.humanValue("env", "A=1;B=2"));
    }

    @Test
    void longOutputIsCutInTheMiddle() {
        String out = "a".repeat(3000) + "b".repeat(3000);
        String shown = Format.humanValue("stdout", out);
        assertTrue(shown.startsWith("a".repeat(2048) + "\n... skip 1904 bytes ...\n"));
        assertTrue(shown.endsWith("b".repeat(2048)));
        assertEquals("short\n", Format.humanValue("stderr", "short\n"));
    }

    @Test
    void listColumns() {
        assertEquals(10, Format.fieldWidth(List.of("a", "b/c"), 8));
        assertEquals(14, Format.fieldWidth(List.of("a", "abcdefghijkl"), 8));
        assertEquals("a            running          5s", Format.listLine("a", 10, "running", "5s"));
        assertEquals("a/b          stopped", Format.listLine("a/b", 10, "stopped", null));
        assertEquals("very-long-name      dead     0:01:15", Format.listLine("very-long-name", 14, "dead", "0:01:15"));
    }

    @Test
    void forest() {
        assertEquals("a", Format.forestName("a"));
        assertEquals(" \\_ b", Format.forestName("a/b"));
        assertEquals("    \\_ c", Format.forestName("a/b/c"));
    }

    @Test
    void helpLinesWrapAtTheTerminal() {
        StringBuilder sb = new StringBuilder();
        Format.aligned(sb, "create", "create container", 10, 80);
        assertEquals("  create    create container\n", sb.toString());

        sb.setLength(0);
        Format.aligned(sb, "x", "0123456789abcdefghij", 4, 16);
        // 16 columns - 4 for the name - 4 = 8, and a piece is cut once it is longer than that
        assertEquals("  x   012345678\n      9abcdefgh\n      ij\n", sb.toString());

        sb.setLength(0);
        Format.aligned(sb, "gc", "", 10, 80);
        assertEquals("  gc        \n", sb.toString());
    }

    @Test
    void valuesGetOneNewline() {
        assertEquals("running\n", Portoctl.valueLine(null, "running"));
        assertEquals("state = running\n", Portoctl.valueLine("state", "running"));
        assertEquals("hello\n", Portoctl.valueLine(null, "hello\n"));
        assertEquals("\n", Portoctl.valueLine(null, ""));
    }

    @Test
    void padding() {
        assertEquals("ab   ", Format.padRight("ab", 5));
        assertEquals("   ab", Format.padLeft("ab", 5));
        assertEquals("abcdef", Format.padLeft("abcdef", 3));
    }
}

package porto.linux.net;

import static porto.ports.Errno.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import porto.ports.KernelException;
import porto.ports.net.Network.ProtocolTable;

/**
 * The protocol counters of /proc/net/netstat and /proc/net/snmp: each section is a line of names
 * ("TcpExt: SyncookiesSent ...") followed by a line of numbers in the same order. They are read
 * through /proc/thread-self, which shows the namespace of the reading thread.
 */
final class ProcNetCounters {
    private ProcNetCounters() {}

    static Map<String, Long> read(ProtocolTable table) throws KernelException {
        Path file = Path.of("/proc/thread-self/net", table == ProtocolTable.NETSTAT ? "netstat" : "snmp");
        try {
            return parse(Files.readAllLines(file), file.toString());
        } catch (IOException e) {
            throw new KernelException(ENOENT, "cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Pairs each name with the number below it; the section's own label ("TcpExt:") is no counter. */
    static Map<String, Long> parse(List<String> lines, String what) throws KernelException {
        Map<String, Long> out = new TreeMap<>();
        for (int i = 0; i + 1 < lines.size(); i += 2) {
            String[] names = lines.get(i).trim().split("\\s+");
            String[] values = lines.get(i + 1).trim().split("\\s+");
            if (names.length != values.length)
                throw new KernelException(EINVAL, what + ": " + names.length + " names but " + values.length + " values in '"
                        + names[0] + "'");
            for (int k = 1; k < names.length; k++) {
                try {
                    out.put(names[k], Long.parseLong(values[k]));
                } catch (NumberFormatException e) {
                    // not a number: skipped, as upstream does (Tcp's MaxConn -1 is kept as -1)
                }
            }
        }
        return out;
    }
}

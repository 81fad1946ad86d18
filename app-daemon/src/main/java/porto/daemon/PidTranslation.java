package porto.daemon;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import porto.domain.ErrorCode;
import porto.domain.PortoException;

/**
 * A pid as a client in another pid namespace names it, as the host's pid (upstream's
 * TranslatePid): the process of the client's own pid namespace whose innermost pid it is. The
 * kernel lists each process's pids, outermost first, in the NSpid line of /proc/PID/status.
 */
final class PidTranslation {
    private PidTranslation() {}

    private static final java.util.regex.Pattern DIGITS = java.util.regex.Pattern.compile("[0-9]+");

    static int toHost(int clientPid, int pid) throws PortoException {
        String clientNs = namespace(clientPid);
        if (clientNs == null || clientNs.equals(OwnNamespace.VALUE))
            return pid;
        try (DirectoryStream<Path> all = Files.newDirectoryStream(Path.of("/proc"), p -> DIGITS.matcher(p.getFileName().toString()).matches())) {
            for (Path p : all) {
                int host = Integer.parseInt(p.getFileName().toString());
                long[] ns = nsPids(host);
                if (ns.length > 1 && ns[ns.length - 1] == pid && clientNs.equals(namespace(host)))
                    return host;
            }
        } catch (IOException e) {
            throw new PortoException(ErrorCode.Unknown, "cannot read /proc: " + e.getMessage());
        }
        throw new PortoException(ErrorCode.InvalidValue, "task " + pid + " not found in the client's pid namespace");
    }

    private static String namespace(int pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Integer.toString(pid), "ns", "pid")).toString();
        } catch (IOException e) {
            return null;
        }
    }

    private static long[] nsPids(int pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "status")))
                if (line.startsWith("NSpid:"))
                    return java.util.Arrays.stream(line.substring(6).trim().split("\\s+")).mapToLong(Long::parseLong).toArray();
        } catch (IOException | RuntimeException e) {
            // gone meanwhile
        }
        return new long[0];
    }

    /** The daemon's own pid namespace, read once (lazily, on the first translation). */
    private static final class OwnNamespace {
        static final String VALUE = namespace((int) ProcessHandle.current().pid());
    }
}

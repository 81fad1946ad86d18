package porto.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import porto.client.PortoClient;

/**
 * A container's cgroup for one controller, found the way a user would: the daemon's
 * {@code cgroups[controller]} names the path, this host's mounts name the hierarchy. On a host where
 * the controller has no v1 hierarchy it is looked up in cgroup2, where files have their v2 names.
 */
record ContainerCgroup(Path dir, boolean unified) {
    /** Controllers of cgroup v1 and their cgroup2 successors. */
    private static final Map<String, String> V2_NAME = Map.of("cpuacct", "cpu", "blkio", "io");

    static ContainerCgroup of(PortoClient client, String container, String controller) {
        Path v1 = v1Mount(controller);
        String asked = v1 != null ? controller : V2_NAME.getOrDefault(controller, controller);
        Path mount = v1 != null ? v1 : unifiedMount();
        String path = client.getProperty(container, "cgroups[" + asked + "]");
        if (!path.startsWith("/"))
            throw new IllegalStateException("cgroups[" + asked + "] of " + container + " is '" + path + "', not a path");
        return new ContainerCgroup(mount.resolve(path.substring(1)), v1 == null);
    }

    /** The file of a knob: its v1 name on a v1 hierarchy, its v2 name in cgroup2. */
    Path file(String v1Name, String v2Name) {
        return dir.resolve(unified ? v2Name : v1Name);
    }

    String read(String v1Name, String v2Name) throws IOException {
        return Files.readString(file(v1Name, v2Name)).strip();
    }

    private static Path v1Mount(String controller) {
        for (String[] m : cgroupMounts())
            if (m[1].equals("cgroup") && Arrays.asList(m[2].split(",")).contains(controller))
                return Path.of(m[0]);
        return null;
    }

    private static Path unifiedMount() {
        for (String[] m : cgroupMounts())
            if (m[1].equals("cgroup2"))
                return Path.of(m[0]);
        throw new IllegalStateException("this host mounts no cgroup hierarchy for the controller, v1 or v2");
    }

    /** Each cgroup mount as {mount point, file system type, super options}, from /proc/self/mountinfo. */
    private static java.util.List<String[]> cgroupMounts() {
        try {
            return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                    .map(line -> {
                        String[] fields = line.split(" ");
                        int dash = Arrays.asList(fields).indexOf("-");
                        return new String[] {fields[4], fields[dash + 1], fields[dash + 3]};
                    })
                    .filter(m -> m[1].startsWith("cgroup"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

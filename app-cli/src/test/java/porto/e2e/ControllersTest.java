package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * As upstream, the daemon mounts the v1 controllers it uses that the kernel has and no hierarchy
 * holds (here net_cls and perf_event), and gives them to its containers; a controller bound to
 * cgroup2 (hugetlb on this host) stays where it is and is NotSupported, as upstream's answer.
 */
class ControllersTest extends PortodTest {

    /** Enabled controllers of this kernel and their v1 hierarchy id, from /proc/cgroups. */
    private static Map<String, Integer> kernelControllers() throws Exception {
        Map<String, Integer> out = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/cgroups")))
            if (!line.startsWith("#")) {
                String[] w = line.trim().split("\\s+");
                if (w[3].equals("1"))
                    out.put(w[0], Integer.parseInt(w[1]));
            }
        return out;
    }

    /** Controllers the cgroup2 root holds. */
    private static Set<String> onCgroup2() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo")))
            if (line.contains(" - cgroup2 ")) {
                String text = Files.readString(Path.of(line.split(" ")[4], "cgroup.controllers")).trim();
                return text.isEmpty() ? Set.of() : Set.of(text.split(" "));
            }
        return Set.of();
    }

    private static boolean mountedAsV1(String controller) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            int dash = line.indexOf(" - ");
            String[] right = line.substring(dash + 3).split(" ");
            if (right[0].equals("cgroup") && List.of(right[2].split(",")).contains(controller))
                return true;
        }
        return false;
    }

    @Test
    void missingControllersAreMountedAndUsed() throws Exception {
        Map<String, Integer> kernel = kernelControllers();
        Set<String> v2 = onCgroup2();
        ok("run", "ctl", "command=sleep 1000");
        try {
            String cgroups = get("ctl", "cgroups");
            String controllers = get("ctl", "controllers");
            for (String name : List.of("net_cls", "perf_event")) {
                if (!kernel.containsKey(name) || v2.contains(name)) {
                    assertFalse(controllers.contains(name), name + " is not in this kernel's v1: " + controllers);
                    continue;
                }
                assertTrue(mountedAsV1(name), name + " is mounted after the daemon started");
                assertTrue(controllers.contains(name), "a first-level container has every controller: " + controllers);
                assertTrue(cgroups.contains(name + ": /" + portod.cgroupRoot + "/ctl"), cgroups);
                long pid = Long.parseLong(get("ctl", "root_pid"));
                String procCgroup = Files.readString(Path.of("/proc/" + pid + "/cgroup"));
                assertTrue(procCgroup.contains(":" + name + ":/" + portod.cgroupRoot + "/ctl\n"),
                        "the task lives in its " + name + " cgroup: " + procCgroup);
            }
            if (v2.contains("hugetlb") && !mountedAsV1("hugetlb")) {
                fails("NotSupported", "get", "ctl", "hugetlb_usage");
                fails("NotSupported", "get", "/", "hugetlb_usage");
                ok("create", "ctl-stopped");
                fails("NotSupported", "set", "ctl-stopped", "controllers[hugetlb]", "true");
                ok("destroy", "ctl-stopped");
            } else {
                assertTrue(get("ctl", "hugetlb_usage").matches("\\d+"));
            }
        } finally {
            ok("destroy", "ctl");
        }
    }

    @Test
    void theDaemonMountsThemWhereTheyAreMissingAndLeavesExistingMountsAlone() throws Exception {
        assertFalse(portod.logText().contains("mounted cgroup controller net_cls"),
                "net_cls was mounted by the host or an earlier daemon: this one leaves it:\n" + portod.logText());
        // A daemon in a mount namespace of its own where net_cls and perf_event are not mounted.
        String unmount = "umount /sys/fs/cgroup/net_cls 2>/dev/null; umount /sys/fs/cgroup/perf_event 2>/dev/null; exec \"$@\"";
        try (PortodProcess own = PortodProcess.start(Map.of(),
                List.of("unshare", "--mount", "--propagation", "private", "sh", "-c", unmount, "sh"))) {
            Map<String, Integer> kernel = kernelControllers();
            Set<String> v2 = onCgroup2();
            String mountinfo = Files.readString(Path.of("/proc/" + own.daemonPid() + "/mountinfo"));
            for (String name : List.of("net_cls", "perf_event")) {
                if (!kernel.containsKey(name) || v2.contains(name))
                    continue;
                assertTrue(own.logText().contains("mounted cgroup controller " + name + " at /sys/fs/cgroup/" + name), own.logText());
                assertTrue(mountinfo.contains(" /sys/fs/cgroup/" + name + " "), mountinfo);
            }
            if (v2.contains("hugetlb"))
                assertTrue(own.logText().contains("cgroup controller hugetlb is bound to cgroup2"), own.logText());
        }
    }
}

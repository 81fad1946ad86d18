package porto.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** What tests leave on the host's mount table and loop devices, found and released. */
final class HostMounts {
    private HostMounts() {}

    /** Mount points at or below dir, deepest first (mountinfo escapes spaces; test paths have none). */
    static List<String> under(Path dir) throws IOException {
        String prefix = dir.toString();
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String mp = line.split(" ")[4];
            if ((mp.equals(prefix) || mp.startsWith(prefix + "/")) && !out.contains(mp))
                out.add(mp);
        }
        out.sort(Comparator.comparingInt(String::length).reversed());
        return out;
    }

    /** Loop devices whose backing file is at or below dir. */
    static List<String> loopsUnder(Path dir) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : run("losetup", "--list", "--noheadings", "--output", "NAME,BACK-FILE").split("\n")) {
            String[] f = line.trim().split("\\s+", 2);
            if (f.length == 2 && (f[1].startsWith(dir + "/") || f[1].equals(dir.toString())))
                out.add(f[0]);
        }
        return out;
    }

    /**
     * True once loop device {@code name} (e.g. "loop3") has no backing file, within 10 s: a device
     * detached while its lazily unmounted filesystem still holds it is freed by the kernel only
     * when that last reference goes (autoclear), a moment after the detach returned.
     */
    static boolean loopFreed(String name) throws Exception {
        Path backing = Path.of("/sys/block", name, "loop", "backing_file");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Files.exists(backing)) {
            if (System.nanoTime() > deadline)
                return false;
            Thread.sleep(20); // the kernel announces no event for it
        }
        return true;
    }

    /** Unmounts (lazily) every mount below dir and detaches its loop devices. */
    static void release(Path dir) throws Exception {
        for (int round = 0; round < 5; round++) {
            List<String> mounts = under(dir);
            if (mounts.isEmpty())
                break;
            for (String m : mounts)
                run("umount", "-l", m);
        }
        for (String dev : loopsUnder(dir))
            run("losetup", "-d", dev);
    }

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}

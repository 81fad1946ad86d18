package porto.linux;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import porto.ports.KernelException;
import porto.ports.LaunchResult;
import porto.ports.LaunchSpec;
import porto.ports.TaskLauncher;

/**
 * Starts tasks through {@code portod-native launch-server} ({@link LaunchServer}), which forks a
 * launcher per start: the spec is NUL-terminated "key=value" records; the launcher answers one
 * line, "ok PID STARTTIME" or "error ERRNO MESSAGE". The task is left re-parented to the
 * master, never to this JVM.
 */
public final class NativeLauncher implements TaskLauncher {
    private final Path nativeBinary;
    private final Path socket;
    private final CgroupFsMounts cgroupMounts;

    /** {@code socket}: the daemon's socket, bound at /run/portod.socket into roots with porto access. */
    public NativeLauncher(Path nativeBinary, Path socket) {
        this(nativeBinary, socket, CgroupFsMounts.ofHost());
    }

    /** {@code cgroupMounts}: the host's hierarchies, mounted again inside a container that asks for cgroupfs. */
    public NativeLauncher(Path nativeBinary, Path socket, CgroupFsMounts cgroupMounts) {
        this.nativeBinary = nativeBinary;
        this.socket = socket;
        this.cgroupMounts = cgroupMounts;
    }

    @Override
    public LaunchResult launch(LaunchSpec spec) throws KernelException {
        return parseAnswer(LaunchServer.of(nativeBinary).launch(encode(spec, socket, cgroupMounts)));
    }

    static LaunchResult parseAnswer(String answer) throws KernelException {
        String[] words = answer.split(" ", 3);
        if (words.length == 3 && words[0].equals("ok"))
            return new LaunchResult(Integer.parseInt(words[1]), Long.parseLong(words[2]));
        if (words.length >= 2 && words[0].equals("error")) {
            int errno = Integer.parseInt(words[1]);
            throw new KernelException(errno, words.length == 3 ? words[2] : "errno " + errno);
        }
        throw new KernelException(0, "launcher gave no answer" + (answer.isEmpty() ? "" : ": " + answer));
    }

    static byte[] encode(LaunchSpec spec) {
        return encode(spec, null, CgroupFsMounts.NONE);
    }

    static byte[] encode(LaunchSpec spec, Path socket) {
        return encode(spec, socket, CgroupFsMounts.NONE);
    }

    /**
     * The records of {@code spec}; {@code socket} is the daemon's socket, shown in roots that ask for it;
     * {@code cgroupMounts} the host's hierarchies, for cgroupfs.
     */
    static byte[] encode(LaunchSpec spec, Path socket, CgroupFsMounts cgroupMounts) {
        Records r = new Records();
        for (String dir : spec.cgroupDirectories())
            r.add("cgroup", dir);
        if (spec.client() != null)
            r.add("client_cred", idText(spec.client().uid()) + " " + idText(spec.client().gid()) + " " + join(spec.client().groups()));
        String[] names = {"stdin", "stdout", "stderr"};
        LaunchSpec.Stream[] streams = {spec.stdio().in(), spec.stdio().out(), spec.stdio().err()};
        for (int i = 0; i < 3; i++)
            r.add(streams[i].inside() ? names[i] + "_inside" : names[i], streams[i].path());
        for (LaunchSpec.Stream s : streams)
            if (s.clientPid() > 0) { // every client descriptor is of the one client that starts
                r.add("client_pid", s.clientPid() + " " + s.clientStartTime());
                break;
            }
        if (spec.hostProgram() != null)
            r.add("exec_host", spec.hostProgram());

        LaunchSpec.Namespaces ns = spec.namespaces();
        if (ns.joinOf() > 0)
            for (String n : new String[] {"ipc", "uts", "net", "pid", "mnt"})
                r.add("setns", "/proc/" + ns.joinOf() + "/ns/" + n);
        if (ns.netnsPath() != null)
            r.add("setns", ns.netnsPath()); // the namespace the daemon built for the container
        List<String> unshare = new ArrayList<>();
        if (ns.isolate())
            unshare.addAll(List.of("pid", "ipc", "uts"));
        else if (!ns.hostname().isEmpty())
            unshare.add("uts"); // its own name, not the parent's renamed
        if (ns.newNet())
            unshare.add("net");
        if (ns.isolate() || ns.newMount())
            unshare.add("mnt");
        if (ns.newCgroup())
            unshare.add("cgroup");
        if (!unshare.isEmpty())
            r.add("unshare", String.join(",", unshare));
        if (ns.isolate())
            r.add("proc", "1");
        if (!ns.hostname().isEmpty())
            r.add("hostname", ns.hostname());

        LaunchSpec.Filesystem fs = spec.filesystem();
        if (fs.root() != null) {
            r.add("root", fs.root());
            for (LaunchSpec.Device d : fs.devices())
                r.add("dev", d.type() + " " + d.major() + " " + d.minor() + " " + Integer.toOctalString(d.mode())
                        + " " + idText(d.uid()) + " " + idText(d.gid()) + " " + d.path());
            if (fs.readOnly())
                r.add("root_ro", "1");
        }
        if (fs.cgroupfs() != LaunchSpec.CgroupFs.NONE) {
            r.add("cgroupfs", fs.cgroupfs() == LaunchSpec.CgroupFs.READ_ONLY ? "ro" : "rw");
            for (CgroupFsMounts.Mount m : cgroupMounts.joinedBy(spec.cgroupDirectories()))
                r.add("cgroupfs_mount", m.name() + "\t" + m.type() + "\t" + m.options()
                        + (fs.cgroupfs() == LaunchSpec.CgroupFs.READ_WRITE && m.isNetwork() ? "\tro" : ""));
        }
        for (LaunchSpec.Bind b : fs.binds())
            r.add("bind", b.source() + "\t" + b.target() + "\t" + (b.readOnly() ? "ro" : "rw") + (b.optional() ? "\topt" : ""));
        if (fs.portoSocket() && socket != null)
            r.add("bind", socket + "\t/run/portod.socket\trw");

        r.add("cwd", spec.cwd());
        LaunchSpec.Identity id = spec.identity();
        r.add("umask", Integer.toOctalString(id.umask()));
        for (LaunchSpec.Rlimit l : spec.rlimits())
            r.add("rlimit", l.resource() + " " + limit(l.soft()) + " " + limit(l.hard()));
        if (spec.scheduling() != null) {
            var sched = spec.scheduling();
            r.add("sched", sched.policy() + " " + sched.priority() + " " + sched.nice());
            r.add("ioprio", Integer.toString(sched.ioprio()));
        }
        if (spec.oomScoreAdj() != null)
            r.add("oom_score_adj", Integer.toString(spec.oomScoreAdj()));
        r.add("caps_bound", Long.toHexString(id.capBound()));
        if (id.capAmbient() != 0)
            r.add("caps_ambient", Long.toHexString(id.capAmbient()));
        if (id.noNewPrivs())
            r.add("no_new_privs", "1");
        if (ns.user() != null) {
            r.add("uid_map", idMap(ns.user().uids()));
            r.add("gid_map", idMap(ns.user().gids()));
        }
        if (ns.joinUser())
            r.add("setns_user", "/proc/" + ns.joinOf() + "/ns/user");
        if (ns.unshareOnExec())
            r.add("unshare_on_exec", "1");
        r.add("groups", join(id.groups()));
        r.add("gid", idText(id.gid()));
        r.add("uid", idText(id.uid()));
        for (String e : spec.env())
            r.add("env", e);
        for (String a : spec.argv())
            r.add("arg", a);
        return r.bytes();
    }

    /** "inside outside count" lines, as /proc/PID/uid_map takes them. */
    private static String idMap(List<LaunchSpec.IdRange> ranges) {
        StringBuilder out = new StringBuilder();
        for (LaunchSpec.IdRange r : ranges)
            out.append(out.length() > 0 ? "\n" : "").append(r.inside()).append(' ').append(r.outside()).append(' ').append(r.count());
        return out.toString();
    }

    private static String join(List<Integer> ids) {
        StringBuilder out = new StringBuilder();
        for (int g : ids)
            out.append(out.length() > 0 ? "," : "").append(idText(g));
        return out.toString();
    }

    /** A uid or gid: unsigned in the kernel, so one above 2^31 (an int below 0 here) keeps its value. */
    private static String idText(int uidOrGid) {
        return Integer.toUnsignedString(uidOrGid);
    }

    private static String limit(long v) {
        return v == LaunchSpec.Rlimit.INFINITY ? "inf" : Long.toString(v);
    }

    private static final class Records {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void add(String key, String value) {
            // A NUL would end this record early and start one of the caller's making.
            if (key.indexOf('\0') >= 0 || value.indexOf('\0') >= 0)
                throw new IllegalArgumentException("NUL in launch record " + key);
            byte[] b = (key + "=" + value).getBytes(StandardCharsets.UTF_8);
            out.write(b, 0, b.length);
            out.write(0);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}

package porto.linux;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import porto.ports.KernelException;
import porto.ports.LaunchResult;
import porto.ports.LaunchSpec;
import porto.ports.TaskLauncher;

/**
 * Starts tasks through {@code portod-native launch}: the spec goes to its standard input as
 * NUL-terminated "key=value" records; it answers one line, "ok PID STARTTIME" or
 * "error ERRNO MESSAGE". The task is left re-parented to the master, never to this JVM.
 */
public final class NativeLauncher implements TaskLauncher {
    private final Path nativeBinary;

    public NativeLauncher(Path nativeBinary) {
        this.nativeBinary = nativeBinary;
    }

    @Override
    public LaunchResult launch(LaunchSpec spec) throws KernelException {
        byte[] records = encode(spec);
        Process process;
        try {
            process = new ProcessBuilder(nativeBinary.toString(), "launch")
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            throw new KernelException(0, "cannot run " + nativeBinary + ": " + e.getMessage(), e);
        }
        String answer;
        try (OutputStream in = process.getOutputStream(); InputStream out = process.getInputStream()) {
            in.write(records);
            in.close();
            answer = new String(out.readAllBytes(), StandardCharsets.UTF_8).trim();
            process.waitFor();
        } catch (IOException e) {
            process.destroyForcibly();
            throw new KernelException(0, "launcher failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new KernelException(4, "interrupted while starting a task");
        }
        return parseAnswer(answer);
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
        Records r = new Records();
        for (String dir : spec.cgroupDirectories())
            r.add("cgroup", dir);
        if (spec.joinNamespacesOf() > 0) {
            for (String ns : new String[] {"ipc", "uts", "pid", "mnt"})
                r.add("setns", "/proc/" + spec.joinNamespacesOf() + "/ns/" + ns);
        }
        boolean newMountNs = spec.newNamespaces() || spec.root() != null || !spec.binds().isEmpty();
        StringBuilder unshare = new StringBuilder();
        if (spec.newNamespaces())
            unshare.append("pid,ipc,uts");
        if (newMountNs)
            unshare.append(unshare.length() > 0 ? "," : "").append("mnt");
        if (unshare.length() > 0)
            r.add("unshare", unshare.toString());
        if (spec.newNamespaces())
            r.add("proc", "1");
        if (spec.hostname() != null && !spec.hostname().isEmpty() && spec.newNamespaces())
            r.add("hostname", spec.hostname());
        if (spec.root() != null) {
            r.add("root", spec.root());
            for (String dev : new String[] {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"})
                r.add("dev", dev);
        }
        for (LaunchSpec.Bind b : spec.binds())
            r.add("bind", b.source() + "\t" + b.target() + "\t" + (b.readOnly() ? "ro" : "rw"));
        if (spec.rootReadOnly() && spec.root() != null)
            r.add("root_ro", "1");
        r.add("stdin", spec.stdinPath());
        r.add("stdout", spec.stdoutPath());
        r.add("stderr", spec.stderrPath());
        r.add("cwd", spec.cwd());
        r.add("umask", Integer.toOctalString(spec.umask()));
        for (LaunchSpec.Rlimit l : spec.rlimits())
            r.add("rlimit", l.resource() + " " + limit(l.soft()) + " " + limit(l.hard()));
        if (spec.scheduling() != null) {
            var sched = spec.scheduling();
            r.add("sched", sched.policy() + " " + sched.priority() + " " + sched.nice());
            r.add("ioprio", Integer.toString(sched.ioprio()));
        }
        if (spec.oomScoreAdj() != null)
            r.add("oom_score_adj", Integer.toString(spec.oomScoreAdj()));
        StringBuilder groups = new StringBuilder();
        for (int g : spec.groups())
            groups.append(groups.length() > 0 ? "," : "").append(g);
        r.add("groups", groups.toString());
        r.add("gid", Integer.toString(spec.gid()));
        r.add("uid", Integer.toString(spec.uid()));
        for (String e : spec.env())
            r.add("env", e);
        for (String a : spec.argv())
            r.add("arg", a);
        return r.bytes();
    }

    private static String limit(long v) {
        return v == LaunchSpec.Rlimit.INFINITY ? "inf" : Long.toString(v);
    }

    private static final class Records {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void add(String key, String value) {
            byte[] b = (key + "=" + value).getBytes(StandardCharsets.UTF_8);
            out.write(b, 0, b.length);
            out.write(0);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}

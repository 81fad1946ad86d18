package porto.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import porto.ports.KernelException;
import porto.ports.LaunchSpec;
import porto.ports.LaunchSpec.Bind;
import porto.ports.LaunchSpec.Cred;
import porto.ports.LaunchSpec.Device;
import porto.ports.LaunchSpec.Filesystem;
import porto.ports.LaunchSpec.Identity;
import porto.ports.LaunchSpec.Namespaces;
import porto.ports.LaunchSpec.Rlimit;
import porto.ports.LaunchSpec.Stdio;
import porto.ports.LaunchSpec.Stream;
import porto.ports.Scheduling;

/** The exact launch records NativeLauncher writes for a few specs (the launcher's input format). */
class NativeLauncherRecordsTest {
    private static final Stdio HOST_STDIO = new Stdio(Stream.host("/dev/null"), Stream.host("/place/out"), Stream.host("/place/err"));

    /** The records as the launcher reads them: each "key=value" ended by a NUL. */
    private static byte[] records(String... records) {
        StringBuilder s = new StringBuilder();
        for (String r : records)
            s.append(r).append('\0');
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void assertRecords(byte[] actual, String... expected) {
        assertArrayEquals(records(expected), actual,
                () -> "records were:\n" + new String(actual, StandardCharsets.UTF_8).replace('\0', '\n'));
    }

    @Test
    void aPlainTaskOnTheHost() {
        LaunchSpec spec = new LaunchSpec(List.of("/sys/fs/cgroup/freezer/porto/a"), List.of("sleep", "10"), null,
                List.of("PATH=/bin", "HOME=/"), "/place/a", new Identity(1000, 1000, List.of(1000, 995), 022, 0xffL, 0, false),
                null, HOST_STDIO, new Namespaces(0, false, false, false, ""),
                new Filesystem(null, false, List.of(), List.of(), false), List.of(), null, null);
        assertRecords(NativeLauncher.encode(spec),
                "cgroup=/sys/fs/cgroup/freezer/porto/a",
                "stdin=/dev/null", "stdout=/place/out", "stderr=/place/err",
                "cwd=/place/a", "umask=22", "caps_bound=ff", "groups=1000,995", "gid=1000", "uid=1000",
                "env=PATH=/bin", "env=HOME=/", "arg=sleep", "arg=10");
    }

    @Test
    void anIsolatedTaskInItsOwnRootWithEverything() {
        LaunchSpec spec = new LaunchSpec(List.of("/cg/cpu/p", "/cg/memory/p"), List.of("/bin/sh", "-c", "echo a b"), null,
                List.of("A=1"), "/home", new Identity(0, 0, List.of(), 02, 0x3fffffffffL, 0x400L, true),
                new Cred(1001, 1002, List.of(995)),
                new Stdio(Stream.host("/dev/null"), Stream.inside("out.txt"), Stream.inside("/var/err")),
                new Namespaces(4242, true, true, false, "box"),
                new Filesystem("/place/root", true,
                        List.of(new Bind("/data", "/mnt/data", true), new Bind("/opt", "/opt", false, true)),
                        List.of(new Device('c', 1, 3, "/dev/null", 0666, 0, 0), new Device('b', 7, 0, "/dev/loop0", 0600, 0, 6)),
                        true),
                List.of(new Rlimit(7, 1024, 4096), new Rlimit(4, 0, Rlimit.INFINITY)), -500,
                new Scheduling(0, 0, 5, 4));
        assertRecords(NativeLauncher.encode(spec, Path.of("/run/portod.socket")),
                "cgroup=/cg/cpu/p", "cgroup=/cg/memory/p",
                "client_cred=1001 1002 995",
                "stdin=/dev/null", "stdout_inside=out.txt", "stderr_inside=/var/err",
                "setns=/proc/4242/ns/ipc", "setns=/proc/4242/ns/uts", "setns=/proc/4242/ns/net",
                "setns=/proc/4242/ns/pid", "setns=/proc/4242/ns/mnt",
                "unshare=pid,ipc,uts,net,mnt", "proc=1", "hostname=box",
                "root=/place/root", "dev=c 1 3 666 0 0 /dev/null", "dev=b 7 0 600 0 6 /dev/loop0", "root_ro=1",
                "bind=/data\t/mnt/data\tro", "bind=/opt\t/opt\trw\topt", "bind=/run/portod.socket\t/run/portod.socket\trw",
                "cwd=/home", "umask=2", "rlimit=7 1024 4096", "rlimit=4 0 inf", "sched=0 0 5", "ioprio=4",
                "oom_score_adj=-500", "caps_bound=3fffffffff", "caps_ambient=400", "no_new_privs=1",
                "groups=", "gid=0", "uid=0", "env=A=1", "arg=/bin/sh", "arg=-c", "arg=echo a b");
    }

    @Test
    void aHostProgramAndANewMountNamespaceForBinds() {
        LaunchSpec spec = new LaunchSpec(List.of(), List.of("portoinit"), "/usr/lib/porto/portoinit", List.of(), "/",
                new Identity(0, 0, List.of(), 022, 0, 0, false), null, HOST_STDIO,
                new Namespaces(0, false, false, true, ""),
                new Filesystem(null, false, List.of(new Bind("/src", "/dst", false)), List.of(), false), List.of(), null, null);
        assertRecords(NativeLauncher.encode(spec),
                "stdin=/dev/null", "stdout=/place/out", "stderr=/place/err", "exec_host=/usr/lib/porto/portoinit",
                "unshare=mnt", "bind=/src\t/dst\trw", "cwd=/", "umask=22", "caps_bound=0", "groups=", "gid=0", "uid=0",
                "arg=portoinit");
    }

    @Test
    void idsAboveTwoToTheThirtyFirstKeepTheirUnsignedValue() {
        LaunchSpec spec = new LaunchSpec(List.of(), List.of("true"), null, List.of(), "/",
                new Identity(-2, -3, List.of(-4), 022, 0, 0, false), new Cred(-2, -3, List.of()), HOST_STDIO,
                new Namespaces(0, false, false, false, ""),
                new Filesystem(null, false, List.of(), List.of(), false), List.of(), null, null);
        assertRecords(NativeLauncher.encode(spec),
                "client_cred=4294967294 4294967293 ",
                "stdin=/dev/null", "stdout=/place/out", "stderr=/place/err",
                "cwd=/", "umask=22", "caps_bound=0", "groups=4294967292", "gid=4294967293", "uid=4294967294", "arg=true");
    }

    @Test
    void aUserNamespaceAMountNamespaceAtExecAndACgroupfs() {
        List<LaunchSpec.IdRange> uids = List.of(new LaunchSpec.IdRange(0, 1044, 1), new LaunchSpec.IdRange(1, 1, 1043),
                new LaunchSpec.IdRange(1045, 1045, 4294966250L));
        List<LaunchSpec.IdRange> gids = List.of(new LaunchSpec.IdRange(0, 1044, 1));
        LaunchSpec spec = new LaunchSpec(List.of("/sys/fs/cgroup/memory/porto%a", "/sys/fs/cgroup/freezer/porto%a"), List.of("true"),
                null, List.of(), "/", new Identity(0, 0, List.of(0), 022, 0xffL, 0, true), null, HOST_STDIO,
                new Namespaces(0, true, false, false, "", null, true, new LaunchSpec.UserNamespace(uids, gids), true),
                new Filesystem("/place/root", false, List.of(), List.of(), false, LaunchSpec.CgroupFs.READ_ONLY), List.of(), null, null);
        CgroupFsMounts host = new CgroupFsMounts(() -> List.of(
                new CgroupFsMounts.Mount("memory", "cgroup", "memory", Path.of("/sys/fs/cgroup/memory")),
                new CgroupFsMounts.Mount("cpu", "cgroup", "cpu", Path.of("/sys/fs/cgroup/cpu")),
                new CgroupFsMounts.Mount("freezer", "cgroup", "freezer", Path.of("/sys/fs/cgroup/freezer")),
                new CgroupFsMounts.Mount("unified", "cgroup2", "", Path.of("/sys/fs/cgroup/unified"))));
        assertRecords(NativeLauncher.encode(spec, null, host),
                "cgroup=/sys/fs/cgroup/memory/porto%a", "cgroup=/sys/fs/cgroup/freezer/porto%a",
                "stdin=/dev/null", "stdout=/place/out", "stderr=/place/err",
                "unshare=pid,ipc,uts,mnt,cgroup", "proc=1", "root=/place/root",
                "cgroupfs=ro", "cgroupfs_mount=memory\tcgroup\tmemory", "cgroupfs_mount=freezer\tcgroup\tfreezer",
                "cwd=/", "umask=22", "caps_bound=ff", "no_new_privs=1",
                "uid_map=0 1044 1\n1 1 1043\n1045 1045 4294966250", "gid_map=0 1044 1", "unshare_on_exec=1",
                "groups=0", "gid=0", "uid=0", "arg=true");
    }

    @Test
    void aWritableCgroupfsKeepsTheNetHierarchiesReadOnlyUnlessAllAreWritable() {
        CgroupFsMounts host = new CgroupFsMounts(() -> List.of(
                new CgroupFsMounts.Mount("freezer", "cgroup", "freezer", Path.of("/sys/fs/cgroup/freezer")),
                new CgroupFsMounts.Mount("net_cls,net_prio", "cgroup", "net_cls,net_prio", Path.of("/sys/fs/cgroup/net_cls,net_prio"))));
        for (LaunchSpec.CgroupFs mode : List.of(LaunchSpec.CgroupFs.READ_WRITE, LaunchSpec.CgroupFs.READ_WRITE_ALL)) {
            LaunchSpec spec = new LaunchSpec(List.of("/sys/fs/cgroup/freezer/porto%a", "/sys/fs/cgroup/net_cls,net_prio/porto%a"),
                    List.of("true"), null, List.of(), "/", new Identity(0, 0, List.of(0), 022, 0xffL, 0, false), null, HOST_STDIO,
                    new Namespaces(0, false, false, true, "", null, true, null, false),
                    new Filesystem("/place/root", false, List.of(), List.of(), false, mode), List.of(), null, null);
            assertRecords(NativeLauncher.encode(spec, null, host),
                    "cgroup=/sys/fs/cgroup/freezer/porto%a", "cgroup=/sys/fs/cgroup/net_cls,net_prio/porto%a",
                    "stdin=/dev/null", "stdout=/place/out", "stderr=/place/err",
                    "unshare=mnt,cgroup", "root=/place/root", "cgroupfs=rw", "cgroupfs_mount=freezer\tcgroup\tfreezer",
                    "cgroupfs_mount=net_cls,net_prio\tcgroup\tnet_cls,net_prio" + (mode == LaunchSpec.CgroupFs.READ_WRITE ? "\tro" : ""),
                    "cwd=/", "umask=22", "caps_bound=ff", "groups=0", "gid=0", "uid=0", "arg=true");
        }
    }

    @Test
    void aChildEntersItsParentsUserNamespace() {
        LaunchSpec spec = new LaunchSpec(List.of(), List.of("true"), null, List.of(), "/",
                new Identity(0, 0, List.of(0), 022, 0, 0, false), null, HOST_STDIO,
                new Namespaces(77, false, false, false, "", null, false, null, false, true),
                new Filesystem(null, false, List.of(), List.of(), false), List.of(), null, null);
        assertRecords(NativeLauncher.encode(spec),
                "stdin=/dev/null", "stdout=/place/out", "stderr=/place/err",
                "setns=/proc/77/ns/ipc", "setns=/proc/77/ns/uts", "setns=/proc/77/ns/net", "setns=/proc/77/ns/pid", "setns=/proc/77/ns/mnt",
                "cwd=/", "umask=22", "caps_bound=0", "setns_user=/proc/77/ns/user", "groups=0", "gid=0", "uid=0", "arg=true");
    }

    @Test
    void aNulInAValueIsRefusedRatherThanStartingARecord() {
        LaunchSpec spec = new LaunchSpec(List.of(), List.of("echo", "a\0uid=0"), null, List.of(), "/",
                new Identity(1000, 1000, List.of(), 022, 0, 0, false), null, HOST_STDIO,
                new Namespaces(0, false, false, false, ""),
                new Filesystem(null, false, List.of(), List.of(), false), List.of(), null, null);
        assertThrows(IllegalArgumentException.class, () -> NativeLauncher.encode(spec));
    }

    @Test
    void theAnswerIsParsed() throws KernelException {
        assertEquals(new porto.ports.LaunchResult(123, 456789), NativeLauncher.parseAnswer("ok 123 456789"));
        KernelException e = assertThrows(KernelException.class, () -> NativeLauncher.parseAnswer("error 13 Permission denied: chdir(/root)"));
        assertEquals(13, e.errno());
        assertEquals("Permission denied: chdir(/root)", e.getMessage());
        assertThrows(KernelException.class, () -> NativeLauncher.parseAnswer(""));
    }
}

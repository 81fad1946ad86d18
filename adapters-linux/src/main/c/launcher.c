/*
 * Mode "launch": start one container task from the spec on stdin
 * ("key=value" records, each ended by NUL). We open the host-side
 * streams and the host program, join cgroups, enter and create namespaces
 * and fork; the child sets up mounts, opens the inside streams, sets limits
 * and credentials and execs. A failing child writes "<errno>\t<step>" to a
 * CLOEXEC pipe, so EOF alone means exec succeeded. stdout gets exactly one
 * line: "ok <pid> <starttime>" or "error <errno> <strerror>: <step>".
 *
 * Paths a client named (streams, the root, bind sources, mount points made
 * for them) are opened with client_cred as fsuid/fsgid/groups, never with
 * the daemon's rights. Paths inside a root resolve with RESOLVE_IN_ROOT.
 */
#define _GNU_SOURCE
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/sysmacros.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
/* A call returning < 0 on failure; a failure ends the launch. */
#define TRY(call, ...) do { if ((call) < 0) fail(errno, __VA_ARGS__); } while (0)

struct list { char **v; size_t n; }; /* v is NULL-terminated once non-empty */

/* The parsed spec. */
static struct list cgroups, setnses, devs, binds, rlimits, envs, args;
static int ns_flags, want_proc, root_ro, no_new_privs, have_uid, have_gid, have_bound, have_ambient;
static const char *ns_names, *hostname, *root, *cwd, *oom_adj, *groups, *exec_host, *sched, *ioprio;
static const char *stdio_path[3], *stdio_inside[3]; /* host paths; paths in the task's filesystem */
static const char *client_cred; /* "<uid> <gid> <g1,g2,...>" or NULL for the daemon's rights */
static const char *client_pid; /* "<pid> <starttime>": the client whose /proc/<pid>/fd/N streams are named */
static long umask_val = -1;
static unsigned long long uid, gid, caps_bound, caps_ambient;

static int report_fd = -1; /* in the child: write end of the error pipe */
static int exec_fd = -1; /* exec_host, opened before namespaces change */
static int stdio_fd[3] = { -1, -1, -1 }; /* host-side streams */
static const int stdio_modes[3] = { O_RDONLY, O_WRONLY | O_CREAT | O_APPEND, O_WRONLY | O_CREAT | O_APPEND };

/* Reports a failed step and exits: through the pipe in the child, on our
 * stdout in the launcher itself. */
static void __attribute__((format(printf, 2, 3), noreturn)) fail(int err, const char *fmt, ...)
{
	char step[PATH_MAX + 256], msg[PATH_MAX + 300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(step, sizeof(step), fmt, ap);
	va_end(ap);
	for (char *p = step; *p; p++) /* the protocol is one line */
		if (*p == '\n' || *p == '\t' || *p == '\r')
			*p = ' ';
	if (report_fd >= 0) {
		(void)write_all(report_fd, msg, snprintf(msg, sizeof(msg), "%d\t%s", err, step));
		_exit(127);
	}
	printf("error %d %s: %s\n", err, strerror(err), step);
	exit(1);
}

static void push(struct list *l, char *s)
{
	if (!(l->v = realloc(l->v, (l->n + 2) * sizeof(*l->v))))
		fail(ENOMEM, "spec: out of memory");
	l->v[l->n++] = s;
	l->v[l->n] = NULL;
}

static unsigned long long num(const char *key, const char *s, int base)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, base);
	if (errno || end == s || *end || *s == '-')
		fail(EINVAL, "spec: bad %s=%s", key, s);
	return v;
}

static void parse_unshare(char *names)
{
	static const struct { const char *name; int flag; } ns[] = {
		{ "pid", CLONE_NEWPID }, { "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS },
		{ "mnt", CLONE_NEWNS }, { "net", CLONE_NEWNET }, { "cgroup", CLONE_NEWCGROUP },
	};
	if (!(ns_names = strdup(names)))
		fail(ENOMEM, "spec: out of memory");
	for (char *save, *s = strtok_r(names, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		size_t i = 0;
		while (i < COUNT(ns) && strcmp(ns[i].name, s))
			i++;
		if (i == COUNT(ns))
			fail(EINVAL, "spec: bad unshare=%s", ns_names);
		ns_flags |= ns[i].flag;
	}
}

static void parse_record(char *k)
{
	char *v = strchr(k, '=');
	if (!v)
		fail(EINVAL, "spec: record without '=': %s", k);
	*v++ = '\0';
	if (!strcmp(k, "cgroup")) push(&cgroups, v);
	else if (!strcmp(k, "setns")) push(&setnses, v);
	else if (!strcmp(k, "unshare")) parse_unshare(v);
	else if (!strcmp(k, "hostname")) hostname = v;
	else if (!strcmp(k, "proc")) want_proc = num(k, v, 10) != 0;
	else if (!strcmp(k, "root")) root = v;
	else if (!strcmp(k, "dev")) push(&devs, v);
	else if (!strcmp(k, "bind")) push(&binds, v);
	else if (!strcmp(k, "root_ro")) root_ro = num(k, v, 10) != 0;
	else if (!strcmp(k, "stdin")) stdio_path[0] = v;
	else if (!strcmp(k, "stdout")) stdio_path[1] = v;
	else if (!strcmp(k, "stderr")) stdio_path[2] = v;
	else if (!strcmp(k, "stdin_inside")) stdio_inside[0] = v;
	else if (!strcmp(k, "stdout_inside")) stdio_inside[1] = v;
	else if (!strcmp(k, "stderr_inside")) stdio_inside[2] = v;
	else if (!strcmp(k, "client_cred")) client_cred = v;
	else if (!strcmp(k, "client_pid")) client_pid = v;
	else if (!strcmp(k, "exec_host")) exec_host = v;
	else if (!strcmp(k, "cwd")) cwd = v;
	else if (!strcmp(k, "umask")) umask_val = num(k, v, 8) & 07777;
	else if (!strcmp(k, "rlimit")) push(&rlimits, v);
	else if (!strcmp(k, "sched")) sched = v;
	else if (!strcmp(k, "ioprio")) num(k, v, 10), ioprio = v;
	else if (!strcmp(k, "oom_score_adj")) num(k, v + (*v == '-'), 10), oom_adj = v;
	else if (!strcmp(k, "caps_bound")) caps_bound = num(k, v, 16), have_bound = 1;
	else if (!strcmp(k, "caps_ambient")) caps_ambient = num(k, v, 16), have_ambient = 1;
	else if (!strcmp(k, "no_new_privs")) no_new_privs = num(k, v, 10) != 0;
	else if (!strcmp(k, "groups")) groups = v;
	else if (!strcmp(k, "gid")) gid = num(k, v, 10), have_gid = 1;
	else if (!strcmp(k, "uid")) uid = num(k, v, 10), have_uid = 1;
	else if (!strcmp(k, "env")) push(&envs, v);
	else if (!strcmp(k, "arg")) push(&args, v);
	else fail(EINVAL, "spec: unknown key %s", k);
}

static void read_spec(void)
{
	size_t len = 0, cap = 0;
	char *buf = NULL;

	for (ssize_t n = 1; n != 0; len += n > 0 ? n : 0) {
		if (cap - len < 4096 && !(buf = realloc(buf, cap = cap * 2 + 65536)))
			fail(ENOMEM, "spec: out of memory");
		if ((n = read(STDIN_FILENO, buf + len, cap - len - 1)) < 0 && errno != EINTR)
			fail(errno, "read(spec)");
	}
	buf[len] = '\0'; /* a last record without its NUL is accepted */
	for (size_t i = 0, n; i < len; i += n + 1) {
		n = strlen(buf + i); /* before parse_record() cuts it at '=' */
		parse_record(buf + i);
	}
	if (!args.n)
		fail(EINVAL, "spec: no arg records");
}

/* Parses "g1,g2,..." into list; returns the count. */
static size_t gid_list(const char *text, gid_t *list, const char *what)
{
	size_t n = 0;
	char *end;

	for (const char *p = text; p && *p; p = end + (*end == ',')) {
		errno = 0;
		list[n] = strtoul(p, &end, 10);
		if (errno || end == p || (*end && *end != ',') || ++n == NGROUPS_MAX)
			fail(EINVAL, "spec: bad %s=%s", what, text);
	}
	return n;
}

/* File access with the client's rights (on) or the daemon's (off): only
 * fsuid, fsgid and the groups change, so mounting still works, and with a
 * non-zero fsuid the kernel leaves our DAC capabilities unused. */
/* While acting for the client, no capability is effective: setfsuid() drops only the file
 * ones, and CAP_SYS_PTRACE would still open other processes' /proc/PID/root and cwd links. */
static void client_caps(int on)
{
	static struct __user_cap_data_struct saved[2];
	static int dropped;
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	if (on && !dropped) {
		TRY(syscall(SYS_capget, &hdr, saved), "capget()");
		memcpy(data, saved, sizeof(data));
		data[0].effective = data[1].effective = 0;
		TRY(syscall(SYS_capset, &hdr, data), "capset(effective=0)");
		dropped = 1;
	} else if (!on && dropped) {
		TRY(syscall(SYS_capset, &hdr, saved), "capset(effective restored)");
		dropped = 0;
	}
}

static void as_client(int on)
{
	static gid_t list[NGROUPS_MAX];
	static size_t n;
	static unsigned long long cuid, cgid;
	static int parsed;

	if (!client_cred)
		return;
	if (!parsed) { /* "<uid> <gid> <g1,g2,...>" */
		const char *rest;
		int used = 0;
		if (sscanf(client_cred, "%llu %llu %n", &cuid, &cgid, &used) < 2 || !used)
			fail(EINVAL, "spec: bad client_cred=%s", client_cred);
		rest = client_cred + used;
		n = gid_list(rest, list, "client_cred");
		parsed = 1;
	}
	if (on) {
		TRY(setgroups(n, list), "setgroups(client %s)", client_cred);
		setfsgid(cgid);
		setfsuid(cuid);
		if ((unsigned long long)setfsuid(-1) != cuid) /* setfsuid() reports no errors */
			fail(EPERM, "setfsuid(%llu)", cuid);
		client_caps(1);
	} else {
		client_caps(0);
		setfsuid(getuid());
		setfsgid(getgid());
	}
}

/* open(2) with the client's rights; errno survives the switch back. */
static int open_as_client(const char *path, int flags, mode_t mode)
{
	int fd, err;

	/* Non-blocking while opening: a FIFO without a peer must fail (ENXIO) or return at once,
	 * never hang the launcher and with it the daemon that waits for its answer. */
	as_client(1);
	fd = open(path, flags | O_NONBLOCK, mode);
	err = errno;
	as_client(0);
	if (fd >= 0 && !(flags & O_NONBLOCK) && !(flags & O_PATH))
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	errno = err;
	return fd;
}

static int openat2_in(int rootfd, const char *path)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	return syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
}

/* Resolves path inside rootfd without ever leaving it: symlinks resolve as
 * if rootfd were "/". Missing parents are created as directories, a missing
 * last component as a directory (mk 'd') or an empty file (mk 'f'); mk 0
 * creates nothing. With client set, what is created is created with the
 * client's rights (it lies in the client's root). Returns an O_PATH fd. */
static int open_in_root(int rootfd, const char *path, char mk, int client)
{
	char buf[PATH_MAX];
	int fd = openat2_in(rootfd, path), parent;

	if (fd >= 0 || errno != ENOENT || !mk)
		return fd;
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return errno = ENAMETOOLONG, -1;
	/* Resolve prefix by prefix, always from the root, and create each
	 * missing component by a single-name *at() call in its parent. */
	parent = fcntl(rootfd, F_DUPFD_CLOEXEC, 0);
	for (char *p = buf + strspn(buf, "/"), *end; parent >= 0 && *p; p = end + strspn(end, "/")) {
		char saved = *(end = p + strcspn(p, "/"));
		int file = mk == 'f' && !end[strspn(end, "/")], err;
		*end = '\0';
		if ((fd = openat2_in(rootfd, buf)) < 0 && errno == ENOENT) {
			as_client(client);
			int r = file ? openat(parent, p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644)
				     : mkdirat(parent, p, 0755);
			err = errno;
			as_client(0);
			errno = err;
			if (r >= 0 && file)
				close(r);
			if (r >= 0 || errno == EEXIST)
				fd = openat2_in(rootfd, buf);
		}
		err = errno;
		close(parent);
		errno = err;
		parent = fd;
		*end = saved;
	}
	return parent;
}

/* Remounts read-only, keeping the per-mount flags that a bind remount
 * would otherwise clear (nosuid, nodev, ...). */
static int remount_ro(const char *path)
{
	unsigned long flags = MS_REMOUNT | MS_BIND | MS_RDONLY;
	struct statvfs sv;
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };

	/* Every mount below too (a bind is recursive); mount_setattr exists since Linux 5.12. */
	if (syscall(SYS_mount_setattr, AT_FDCWD, path, AT_RECURSIVE, &attr, sizeof(attr)) == 0)
		return 0;

	if (statvfs(path, &sv) == 0)
		flags |= sv.f_flag & (ST_NOSUID | ST_NODEV | ST_NOEXEC | ST_NOATIME | ST_NODIRATIME | ST_RELATIME);
	return mount(NULL, path, NULL, flags, NULL);
}

/* Mounts onto target inside rootfd through /proc/self/fd/<resolved fd>.
 * With mk 0 a missing target is skipped; client: see open_in_root(). */
static void mount_in(int rootfd, const char *target, char mk, int client, const char *src,
		     const char *type, unsigned long flags, const char *data, int ro)
{
	char fdpath[64];
	int fd = open_in_root(rootfd, target, mk, client);

	if (fd < 0 && errno == ENOENT && !mk)
		return;
	TRY(fd, "open(%s in %s)", target, root ? root : "/");
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	TRY(mount(src, fdpath, type, flags, data), "mount(%s, %s)", src, target);
	close(fd);
	if (!ro)
		return;
	/* Re-resolve: the old fd is below the new mount, not at it. */
	TRY(fd = open_in_root(rootfd, target, 0, 0), "open(%s in %s)", target, root ? root : "/");
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	TRY(remount_ro(fdpath), "mount(%s, remount read-only)", target);
	close(fd);
}

/* bind=<source>\t<target>\t<ro|rw>[\topt]: the source is opened with the
 * client's rights (a regular file or directory must be readable), and
 * mounted from that very descriptor. An "opt" bind skips a missing target. */
static void do_binds(int rootfd)
{
	for (size_t i = 0; i < binds.n; i++) {
		char *src = binds.v[i], *dst = strchr(src, '\t'), *mode = dst ? strchr(dst + 1, '\t') : NULL;
		char *opt = mode ? strchr(mode + 1, '\t') : NULL, srcpath[64];
		struct stat st;
		int fd, check;

		if (opt)
			*opt++ = '\0';
		if (!mode || (strcmp(mode + 1, "ro") && strcmp(mode + 1, "rw")) || (opt && strcmp(opt, "opt")))
			fail(EINVAL, "spec: bad bind=%s", src);
		*dst++ = *mode++ = '\0';
		TRY(fd = open_as_client(src, O_PATH | O_CLOEXEC, 0), "open(%s)", src);
		TRY(fstat(fd, &st), "stat(%s)", src);
		snprintf(srcpath, sizeof(srcpath), "/proc/self/fd/%d", fd);
		if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
			TRY(check = open_as_client(srcpath, O_RDONLY | O_NOCTTY | O_CLOEXEC, 0), "open(%s)", src);
			close(check);
		}
		mount_in(rootfd, dst, opt ? 0 : S_ISDIR(st.st_mode) ? 'd' : 'f', 1, srcpath, NULL, MS_BIND | MS_REC, NULL,
			 !strcmp(mode, "ro"));
		close(fd);
	}
}

/* dev=<c|b> <major> <minor> <mode> <uid> <gid> <path>: a node in the fresh /dev. */
static void make_devices(int rootfd)
{
	for (size_t i = 0; i < devs.n; i++) {
		char type, path[PATH_MAX], *slash;
		unsigned maj, min, mode;
		unsigned long long duid, dgid;
		int dirfd;

		if (sscanf(devs.v[i], "%c %u %u %o %llu %llu %4095s", &type, &maj, &min, &mode, &duid, &dgid, path) != 7 ||
		    (type != 'c' && type != 'b') || strncmp(path, "/dev/", 5) || mode > 0777)
			fail(EINVAL, "spec: bad dev=%s", devs.v[i]);
		*(slash = strrchr(path, '/')) = '\0';
		TRY(dirfd = open_in_root(rootfd, path, 'd', 0), "open(%s in %s)", path, root);
		TRY(mknodat(dirfd, slash + 1, (type == 'c' ? S_IFCHR : S_IFBLK) | mode, makedev(maj, min)),
		    "mknod(%s/%s)", path, slash + 1);
		TRY(fchownat(dirfd, slash + 1, duid, dgid, AT_SYMLINK_NOFOLLOW), "chown(%s/%s)", path, slash + 1);
		TRY(fchmodat(dirfd, slash + 1, mode, 0), "chmod(%s/%s)", path, slash + 1); /* past our umask */
		close(dirfd);
	}
}

static void setup_root(void)
{
	static const char *links[][2] = {
		{ "ptmx", "pts/ptmx" }, { "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
	};
	char fdpath[64];
	int rootfd, devfd;

	/* Open the root once, as the client, and bind exactly that directory: the path cannot be
	 * swapped for another between the check and the mount. */
	struct stat want, got, host;
	int srcfd;
	TRY(srcfd = open_as_client(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0), "open(%s)", root);
	TRY(fstat(srcfd, &want), "stat(%s)", root);
	if (stat("/", &host) == 0 && want.st_dev == host.st_dev && want.st_ino == host.st_ino)
		fail(EINVAL, "root %s is the host's /", root);
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", srcfd);
	TRY(mount(fdpath, fdpath, NULL, MS_BIND | MS_REC, NULL), "mount(%s, %s, bind)", root, root);
	/* Opened after the bind, so the fd is the root of the new mount; it must be the same directory. */
	TRY(rootfd = open_as_client(root, O_PATH | O_DIRECTORY | O_CLOEXEC, 0), "open(%s)", root);
	TRY(fstat(rootfd, &got), "stat(%s)", root);
	if (got.st_dev != want.st_dev || got.st_ino != want.st_ino)
		fail(EBUSY, "root %s changed while it was being mounted", root);
	close(srcfd);
	mount_in(rootfd, "/proc", 'd', 1, "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, 0);
	mount_in(rootfd, "/dev", 'd', 1, "tmpfs", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=0755", 0);
	make_devices(rootfd);
	mount_in(rootfd, "/dev/pts", 'd', 0, "devpts", "devpts", MS_NOSUID | MS_NOEXEC,
		 "newinstance,ptmxmode=0666,mode=0620", 0);
	mount_in(rootfd, "/dev/shm", 'd', 0, "tmpfs", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", 0);
	TRY(devfd = open_in_root(rootfd, "/dev", 0, 0), "open(/dev in %s)", root);
	for (size_t i = 0; i < COUNT(links); i++)
		if (symlinkat(links[i][1], devfd, links[i][0]) < 0 && errno != EEXIST)
			fail(errno, "symlink(%s, /dev/%s)", links[i][1], links[i][0]);
	close(devfd);
	mount_in(rootfd, "/sys", 0, 0, "sysfs", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, 0);
	mount_in(rootfd, "/run", 0, 0, "tmpfs", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755", 0);
	do_binds(rootfd);
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", rootfd);
	if (root_ro)
		TRY(remount_ro(fdpath), "mount(%s, remount read-only)", root);
	/* pivot_root(".", ".") stacks the old root on the new one; detach it. */
	TRY(fchdir(rootfd), "chdir(%s)", root);
	TRY(syscall(SYS_pivot_root, ".", "."), "pivot_root(%s)", root);
	TRY(umount2(".", MNT_DETACH), "umount2(old root)");
	TRY(chdir("/"), "chdir(/)");
	close(rootfd);
}

static unsigned long long limit(const char *s)
{
	return strcmp(s, "inf") ? num("rlimit", s, 10) : RLIM_INFINITY;
}

static void set_limits_and_creds(void)
{
	char soft[32], hard[32];
	int res;

	for (size_t i = 0; i < rlimits.n; i++) {
		if (sscanf(rlimits.v[i], "%d %31s %31s", &res, soft, hard) != 3)
			fail(EINVAL, "spec: bad rlimit=%s", rlimits.v[i]);
		struct rlimit rl = { limit(soft), limit(hard) };
		TRY(setrlimit(res, &rl), "setrlimit(%d, %s, %s)", res, soft, hard);
	}
	if (umask_val >= 0)
		umask(umask_val);
	for (int c = 0; have_bound && c < 64; c++) /* EINVAL: beyond CAP_LAST_CAP */
		if (!(caps_bound >> c & 1) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			fail(errno, "prctl(PR_CAPBSET_DROP, %d)", c);
	if (no_new_privs)
		TRY(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)");

	/* Never leak our supplementary groups to a task whose identity changes. */
	if (groups || have_gid || have_uid || client_cred) {
		gid_t list[NGROUPS_MAX];
		size_t n = gid_list(groups, list, "groups");
		TRY(setgroups(n, list), "setgroups(%s)", groups ? groups : "");
	}
	if (have_gid)
		TRY(setgid(gid), "setgid(%llu)", gid);
	int ambient = have_ambient && caps_ambient && have_uid && uid != 0;
	if (ambient) /* keep permitted caps across setuid to raise some as ambient */
		TRY(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0), "prctl(PR_SET_KEEPCAPS)");
	if (have_uid)
		TRY(setuid(uid), "setuid(%llu)", uid);
	if (!ambient) {
		/* Inheritable bits we were started with would survive exec beside the bounding set. */
		struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
		struct __user_cap_data_struct d[2];
		TRY(syscall(SYS_capget, &h, d), "capget()");
		if (d[0].inheritable || d[1].inheritable) {
			d[0].inheritable = d[1].inheritable = 0;
			TRY(syscall(SYS_capset, &h, d), "capset(inheritable=0)");
		}
		prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
		return; /* uid 0 gets its caps from the bounding set at exec */
	}

	/* Ambient caps must be permitted, inheritable and in the bounding set;
	 * others (and bits beyond CAP_LAST_CAP) could never be inherited. */
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	unsigned long long want = 0;
	TRY(syscall(SYS_capget, &hdr, data), "capget()");
	for (int c = 0; c < 64; c++)
		if ((caps_ambient >> c & 1) && (data[c / 32].permitted >> c % 32 & 1) &&
		    prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1)
			want |= 1ULL << c;
	data[0].inheritable = want;
	data[1].inheritable = want >> 32;
	TRY(syscall(SYS_capset, &hdr, data), "capset(inheritable=%llx)", want);
	for (int c = 0; c < 64; c++)
		if (want >> c & 1)
			TRY(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0), "prctl(PR_CAP_AMBIENT_RAISE, %d)", c);
}

/* "sched=POLICY PRIORITY NICE" and "ioprio=VALUE": applied while we still
 * have CAP_SYS_NICE, before credentials change; the task inherits them. */
static void set_scheduling(void)
{
	int policy, prio, nice;

	if (sched) {
		if (sscanf(sched, "%d %d %d", &policy, &prio, &nice) != 3)
			fail(EINVAL, "spec: bad sched=%s", sched);
		struct sched_param param = { .sched_priority = prio };
		TRY(sched_setscheduler(0, policy, &param), "sched_setscheduler(%s)", sched);
		if (policy != SCHED_RR)
			TRY(setpriority(PRIO_PROCESS, 0, nice), "setpriority(%d)", nice);
	}
	if (ioprio) /* IOPRIO_WHO_PROCESS = 1 */
		TRY(syscall(SYS_ioprio_set, 1, 0, (int)num("ioprio", ioprio, 10)), "ioprio_set(%s)", ioprio);
}

/* execvpe(), but PATH comes from the task's environment, not ours. */
static void __attribute__((noreturn)) do_exec(void)
{
	static char *no_env[] = { NULL };
	char **argv = args.v, **envp = envs.n ? envs.v : no_env, buf[PATH_MAX];
	const char *path = DEFAULT_PATH;
	int err = ENOENT;

	if (exec_fd >= 0) { /* a host program, opened before the root changed */
		syscall(SYS_execveat, exec_fd, "", argv, envp, AT_EMPTY_PATH);
		fail(errno, "execveat(%s)", exec_host);
	}

	if (strchr(argv[0], '/')) {
		execve(argv[0], argv, envp);
		fail(errno, "execvpe(%s)", argv[0]);
	}
	for (size_t i = envs.n; i-- > 0;) /* the first PATH= wins, as with getenv() */
		if (!strncmp(envs.v[i], "PATH=", 5))
			path = envs.v[i] + 5;
	for (const char *p = path, *end = p; *end; p = end + 1) {
		int dl = (end = strchrnul(p, ':')) - p; /* an empty entry means "." */
		if (snprintf(buf, sizeof(buf), "%.*s%s%s", dl, p, dl ? "/" : "", argv[0]) >= (int)sizeof(buf))
			continue;
		execve(buf, argv, envp);
		if (errno != ENOENT && errno != ENOTDIR && errno != EACCES)
			fail(errno, "execvpe(%s)", argv[0]);
		if (errno == EACCES) /* like execvpe: EACCES wins over ENOENT */
			err = EACCES;
	}
	fail(err, "execvpe(%s)", argv[0]);
}

static void __attribute__((noreturn)) child(void)
{
	sigset_t none;
	int fd;

	/* Start from a clean signal state whatever the JVM left behind. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	TRY(setsid(), "setsid()");
	/* Our stdin and stdout are the daemon's pipes: the task must not reach them through
	 * /dev/stdout or /proc/self/fd before its own streams replace them. */
	if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	if (oom_adj) { /* before /proc may be replaced */
		if ((fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC)) < 0 ||
		    write_all(fd, oom_adj, strlen(oom_adj)) < 0)
			fail(errno, "write(/proc/self/oom_score_adj, %s)", oom_adj);
		close(fd);
	}
	if (ns_flags & CLONE_NEWNS) /* keep our mounts from propagating to the host */
		TRY(mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL), "mount(/, MS_SLAVE|MS_REC)");
	if (hostname)
		TRY(sethostname(hostname, strlen(hostname)), "sethostname(%s)", hostname);
	if (root) {
		setup_root();
	} else {
		if (want_proc)
			TRY(mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL), "mount(proc, /proc)");
		TRY(fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), "open(/)");
		do_binds(fd);
		close(fd);
	}
	if (cwd)
		TRY(chdir(cwd), "chdir(%s)", cwd);
	/* Streams in the task's own filesystem, relative to its cwd. */
	for (int i = 0; i < 3; i++)
		if (stdio_inside[i])
			TRY(stdio_fd[i] = open_as_client(stdio_inside[i], stdio_modes[i] | O_NOCTTY | O_CLOEXEC, 0660),
			    "open(%s)", stdio_inside[i]);
	for (int i = 0; i < 3; i++) /* dup2() clears FD_CLOEXEC on 0-2 */
		TRY(dup2(stdio_fd[i], i), "dup2(%d)", i);
	set_scheduling();
	set_limits_and_creds();
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC); /* only 0-2 may reach the task */
	do_exec();
}

/* Our one remaining child, in the host's pid namespace. */
static pid_t only_child(int procfd)
{
	char path[64], text[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "self/task/%d/children", getpid());
	if ((fd = openat(procfd, path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return errno = n < 0 ? errno : ESRCH, -1;
	text[n] = '\0';
	return atoi(text);
}

/* A host stream "/proc/<pid>/fd/<n>" of the client, rewritten as "/proc/self/fd/<dir>/fd/<n>"
 * where dir is /proc/<pid> opened before checking that pid's start time against the one recorded
 * when the client connected: a process that reuses the pid later is not reached through dir. */
static const char *client_stream(const char *path)
{
	static char rewritten[3][128];
	static int dir = -1, used;
	char prefix[64];
	unsigned long long want, got;
	int pid, n = 0;
	size_t len;

	if (!client_pid)
		return path;
	if (sscanf(client_pid, "%d %llu%n", &pid, &want, &n) != 2 || client_pid[n] || pid <= 0)
		fail(EINVAL, "spec: bad client_pid=%s", client_pid);
	len = snprintf(prefix, sizeof(prefix), "/proc/%d/fd/", pid);
	if (strncmp(path, prefix, len))
		return path;
	if (dir < 0) {
		prefix[len - 4] = '\0'; /* "/proc/<pid>" */
		TRY(dir = open(prefix, O_PATH | O_DIRECTORY | O_CLOEXEC), "open(%s)", prefix);
		if (read_starttime(-1, pid, &got) < 0 || got != want)
			fail(ESRCH, "client process %d is gone (its pid may name another process now)", pid);
	}
	snprintf(rewritten[used % 3], sizeof(rewritten[0]), "/proc/self/fd/%d/fd/%s", dir, path + len);
	return rewritten[used++ % 3];
}

int launch_main(int argc, char **argv)
{
	char buf[PATH_MAX + 300];
	int pfd[2], len, fd, procfd, nested;
	unsigned long long start;
	pid_t pid;

	(void)argv;
	log_tag = "portod-launch";
	signal(SIGCHLD, SIG_DFL); /* an inherited SIG_IGN would auto-reap the child */
	if (argc != 0)
		fail(EINVAL, "usage: portod-native launch < spec");
	read_spec();
	/* The host's /proc, for the child's starttime even after setns(mnt). */
	TRY(procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC), "open(/proc)");
	/* Host paths: open them before entering another container's namespaces,
	 * and before its devices cgroup may deny them. */
	for (int i = 0; i < 3; i++) {
		const char *path = stdio_path[i] ? client_stream(stdio_path[i]) : "/dev/null";
		if (!stdio_inside[i])
			TRY(stdio_fd[i] = open_as_client(path, stdio_modes[i] | O_NOCTTY | O_CLOEXEC, 0660), "open(%s)", path);
	}
	if (exec_host)
		TRY(exec_fd = open(exec_host, O_PATH | O_CLOEXEC), "open(%s)", exec_host);
	len = snprintf(buf, sizeof(buf), "%d\n", getpid());
	for (size_t i = 0; i < cgroups.n; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/cgroup.procs", cgroups.v[i]);
		if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0 || write_all(fd, buf, len) < 0)
			fail(errno, "write(%s)", path);
		close(fd);
	}
	for (size_t i = 0; i < setnses.n; i++) {
		TRY(fd = open(setnses.v[i], O_RDONLY | O_CLOEXEC), "open(%s)", setnses.v[i]);
		TRY(setns(fd, 0), "setns(%s)", setnses.v[i]);
		close(fd);
	}
	/* A new pid namespace inside a joined one can only be made by a member
	 * of the joined one: the child does it (see below). */
	nested = setnses.n && (ns_flags & CLONE_NEWPID);
	if (ns_flags & ~(nested ? CLONE_NEWPID : 0))
		TRY(unshare(ns_flags & ~(nested ? CLONE_NEWPID : 0)), "unshare(%s)", ns_names);
	TRY(pipe2(pfd, O_CLOEXEC), "pipe2()");
	TRY(pid = fork(), "fork()"); /* after unshare(pid) the child is pid 1 inside */
	if (pid == 0) {
		close(pfd[0]);
		report_fd = pfd[1];
		if (nested) {
			/* The task is our sibling (CLONE_PARENT): when we both exit it
			 * goes to the master, not to the init of the joined namespace. */
			TRY(unshare(CLONE_NEWPID), "unshare(pid)");
			pid_t task = syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, NULL, NULL, 0);
			if (task < 0)
				fail(errno, "clone(CLONE_PARENT)");
			if (task > 0)
				_exit(0);
		}
		child();
	}
	close(pfd[1]);
	len = 0;
	for (ssize_t n = 1; n != 0 && len < (int)sizeof(buf) - 1; len += n > 0 ? n : 0)
		if ((n = read(pfd[0], buf + len, sizeof(buf) - 1 - len)) < 0 && errno != EINTR)
			break;
	if (len > 0) {
		buf[len] = '\0';
		while (waitpid(-1, NULL, 0) > 0)
			;
		fail(atoi(buf), "%s", strchr(buf, '\t') ? strchr(buf, '\t') + 1 : buf);
	}
	if (nested) {
		waitpid(pid, NULL, 0);
		TRY(pid = only_child(procfd), "read(/proc/self/task/%d/children)", getpid());
	}
	/* Exec succeeded. Do not wait: the task gets re-parented to the master. */
	TRY(read_starttime(procfd, pid, &start), "read(/proc/%d/stat)", pid);
	printf("ok %d %llu\n", pid, start);
	return 0;
}

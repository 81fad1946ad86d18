/*
 * Mode "launch": start one container task from the spec on stdin (launch_spec.c).
 * Here, in the launcher: open the host-side streams and the host program, join the
 * cgroups, enter and create namespaces and fork. The child (launch_exec.c) sets up the
 * filesystem, credentials and the rest, and execs. A failing child writes
 * "<errno>\t<step>" to a CLOEXEC pipe, so EOF alone means exec succeeded. stdout gets
 * exactly one line: "ok <pid> <starttime>" or "error <errno> <strerror>: <step>".
 */
#define _GNU_SOURCE
#include "common.h"
#include "launch.h"

#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

int report_fd = -1;

void fail(int err, const char *fmt, ...)
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
		int len = snprintf(msg, sizeof(msg), "%d\t%s", err, step);
		(void)write_all(report_fd, msg, (size_t)len < sizeof(msg) ? (size_t)len : sizeof(msg) - 1);
		_exit(127);
	}
	printf("error %d %s: %s\n", err, strerror(err), step);
	exit(1);
}

/*
 * Our descriptor is opened anew, with O_APPEND; the client's own descriptor N is another open
 * file description with its own offset. When it is a regular file that the client (or the shell
 * that started it, "> log") writes without O_APPEND, its next write would land at its old offset,
 * over what the task appended. So the client's description is switched to O_APPEND too, as a
 * terminal or a pipe would behave: every writer then adds at the end. Best effort: a client we
 * may not reach this way (pidfd_getfd refused) keeps its mode, and the task still appends.
 */
static void append_client_description(int pidfd, int client_fd, int ours)
{
	struct stat mine, theirs;
	int fd, fl;

	if (pidfd < 0 || fstat(ours, &mine) < 0 || !S_ISREG(mine.st_mode))
		return;
	if ((fd = (int)syscall(SYS_pidfd_getfd, pidfd, client_fd, 0)) < 0)
		return;
	if (fstat(fd, &theirs) == 0 && theirs.st_dev == mine.st_dev && theirs.st_ino == mine.st_ino
			&& (fl = fcntl(fd, F_GETFL)) >= 0 && !(fl & O_APPEND))
		(void)fcntl(fd, F_SETFL, fl | O_APPEND);
	close(fd);
}

/*
 * A stream "/proc/<client pid>/fd/N" is opened through the client's /proc directory, taken once
 * and checked to belong to the process that connected (its start time): a process that reuses
 * the pid later cannot be reached through it. Returns -1 for any other path.
 */
static int open_client_stream(const char *path, int flags)
{
	static int dir = -1, pidfd = -1;
	char prefix[64];
	unsigned long long start;
	size_t len;
	int fd;

	if (!spec.has_client_pid)
		return -1;
	len = (size_t)snprintf(prefix, sizeof(prefix), "/proc/%d/fd/", spec.client_pid);
	if (strncmp(path, prefix, len) || !path[len])
		return -1;
	if (dir < 0) {
		prefix[len - 4] = '\0'; /* "/proc/<pid>" */
		TRY(dir = open(prefix, O_PATH | O_DIRECTORY | O_CLOEXEC), "open(%s)", prefix);
		pidfd = (int)syscall(SYS_pidfd_open, spec.client_pid, 0);
		if (read_starttime(-1, spec.client_pid, &start) < 0 || start != spec.client_start)
			fail(ESRCH, "client process %d is gone (its pid may name another process now)", spec.client_pid);
	}
	TRY(fd = open_as_client_at(dir, path + len - 3, flags, 0660), "open(%s)", path); /* "fd/N" */
	if ((flags & O_ACCMODE) != O_RDONLY)
		append_client_description(pidfd, atoi(path + len), fd);
	return fd;
}

static int open_host_stream(const char *path, int mode)
{
	int fd;

	if ((fd = open_client_stream(path, mode | O_NOCTTY | O_CLOEXEC)) < 0)
		TRY(fd = open_as_client(path, mode | O_NOCTTY | O_CLOEXEC, 0660), "open(%s)", path);
	return fd;
}

/* Host paths: opened before another container's namespaces are entered and before its
 * devices cgroup may deny them. */
static void open_host_streams(int stdio_fd[3])
{
	static const int modes[3] = { O_RDONLY, O_WRONLY | O_CREAT | O_APPEND, O_WRONLY | O_CREAT | O_APPEND };

	for (int i = 0; i < 3; i++) {
		const char *path = spec.stdio_path[i] ? spec.stdio_path[i] : "/dev/null";
		if (spec.stdio_inside[i])
			continue;
		stdio_fd[i] = open_host_stream(path, modes[i]);
		/* A terminal is opened read-write, as a login does: programs read and write it
		 * through any of 0-2 (upstream's portoctl exec and shell pass one pty for all). */
		if (modes[i] != O_RDWR && isatty(stdio_fd[i])) {
			int rw = open_host_stream(path, O_RDWR);
			close(stdio_fd[i]);
			stdio_fd[i] = rw;
		}
	}
}

/*
 * In v1, "0" written to "tasks" moves this thread, the launcher's only one, and the kernel
 * takes no global lock for it; a pid written to "cgroup.procs" moves a thread group under
 * cgroup_threadgroup_rwsem, whose first writer after a quiet spell waits for an RCU grace
 * period (~11 ms here). v2 has no "tasks" in a domain cgroup: "cgroup.procs" there.
 */
static void join_cgroups(void)
{
	char pid[32], path[PATH_MAX];
	int len = snprintf(pid, sizeof(pid), "%d\n", getpid()), fd;

	for (size_t i = 0; i < spec.cgroups.n; i++) {
		snprintf(path, sizeof(path), "%s/tasks", spec.cgroups.v[i]);
		if ((fd = open(path, O_WRONLY | O_CLOEXEC)) >= 0) {
			if (write_all(fd, "0\n", 2) < 0)
				fail(errno, "write(%s)", path);
			close(fd);
			continue;
		}
		if (errno != ENOENT)
			fail(errno, "open(%s)", path);
		snprintf(path, sizeof(path), "%s/cgroup.procs", spec.cgroups.v[i]);
		if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0 || write_all(fd, pid, (size_t)len) < 0)
			fail(errno, "write(%s)", path);
		close(fd);
	}
}

/* Enters the namespaces named, creates the new ones. A new pid namespace inside a joined
 * one can only be made by a member of the joined one: the child does it (see below);
 * true then. */
static bool enter_namespaces(void)
{
	int fds[spec.setns.n + 1];

	/* Every file is opened before the first setns: once in a parent's mount namespace, a
	 * namespace file the daemon bind-mounted later (net=L3 below a started parent) is an
	 * empty file there. */
	for (size_t i = 0; i < spec.setns.n; i++)
		TRY(fds[i] = open(spec.setns.v[i], O_RDONLY | O_CLOEXEC), "open(%s)", spec.setns.v[i]);
	if (spec.setns_user) /* entered by the child, once its filesystem is set up */
		TRY(spec.user_fd = open(spec.setns_user, O_RDONLY | O_CLOEXEC), "open(%s)", spec.setns_user);
	for (size_t i = 0; i < spec.setns.n; i++) {
		TRY(setns(fds[i], 0), "setns(%s)", spec.setns.v[i]);
		close(fds[i]);
	}
	bool nested = spec.setns.n && (spec.ns_flags & CLONE_NEWPID);
	int here = spec.ns_flags & ~(nested ? CLONE_NEWPID : 0);
	if (here)
		TRY(unshare(here), "unshare(%s)", spec.ns_names);
	return nested;
}

/* In the child with a nested pid namespace: the task is our sibling (CLONE_PARENT), so
 * when we both exit it goes to the master, not to the init of the joined namespace. */
static void become_sibling(void)
{
	TRY(unshare(CLONE_NEWPID), "unshare(pid)");
	long task = syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, NULL, NULL, 0);
	if (task < 0)
		fail(errno, "clone(CLONE_PARENT)");
	if (task > 0)
		_exit(0);
}

/* The child's report: empty when exec succeeded; otherwise its failure is ours. */
static void await_exec(int pipe_rd)
{
	char buf[PATH_MAX + 300];
	size_t len = 0;

	for (ssize_t n = 1; n != 0 && len < sizeof(buf) - 1; len += n > 0 ? (size_t)n : 0)
		if ((n = read(pipe_rd, buf + len, sizeof(buf) - 1 - len)) < 0 && errno != EINTR)
			break;
	if (!len)
		return;
	buf[len] = '\0';
	while (waitpid(-1, NULL, 0) > 0)
		;
	char *tab = strchr(buf, '\t');
	fail(atoi(buf), "%s", tab ? tab + 1 : buf);
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

/* The task's pid: the child, or with a nested pid namespace the grandchild that the child
 * left us (CLONE_PARENT) once the child is gone. */
static pid_t task_of(int procfd, pid_t child, bool nested)
{
	pid_t task;

	if (!nested)
		return child;
	waitpid(child, NULL, 0);
	TRY(task = only_child(procfd), "read(/proc/self/task/%d/children)", getpid());
	return task;
}

/* Kills and reaps a task that the daemon will not hear of. */
static void bury(pid_t pid)
{
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* Exec succeeded. We do not wait: the task gets re-parented to the master. It is still
 * our unreaped child, so its /proc entry exists; should we fail to read it or to answer,
 * the task is killed and reaped here, never left running unknown to the daemon. */
static int answer(int procfd, pid_t pid)
{
	unsigned long long start;

	if (read_starttime(procfd, pid, &start) < 0) {
		int err = errno;
		bury(pid);
		fail(err, "read(/proc/%d/stat)", pid);
	}
	if (printf("ok %d %llu\n", pid, start) < 0 || fflush(stdout) != 0) {
		bury(pid);
		return 1;
	}
	return 0;
}

int launch_main(int argc, char **argv)
{
	int stdio_fd[3] = { -1, -1, -1 }, exec_fd = -1, pfd[2], sync[2] = { -1, -1 }, procfd;
	pid_t pid;

	(void)argv;
	log_tag = "portod-launch";
	signal(SIGCHLD, SIG_DFL); /* an inherited SIG_IGN would auto-reap the child */
	if (argc != 0)
		fail(EINVAL, "usage: portod-native launch < spec");
	read_spec(STDIN_FILENO);
	/* The host's /proc, for the child's starttime even after setns(mnt). */
	TRY(procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC), "open(/proc)");
	open_host_streams(stdio_fd);
	if (spec.exec_host)
		TRY(exec_fd = open(spec.exec_host, O_PATH | O_CLOEXEC), "open(%s)", spec.exec_host);
	join_cgroups();
	bool nested = enter_namespaces();
	TRY(pipe2(pfd, O_CLOEXEC), "pipe2()");
	if (spec.uid_map) /* the child says when its user namespace is there to be mapped */
		TRY(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sync), "socketpair()");
	TRY(pid = fork(), "fork()"); /* after unshare(pid) the child is pid 1 inside */
	if (pid == 0) {
		close(pfd[0]);
		if (sync[0] >= 0)
			close(sync[0]);
		report_fd = pfd[1];
		if (nested)
			become_sibling();
		run_child(stdio_fd, exec_fd, sync[1]);
	}
	close(pfd[1]);
	if (spec.uid_map) {
		close(sync[1]);
		if (await_user_namespace(sync[0])) {
			pid = task_of(procfd, pid, nested);
			nested = false;
			map_user_namespace(sync[0], procfd, pid);
		}
	}
	await_exec(pfd[0]);
	pid = task_of(procfd, pid, nested);
	return answer(procfd, pid);
}

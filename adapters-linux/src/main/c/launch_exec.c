/*
 * The child of the launcher, which becomes the task: a clean signal state, its own
 * session, oom_score_adj, the filesystem, the inside streams, scheduling, limits,
 * its user namespace, a mount namespace for exec, credentials, then its cwd entered with
 * those credentials, then exec. A failure is
 * reported through the error pipe (see fail()).
 */
#define _GNU_SOURCE
#include "common.h"
#include "launch.h"

#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static const int stdio_modes[3] = { O_RDONLY, O_WRONLY | O_CREAT | O_APPEND, O_WRONLY | O_CREAT | O_APPEND };

/* Applied while we still have CAP_SYS_NICE, before credentials change; inherited by the task. */
static void set_scheduling(void)
{
	if (spec.has_sched) {
		struct sched_param param = { .sched_priority = spec.priority };
		TRY(sched_setscheduler(0, spec.policy, &param), "sched_setscheduler(%d, %d)", spec.policy, spec.priority);
		if (spec.policy != SCHED_RR)
			TRY(setpriority(PRIO_PROCESS, 0, spec.nice), "setpriority(%d)", spec.nice);
	}
	if (spec.has_ioprio) /* IOPRIO_WHO_PROCESS = 1 */
		TRY(syscall(SYS_ioprio_set, 1, 0, spec.ioprio), "ioprio_set(%d)", spec.ioprio);
}

static void set_limits(void)
{
	for (size_t i = 0; i < spec.nlimits; i++) {
		const struct limit *l = &spec.limits[i];
		struct rlimit rl = { l->soft, l->hard };
		TRY(setrlimit((__rlimit_resource_t)l->resource, &rl), "setrlimit(%d, %llu, %llu)", l->resource,
		    (unsigned long long)l->soft, (unsigned long long)l->hard);
	}
	if (spec.has_umask)
		umask(spec.umask);
}

static void set_oom_score_adj(void)
{
	char text[16];
	int fd, len = snprintf(text, sizeof(text), "%d", spec.oom_score_adj);

	if ((fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC)) < 0 || write_all(fd, text, (size_t)len) < 0)
		fail(errno, "write(/proc/self/oom_score_adj, %s)", text);
	close(fd);
}

/* The task's streams: host ones opened by the launcher, inside ones opened here in the
 * task's filesystem as the client, relative to cwd. The cwd is not entered yet: that is
 * done with the task's credentials; here it only anchors relative names. */
static void setup_stdio(int stdio_fd[3])
{
	int cwdfd = AT_FDCWD;

	if (spec.cwd)
		TRY(cwdfd = open(spec.cwd, O_PATH | O_DIRECTORY | O_CLOEXEC), "chdir(%s)", spec.cwd);
	for (int i = 0; i < 3; i++)
		if (spec.stdio_inside[i])
			TRY(stdio_fd[i] = open_as_client_at(cwdfd, spec.stdio_inside[i], stdio_modes[i] | O_NOCTTY | O_CLOEXEC, 0660),
			    "open(%s)", spec.stdio_inside[i]);
	for (int i = 0; i < 3; i++) { /* a terminal read-write, as in launcher.c */
		if (spec.stdio_inside[i] && stdio_modes[i] != O_RDWR && isatty(stdio_fd[i])) {
			int rw;
			TRY(rw = open_as_client_at(cwdfd, spec.stdio_inside[i], O_RDWR | O_NOCTTY | O_CLOEXEC, 0),
			    "open(%s)", spec.stdio_inside[i]);
			close(stdio_fd[i]);
			stdio_fd[i] = rw;
		}
	}
	for (int i = 0; i < 3; i++) /* dup2() clears FD_CLOEXEC on 0-2 */
		TRY(dup2(stdio_fd[i], i), "dup2(%d)", i);
	if (cwdfd >= 0)
		close(cwdfd);
	/* We lead a new session: a terminal among our streams becomes its controlling one, so
	 * that a shell there has job control and ^C reaches the foreground. Best effort: a
	 * terminal that is another session's stays a plain stream. */
	for (int i = 0; i < 3; i++)
		if (isatty(i) && ioctl(i, TIOCSCTTY, 0) == 0)
			break;
}

/* execvpe(), but PATH comes from the task's environment, not ours. */
static void __attribute__((noreturn)) exec_task(int exec_fd)
{
	static char *no_env[] = { NULL };
	char **argv = spec.args.v, **envp = spec.env.n ? spec.env.v : no_env, buf[PATH_MAX];
	const char *path = DEFAULT_PATH;
	int err = ENOENT;

	if (exec_fd >= 0) { /* a host program, opened before the root changed */
		syscall(SYS_execveat, exec_fd, "", argv, envp, AT_EMPTY_PATH);
		fail(errno, "execveat(%s)", spec.exec_host);
	}
	if (strchr(argv[0], '/')) {
		execve(argv[0], argv, envp);
		fail(errno, "execvpe(%s)", argv[0]);
	}
	for (size_t i = spec.env.n; i-- > 0;) /* the first PATH= wins, as with getenv() */
		if (!strncmp(spec.env.v[i], "PATH=", 5))
			path = spec.env.v[i] + 5;
	for (const char *p = path, *end = p; *end; p = end + 1) {
		int dl = (int)((end = strchrnul(p, ':')) - p); /* an empty entry means "." */
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

static void reset_signals(void)
{
	sigset_t none;

	/* Start from a clean signal state whatever the JVM left behind. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
}

/* Our stdin and stdout are the daemon's pipes: the task must not reach them through
 * /dev/stdout or /proc/self/fd before its own streams replace them. */
static void hide_launcher_pipes(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
}

void __attribute__((noreturn)) run_child(int stdio_fd[3], int exec_fd, int sync)
{
	reset_signals();
	TRY(setsid(), "setsid()");
	hide_launcher_pipes();
	if (spec.has_oom) /* before /proc may be replaced */
		set_oom_score_adj();
	if (spec.hostname)
		TRY(sethostname(spec.hostname, strlen(spec.hostname)), "sethostname(%s)", spec.hostname);
	setup_filesystem();
	setup_stdio(stdio_fd);
	set_scheduling();
	set_limits();
	caps_drop_bounding();
	if (spec.no_new_privs)
		TRY(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)");
	/* The uid, gid and groups of the spec are then ids inside the new user namespace. */
	if (spec.uid_map || spec.setns_user)
		enter_user_namespace(sync);
	/* While the task may still unshare: a user's task could not do it after setuid(). */
	if (spec.unshare_on_exec)
		unshare_mounts_for_exec();
	set_task_credentials();
	/* By path and with the task's rights: a task must not start in a directory its user
	 * could not enter (every directory on the way is searched as that user). */
	if (spec.cwd)
		TRY(chdir(spec.cwd), "chdir(%s)", spec.cwd);
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC); /* only 0-2 may reach the task */
	exec_task(exec_fd);
}

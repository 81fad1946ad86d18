/*
 * Mode "master": long-lived supervisor of the Java daemon.
 *
 * It owns the listening API socket (each daemon gets it as fd 0), is the
 * child subreaper of every container task and reports task exits to the
 * daemon on a pipe (daemon's fd 3) as "exit <pid> <status> <starttime>\n".
 * The daemon answers "ack <pid> <starttime>\n" on another pipe (its fd 4);
 * both numbers must match, as a pid alone may be reused. Unacked exits are
 * re-sent to every new daemon, so none is lost across crashes or reloads.
 *
 * Heartbeat: on the same pipes the master sends "ping <token>\n" and the
 * daemon answers "pong <token>\n". A daemon that leaves a ping unanswered
 * for the heartbeat timeout (--heartbeat-timeout MS, or the environment's
 * PORTO_HEARTBEAT_TIMEOUT_MS, default 60 s) is hung: it is killed with
 * SIGKILL and replaced like a dead one. Until it first answers, a new daemon
 * gets at least STARTUP_MS (a JVM starting and restoring containers).
 *
 * SIGUSR2 (portod upgrade) re-executes the master from its path, which may
 * now hold a new binary: the pid, the children (daemon and container tasks),
 * the socket and the daemon's pipes survive exec; the pending exits cross it
 * in a memfd named by "--resume".
 */
#define _GNU_SOURCE
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#define MIN_DELAY_MS 100
#define MAX_DELAY_MS 5000
#define STABLE_MS 5000 /* a daemon that ran this long is restarted at once */
#define KILL_AFTER_MS 30000
#define DEFAULT_HEARTBEAT_MS 60000
#define STARTUP_MS 60000

struct pending {
	pid_t pid;
	int status; /* raw wait status */
	unsigned long long start;
	bool sent;
};

static const char *sock_path, *sock_group, *pidfile, *daemon_pidfile, *log_path;
static char **daemon_argv;
static int listen_fd = -1, rep_fd = -1, ack_fd = -1;
static pid_t daemon_pid = -1;
static long long started_at, restart_at, kill_at; /* monotonic ms, 0 = unset */
static long long restart_delay = MIN_DELAY_MS;
static bool stopping, reloading, norespawn;

static long long heartbeat_ms = DEFAULT_HEARTBEAT_MS; /* unanswered this long: hung */
static long long ping_due_at; /* when the next ping is sent, 0 = none planned */
static long long ping_token; /* the ping awaiting its pong (its send time), 0 = none */
static bool ping_unwritten; /* queued but not yet in the pipe */
static bool daemon_answered; /* the daemon has answered a ping since it started */

static char **master_args; /* our own options, for re-exec */
static int master_nargs;

static struct pending *pend;
static size_t npend, cap_pend;
static char line[128], abuf[256]; /* report being written; partial ack line */
static size_t line_len, line_off, alen;

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void write_pidfile(const char *path, pid_t pid)
{
	char tmp[4096], buf[32];
	int len = snprintf(buf, sizeof(buf), "%d\n", pid);

	/* Write-then-rename: readers never see a half-written file. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int ok = fd >= 0 && write_all(fd, buf, (size_t)len) == 0;
	if (fd >= 0 && close(fd) < 0)
		ok = 0;
	if (!ok || rename(tmp, path) < 0) {
		logmsg("cannot write %s: %m", path);
		unlink(tmp);
	}
}

static void refuse_if_running(void)
{
	char buf[4096];
	FILE *f = fopen(pidfile, "re");
	int pid = 0;
	size_t n = 0;

	if (f && fscanf(f, "%d", &pid) == 1 && pid > 0 && pid != getpid()) {
		snprintf(buf, sizeof(buf), "/proc/%d/cmdline", pid);
		FILE *c = fopen(buf, "re"); /* a dead process has none */
		n = c ? fread(buf, 1, sizeof(buf) - 1, c) : 0;
		if (c)
			fclose(c);
	}
	if (f)
		fclose(f);
	for (size_t i = 0; i < n; i++) /* arguments are NUL-separated */
		buf[i] = buf[i] ? buf[i] : ' ';
	buf[n] = '\0';
	if (strstr(buf, "portod-native") && strstr(buf, "master"))
		die("already running as pid %d (%s)", pid, pidfile);
}

static int make_socket(void)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct stat st;
	int fd;

	if (snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", sock_path) >= (int)sizeof(addr.sun_path))
		die("socket path too long: %s", sock_path);
	if (lstat(sock_path, &st) == 0 && !S_ISSOCK(st.st_mode))
		die("%s exists and is not a socket", sock_path);
	unlink(sock_path); /* a stale socket from an earlier master */
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, SOMAXCONN) < 0 ||
	    chmod(sock_path, 0666) < 0)
		die("cannot listen on %s: %m", sock_path);
	struct group *gr = sock_group ? getgrnam(sock_group) : NULL;
	if (sock_group && !gr)
		logmsg("group %s not found, %s stays root:root", sock_group, sock_path);
	if (gr && chown(sock_path, 0, gr->gr_gid) < 0)
		die("chown(%s): %m", sock_path);
	return fd;
}

static void __attribute__((noreturn)) exec_daemon(int rep_rd, int ack_wr)
{
	char buf[32];
	sigset_t none;

	/* Move the fds above 4 first so the dup2()s cannot clobber each other;
	 * dup2() also clears FD_CLOEXEC on the targets. */
	int l = fcntl(listen_fd, F_DUPFD, 10), r = fcntl(rep_rd, F_DUPFD, 10);
	int a = fcntl(ack_wr, F_DUPFD, 10);
	if (l < 0 || r < 0 || a < 0 || dup2(l, 0) < 0 || dup2(r, 3) < 0 || dup2(a, 4) < 0)
		die("cannot set up daemon fds: %m");
	close_range(5, ~0U, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL); /* ignored dispositions survive exec */
	snprintf(buf, sizeof(buf), "%d", getppid());
	setenv("PORTO_MASTER_PID", buf, 1);
	execvp(daemon_argv[0], daemon_argv);
	die("execvp(%s): %m", daemon_argv[0]);
}

static struct pending *first_unsent(void)
{
	for (size_t i = 0; i < npend; i++)
		if (!pend[i].sent)
			return &pend[i];
	return NULL;
}

/* Sends as many whole report lines as the pipe takes without blocking. */
static void flush_reports(void)
{
	struct pending *p;

	while (rep_fd >= 0) {
		if (line_off == line_len && ping_unwritten) {
			line_len = (size_t)snprintf(line, sizeof(line), "ping %lld\n", ping_token);
			line_off = 0;
			ping_unwritten = false;
		} else if (line_off == line_len) {
			if (!(p = first_unsent()))
				return;
			line_len = (size_t)snprintf(line, sizeof(line), "exit %d %d %llu\n", p->pid, p->status, p->start);
			line_off = 0;
			p->sent = true;
		}
		ssize_t n = write(rep_fd, line + line_off, line_len - line_off);
		if (n >= 0)
			line_off += (size_t)n;
		else if (errno == EAGAIN)
			return;
		else if (errno != EINTR) { /* EPIPE: the daemon closed its fd 3 */
			logmsg("write(reports): %m");
			close(rep_fd);
			rep_fd = -1;
		}
	}
}

static void handle_pong(long long token)
{
	if (token != ping_token)
		return; /* a late answer to a ping of an earlier master image */
	ping_token = 0;
	ping_due_at = now_ms() + heartbeat_ms / 4;
	daemon_answered = true;
}

/* "ack <pid> <starttime>" or "pong <token>". */
static void handle_ack(const char *s)
{
	unsigned long long start;
	long long token;
	int pid, used = 0;

	if (sscanf(s, "pong %lld%n", &token, &used) == 1 && !s[used]) {
		handle_pong(token);
		return;
	}
	if (sscanf(s, "ack %d %llu%n", &pid, &start, &used) == 2 && !s[used])
		for (size_t i = 0; i < npend; i++)
			if (pend[i].pid == pid && pend[i].start == start) {
				memmove(&pend[i], &pend[i + 1], (--npend - i) * sizeof(*pend));
				return;
			}
	logmsg("unexpected line from daemon: %s", s);
}

/* How long a ping may stay unanswered: a daemon that never answered yet may still be starting. */
static long long allowed_silence(void)
{
	return daemon_answered || heartbeat_ms > STARTUP_MS ? heartbeat_ms : STARTUP_MS;
}

/* Sends a ping when one is due; kills a daemon that left the last one unanswered too long.
 * Not while the daemon is being stopped: KILL_AFTER_MS rules then. */
static void heartbeat(long long now)
{
	if (daemon_pid <= 0 || kill_at || stopping)
		return;
	long long allowed = allowed_silence();
	if (ping_token && now - ping_token >= allowed) {
		logmsg("daemon %d did not answer a heartbeat within %lld ms: it hangs, killing it", daemon_pid, allowed);
		kill(daemon_pid, SIGKILL);
		ping_token = ping_due_at = 0; /* the restart after its death plans the next one */
	} else if (!ping_token && ping_due_at && now >= ping_due_at) {
		ping_token = now;
		ping_unwritten = true;
		flush_reports();
	}
}

/* When heartbeat() has something to do next, 0 = nothing planned. */
static long long heartbeat_deadline(void)
{
	if (daemon_pid <= 0 || kill_at || stopping)
		return 0;
	if (ping_token)
		return ping_token + allowed_silence();
	return ping_due_at;
}

static void read_acks(void)
{
	while (ack_fd >= 0) {
		ssize_t n = read(ack_fd, abuf + alen, sizeof(abuf) - 1 - alen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) { /* EOF: the daemon closed its fd 4 */
			close(ack_fd);
			ack_fd = -1;
			return;
		}
		char *p = abuf, *nl;
		for (alen += (size_t)n; (nl = memchr(p, '\n', (size_t)(abuf + alen - p))); p = nl + 1) {
			*nl = '\0';
			handle_ack(p);
		}
		memmove(abuf, p, alen -= (size_t)(p - abuf));
		if (alen == sizeof(abuf) - 1) {
			logmsg("overlong line from daemon dropped");
			alen = 0;
		}
	}
}

static void spawn_daemon(void)
{
	int rp[2] = { -1, -1 }, ap[2] = { -1, -1 };
	pid_t pid = -1;

	restart_at = 0;
	if (pipe2(rp, O_CLOEXEC) == 0 && pipe2(ap, O_CLOEXEC) == 0 && (pid = fork()) == 0)
		exec_daemon(rp[0], ap[1]);
	int err = errno;
	/* Keep only our ends: rp[1] writes reports, ap[0] reads acks. */
	int drop[] = { rp[0], ap[1], pid < 0 ? rp[1] : -1, pid < 0 ? ap[0] : -1 };
	for (int i = 0; i < 4; i++)
		if (drop[i] >= 0)
			close(drop[i]);
	if (pid < 0) {
		logmsg("cannot start daemon: %s", strerror(err));
		restart_at = now_ms() + MAX_DELAY_MS;
		return;
	}
	rep_fd = rp[1];
	ack_fd = ap[0];
	fcntl(rep_fd, F_SETFL, O_NONBLOCK);
	fcntl(ack_fd, F_SETFL, O_NONBLOCK);
	daemon_pid = pid;
	started_at = now_ms();
	line_len = line_off = alen = 0;
	ping_token = 0;
	ping_unwritten = daemon_answered = false;
	ping_due_at = started_at; /* at once: answered as soon as it serves */
	for (size_t i = 0; i < npend; i++) /* a new daemon has seen nothing */
		pend[i].sent = false;
	write_pidfile(daemon_pidfile, pid);
	logmsg("started daemon %d, %zu pending exits", pid, npend);
	flush_reports();
}

static void __attribute__((noreturn)) shutdown_master(void)
{
	unlink(daemon_pidfile);
	unlink(pidfile);
	unlink(sock_path);
	logmsg("stopped, %zu unacknowledged exits dropped", npend);
	exit(0);
}

static void daemon_exited(int status)
{
	logmsg("daemon %d %s %d", daemon_pid, WIFSIGNALED(status) ? "killed by signal" : "exited with",
	       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	read_acks(); /* acks written just before dying still count */
	if (ack_fd >= 0)
		close(ack_fd);
	if (rep_fd >= 0)
		close(rep_fd);
	ack_fd = rep_fd = daemon_pid = -1;
	kill_at = ping_token = ping_due_at = 0;
	ping_unwritten = false;
	if (stopping || (norespawn && !reloading))
		shutdown_master(); /* --norespawn: a daemon that exits on its own ends the master too */
	restart_at = now_ms();
	if (reloading || restart_at - started_at >= STABLE_MS) {
		restart_delay = MIN_DELAY_MS;
	} else { /* crashing early: back off */
		logmsg("restarting daemon in %lld ms", restart_delay);
		restart_at += restart_delay;
		restart_delay = restart_delay * 2 < MAX_DELAY_MS ? restart_delay * 2 : MAX_DELAY_MS;
	}
	reloading = false;
}

static void reap(void)
{
	siginfo_t si;
	int status;

	/* Peek with WNOWAIT to read starttime while the zombie still holds its
	 * pid: the daemon tells the task from a later one reusing the pid. */
	while (memset(&si, 0, sizeof(si)), waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
	       si.si_pid > 0) {
		unsigned long long start = 0;
		if (read_starttime(-1, si.si_pid, &start) < 0)
			logmsg("cannot read starttime of %d: %m", si.si_pid);
		if (waitpid(si.si_pid, &status, 0) < 0) {
			logmsg("waitpid(%d): %m", si.si_pid);
			break;
		}
		if (si.si_pid == daemon_pid) {
			daemon_exited(status);
			continue;
		}
		if (npend == cap_pend) {
			cap_pend = cap_pend ? cap_pend * 2 : 64;
			if (!(pend = realloc(pend, cap_pend * sizeof(*pend))))
				die("out of memory for %zu pending exits", npend);
		}
		pend[npend++] = (struct pending){ si.si_pid, status, start, false };
	}
	flush_reports();
}

/* Re-executes the master in place; returns only if that failed. */
static void upgrade_master(void)
{
	char exe[4096], resume[160], *args[64];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int nargs = 0, mfd;

	if (n <= 0 || master_nargs + 6 > (int)(sizeof(args) / sizeof(args[0]))) {
		logmsg("upgrade: cannot find own binary: %m");
		return;
	}
	exe[n] = '\0';
	char *deleted = strstr(exe, " (deleted)"); /* replaced on disk: run what is there now */
	if (deleted && !deleted[10])
		*deleted = '\0';
	if ((mfd = memfd_create("porto-pending", 0)) < 0) {
		logmsg("upgrade: memfd_create(): %m");
		return;
	}
	/* The rest of a half-written line goes first: the next image finishes it, so the
	 * daemon's stream stays whole lines without us waiting here for a daemon that may hang. */
	if (rep_fd >= 0 && line_off < line_len &&
	    (write_all(mfd, "rest ", 5) < 0 || write_all(mfd, line + line_off, line_len - line_off) < 0)) {
		logmsg("upgrade: cannot save the rest of a report: %m");
		close(mfd);
		return;
	}
	for (size_t i = 0; i < npend; i++) {
		char buf[96];
		int len = snprintf(buf, sizeof(buf), "%d %d %llu\n", pend[i].pid, pend[i].status, pend[i].start);
		if (write_all(mfd, buf, (size_t)len) < 0) {
			logmsg("upgrade: cannot save pending exits: %m");
			close(mfd);
			return;
		}
	}
	lseek(mfd, 0, SEEK_SET);
	int keep[] = { listen_fd, rep_fd, ack_fd, mfd };
	for (size_t i = 0; i < 4; i++)
		if (keep[i] >= 0)
			fcntl(keep[i], F_SETFD, 0);
	snprintf(resume, sizeof(resume), "%d,%d,%d,%d,%d,%lld", listen_fd, rep_fd, ack_fd, daemon_pid, mfd, started_at);
	args[nargs++] = exe;
	args[nargs++] = "master";
	args[nargs++] = "--resume";
	args[nargs++] = resume;
	for (int i = 0; i < master_nargs; i++) {
		if (!strcmp(master_args[i], "--daemonize"))
			continue;
		if (!strcmp(master_args[i], "--resume")) {
			i++;
			continue;
		}
		args[nargs++] = master_args[i];
	}
	args[nargs] = NULL;
	logmsg("upgrade: re-executing %s with %zu pending exits", exe, npend);
	execv(exe, args);
	logmsg("upgrade: execv(%s): %m", exe);
	for (size_t i = 0; i < 3; i++)
		if (keep[i] >= 0)
			fcntl(keep[i], F_SETFD, FD_CLOEXEC);
	close(mfd);
}

/* After an upgrade: take over the previous image's descriptors and pending exits. */
static void resume_master(const char *resume)
{
	int mfd = -1, dpid = -1;
	long long started = 0;
	char buf[sizeof(line) + 8];

	if (sscanf(resume, "%d,%d,%d,%d,%d,%lld", &listen_fd, &rep_fd, &ack_fd, &dpid, &mfd, &started) != 6)
		die("bad --resume %s", resume);
	FILE *f = fdopen(mfd, "r");
	while (f && fgets(buf, sizeof(buf), f)) {
		struct pending p = { 0 };
		if (!strncmp(buf, "rest ", 5)) { /* see upgrade_master() */
			line_len = (size_t)snprintf(line, sizeof(line), "%s", buf + 5);
			line_off = 0;
			continue;
		}
		if (sscanf(buf, "%d %d %llu", &p.pid, &p.status, &p.start) != 3)
			continue;
		if (npend == cap_pend) {
			cap_pend = cap_pend ? cap_pend * 2 : 64;
			if (!(pend = realloc(pend, cap_pend * sizeof(*pend))))
				die("out of memory for %zu pending exits", npend);
		}
		pend[npend++] = p; /* unsent: the daemon acknowledges duplicates harmlessly */
	}
	if (f)
		fclose(f);
	int fds[] = { listen_fd, rep_fd, ack_fd };
	for (size_t i = 0; i < 3; i++)
		if (fds[i] >= 0)
			fcntl(fds[i], F_SETFD, FD_CLOEXEC);
	daemon_pid = dpid;
	started_at = started;
	if (rep_fd >= 0)
		fcntl(rep_fd, F_SETFL, O_NONBLOCK);
	if (daemon_pid <= 0)
		restart_at = now_ms();
	/* The daemon served before the upgrade; a ping of the old image may still be answered. */
	daemon_answered = true;
	ping_due_at = now_ms();
	logmsg("upgraded: serving daemon %d again, %zu pending exits", daemon_pid, npend);
}

static void stop_daemon(int sig)
{
	kill(daemon_pid, sig);
	if (!kill_at)
		kill_at = now_ms() + KILL_AFTER_MS;
}

static void handle_signal(int sig)
{
	if (sig == SIGCHLD) {
		reap();
	} else if (sig == SIGHUP && !stopping) {
		logmsg("reload requested");
		reloading = daemon_pid > 0;
		if (reloading)
			stop_daemon(SIGTERM);
		else
			restart_at = now_ms();
	} else if (sig == SIGTERM || sig == SIGINT || sig == SIGQUIT) {
		logmsg("stop requested by signal %d", sig);
		stopping = true;
		if (daemon_pid <= 0)
			shutdown_master();
		stop_daemon(sig == SIGINT ? SIGINT : SIGTERM); /* SIGINT: full stop */
	} else if (sig == SIGUSR2 && !stopping) {
		upgrade_master();
	} else if (sig == SIGUSR1) { /* portod reopenlog: after a rotation */
		int fd = log_path ? open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644) : -1;
		if (fd >= 0 && (dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0))
			logmsg("cannot reopen %s: %m", log_path);
		if (fd >= 0)
			close(fd);
		if (daemon_pid > 0)
			kill(daemon_pid, SIGUSR1);
		logmsg("log reopened; daemon %d, %zu pending exits", daemon_pid, npend);
		for (size_t i = 0; i < npend; i++)
			logmsg("  pid %d status %d start %llu %s", pend[i].pid, pend[i].status,
			       pend[i].start, pend[i].sent ? "sent" : "unsent");
	}
}

/* Forks; the parent exits once the child reports readiness on the returned
 * fd, so the socket exists when "portod start" returns. */
static int daemonize(void)
{
	int p[2];
	char c;

	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe2(): %m");
	pid_t pid = fork();
	if (pid < 0)
		die("fork(): %m");
	if (pid > 0) {
		close(p[1]);
		ssize_t n;
		while ((n = read(p[0], &c, 1)) < 0 && errno == EINTR)
			;
		_exit(n == 1 ? 0 : 1);
	}
	close(p[0]);
	setsid();
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && dup2(fd, STDIN_FILENO) >= 0)
		close(fd);
	return p[1];
}

int master_main(int argc, char **argv)
{
	static const int sigs[] = { SIGCHLD, SIGHUP, SIGTERM, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2 };
	const char *resume = NULL, *beat_opt = getenv("PORTO_HEARTBEAT_TIMEOUT_MS");
	bool detach = false, bad = false;
	int ready_fd = -1, sfd, fd;
	sigset_t mask;

	log_tag = "portod-master";
	for (int i = 0; i < argc && !daemon_argv && !bad; i++) {
		const char **opt = NULL;
		if (!strcmp(argv[i], "--")) daemon_argv = argv + i + 1;
		else if (!strcmp(argv[i], "--daemonize")) detach = true;
		else if (!strcmp(argv[i], "--norespawn")) norespawn = true;
		else if (!strcmp(argv[i], "--socket")) opt = &sock_path;
		else if (!strcmp(argv[i], "--socket-group")) opt = &sock_group;
		else if (!strcmp(argv[i], "--pidfile")) opt = &pidfile;
		else if (!strcmp(argv[i], "--daemon-pidfile")) opt = &daemon_pidfile;
		else if (!strcmp(argv[i], "--log")) opt = &log_path;
		else if (!strcmp(argv[i], "--resume")) opt = &resume;
		else if (!strcmp(argv[i], "--heartbeat-timeout")) opt = &beat_opt;
		else bad = true;
		if (opt && !(bad = i + 1 == argc))
			*opt = argv[++i];
	}
	if (beat_opt && !bad) {
		char *end;
		errno = 0;
		heartbeat_ms = strtoll(beat_opt, &end, 10);
		bad = errno || end == beat_opt || *end || heartbeat_ms < 100 || heartbeat_ms > 86400000LL;
		if (bad)
			fprintf(stderr, "heartbeat timeout %s: want milliseconds from 100 to 86400000\n", beat_opt);
	}
	if (bad || !sock_path || !pidfile || !daemon_pidfile || !daemon_argv || !daemon_argv[0]) {
		fprintf(stderr, "usage: portod-native master --socket PATH [--socket-group NAME] --pidfile PATH\n"
				"  --daemon-pidfile PATH [--log PATH] [--daemonize] [--heartbeat-timeout MS] [--norespawn]\n"
				"  -- DAEMON ARGV...\n");
		return 2;
	}
	if (log_path) {
		if ((fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644)) < 0 ||
		    dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
			die("open(%s): %m", log_path);
		close(fd);
	}
	master_args = argv;
	master_nargs = argc;
	refuse_if_running();
	if (detach && !resume)
		ready_fd = daemonize();

	/* Orphaned container tasks get re-parented to us, not to pid 1. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		die("prctl(PR_SET_CHILD_SUBREAPER): %m");
	prctl(PR_SET_NAME, "portod-master", 0, 0, 0); /* as ps and top show upstream's */
	sigemptyset(&mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&mask, sigs[i]);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	if ((sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) < 0)
		die("signalfd(): %m");
	signal(SIGPIPE, SIG_IGN); /* a dead daemon must mean EPIPE, not our death */
	if (resume) {
		resume_master(resume);
		write_pidfile(pidfile, getpid());
		reap(); /* exits that happened during the exec */
	} else {
		listen_fd = make_socket();
		write_pidfile(pidfile, getpid());
		logmsg("listening on %s", sock_path);
		spawn_daemon();
	}
	if (ready_fd >= 0) { /* lets the parent of --daemonize exit 0 */
		(void)write_all(ready_fd, "k", 1);
		close(ready_fd);
	}

	for (;;) {
		struct pollfd pfd[3] = { { sfd, POLLIN, 0 }, { ack_fd, POLLIN, 0 }, { rep_fd, POLLOUT, 0 } };
		struct signalfd_siginfo si;
		long long now = now_ms(), deadline = daemon_pid > 0 ? 0 : restart_at;

		if (line_off == line_len && !first_unsent())
			pfd[2].fd = -1; /* POLLOUT only with something to send; poll skips fd -1 */
		if (kill_at && (!deadline || kill_at < deadline))
			deadline = kill_at;
		long long beat = heartbeat_deadline();
		if (beat && (!deadline || beat < deadline))
			deadline = beat;
		if (poll(pfd, 3, !deadline ? -1 : deadline <= now ? 0 : (int)(deadline - now)) < 0 &&
		    errno != EINTR)
			die("poll(): %m");
		if (pfd[2].revents)
			flush_reports();
		if (pfd[1].revents)
			read_acks();
		while (pfd[0].revents && read(sfd, &si, sizeof(si)) == sizeof(si))
			handle_signal((int)si.ssi_signo);

		now = now_ms();
		if (kill_at && now >= kill_at && daemon_pid > 0) {
			logmsg("daemon %d still running after %d s, killing it", daemon_pid, KILL_AFTER_MS / 1000);
			kill(daemon_pid, SIGKILL);
			kill_at = 0;
		}
		heartbeat(now);
		if (restart_at && now >= restart_at && daemon_pid <= 0 && !stopping)
			spawn_daemon();
	}
}

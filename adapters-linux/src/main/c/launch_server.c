/*
 * Mode "launch-server": a long-lived launcher that the daemon starts once and that forks a
 * launcher per start, instead of the daemon spawning "portod-native launch" each time (the
 * JVM's spawn costs a fork of a large process, jspawnhelper's exec and ours).
 *
 * Requests on stdin, from the daemon:
 *   "launch <id> <length>\n" and <length> bytes of spec (the records of "launch")
 *   "kill <id>\n"            the daemon gave up on that start: its launcher is killed
 * Answers on stdout, one line each, in the order launches end:
 *   "<id> <the launcher's line>", that is "<id> ok <pid> <starttime>" or "<id> error <errno> <message>",
 *   or "<id> " when the launcher died without answering.
 *
 * Each launcher is a forked child that runs exactly what "launch" runs (launch_main), with
 * its spec on a pipe as fd 0 and its answer on a pipe of its own as fd 1, so that launches
 * run side by side and their answers never interleave. It forks the task and exits, so the
 * task is re-parented to the master (the child subreaper above the daemon), as before. Its
 * answer is passed on only once it has exited, so the task is the master's child by the time
 * the daemon hears of it (as when the daemon waited for a spawned launcher's exit). A
 * launcher that runs longer than LAUNCH_TIMEOUT_S is killed and answered with ETIMEDOUT.
 * At EOF on stdin (the daemon is gone) the server lets running launches finish and exits.
 */
#define _GNU_SOURCE
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define LAUNCH_TIMEOUT_S 30
#define MAX_LAUNCHES 1024
#define MAX_SPEC (16 << 20)

struct launch {
	unsigned long long id;
	pid_t pid;
	int pidfd, answer_fd; /* readable: the launcher ended; its answer line */
	char answer[8192];
	size_t len;
	time_t deadline;
	bool timed_out; /* killed after LAUNCH_TIMEOUT_S */
	bool cancelled; /* killed because the daemon gave up on it */
};

static struct launch *launches[MAX_LAUNCHES];
static size_t nlaunches;

static time_t now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec;
}

/* 0, or -1 when the daemon is gone (the launches end anyway). */
static int reply(const char *text)
{
	if (write_all(STDOUT_FILENO, text, strlen(text)) < 0) {
		logmsg("cannot answer the daemon: %m");
		return -1;
	}
	return 0;
}

/* A task started for a daemon that will never hear of it must not run on unknown: it is
 * killed, if it is still the task the launcher named (its start time), and the master reaps it. */
static void kill_unreported(const char *answer)
{
	int pid;
	unsigned long long start, now;
	int used = 0;

	if (sscanf(answer, "ok %d %llu%n", &pid, &start, &used) != 2 || answer[used] != '\0' || pid <= 0)
		return;
	if (read_starttime(-1, pid, &now) == 0 && now == start) {
		logmsg("killing task %d: its start could not be reported", pid);
		kill(pid, SIGKILL);
	}
}

static void reply_error(unsigned long long id, int err, const char *message)
{
	char line[512];
	snprintf(line, sizeof(line), "%llu error %d %s\n", id, err, message);
	reply(line);
}

/* In the forked launcher: the state a freshly spawned "launch" would start from. */
static void __attribute__((noreturn)) run_launcher(const int spec_pipe[2], const int answer_pipe[2], int request_fd)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* SIGPIPE stays ignored: an answer nobody reads fails with EPIPE, and the launcher then
	 * kills the task it started (answer() in launcher.c); the task gets every default back. */
	signal(SIGCHLD, SIG_DFL);
	close(request_fd);
	close(spec_pipe[1]); /* or the spec would never end */
	close(answer_pipe[0]);
	for (size_t i = 0; i < nlaunches; i++) { /* the other launches' ends stay with the server */
		close(launches[i]->pidfd);
		close(launches[i]->answer_fd);
	}
	if (dup2(spec_pipe[0], STDIN_FILENO) < 0 || dup2(answer_pipe[1], STDOUT_FILENO) < 0)
		_exit(127);
	close(spec_pipe[0]);
	close(answer_pipe[1]);
	exit(launch_main(0, NULL));
}

/* Forks the launcher of one start and hands it its spec. */
static void start_launch(unsigned long long id, const char *spec, size_t len, int request_fd)
{
	int spec_pipe[2] = { -1, -1 }, answer_pipe[2] = { -1, -1 };
	struct launch *l = NULL;
	pid_t pid;

	if (nlaunches == MAX_LAUNCHES) {
		reply_error(id, EAGAIN, "too many launches at once");
		return;
	}
	if (!(l = calloc(1, sizeof(*l))) || pipe2(spec_pipe, O_CLOEXEC) < 0 || pipe2(answer_pipe, O_CLOEXEC) < 0)
		goto failed;
	if ((pid = fork()) < 0)
		goto failed;
	if (pid == 0)
		run_launcher(spec_pipe, answer_pipe, request_fd);
	close(spec_pipe[0]);
	close(answer_pipe[1]);
	l->id = id;
	l->pid = pid;
	l->answer_fd = answer_pipe[0];
	l->deadline = now_s() + LAUNCH_TIMEOUT_S;
	if ((l->pidfd = (int)syscall(SYS_pidfd_open, pid, 0)) < 0) {
		int err = errno;
		kill(pid, SIGKILL); /* cannot watch it: it must not start anything */
		waitpid(pid, NULL, 0);
		close(spec_pipe[1]);
		close(l->answer_fd);
		free(l);
		reply_error(id, err, "pidfd_open() of the launcher");
		return;
	}
	fcntl(l->answer_fd, F_SETFL, O_NONBLOCK);
	launches[nlaunches++] = l;
	/* The launcher reads as we write, so a spec larger than the pipe does not block us for long. */
	if (write_all(spec_pipe[1], spec, len) < 0)
		logmsg("cannot hand launch %llu its spec: %m", id); /* it fails on the short spec */
	close(spec_pipe[1]);
	return;
failed:
	reply_error(id, errno, "cannot fork a launcher");
	for (int i = 0; i < 2; i++) {
		if (spec_pipe[i] >= 0)
			close(spec_pipe[i]);
		if (answer_pipe[i] >= 0)
			close(answer_pipe[i]);
	}
	free(l);
}

static void drain_answer(struct launch *l)
{
	ssize_t n;
	while (l->len < sizeof(l->answer) - 1
			&& ((n = read(l->answer_fd, l->answer + l->len, sizeof(l->answer) - 1 - l->len)) > 0
				|| (n < 0 && errno == EINTR)))
		l->len += n > 0 ? (size_t)n : 0;
}

/* The launcher exited: its answer is complete in the pipe (written before its exit). */
static void finish_launch(size_t i)
{
	struct launch *l = launches[i];
	char line[sizeof(l->answer) + 32];

	waitpid(l->pid, NULL, 0);
	drain_answer(l);
	l->answer[l->len] = '\0';
	l->answer[strcspn(l->answer, "\n")] = '\0';
	if (l->timed_out || l->cancelled) {
		/* An answer that came before the kill names a task nobody will hear of (the daemon
		 * gave up on it, or is told it timed out): that task goes too. */
		kill_unreported(l->answer);
		if (l->timed_out)
			reply_error(l->id, ETIMEDOUT, "the launcher did not answer within 30 s");
		else
			reply_error(l->id, ECANCELED, "the launch was given up on");
	} else {
		snprintf(line, sizeof(line), "%llu %s\n", l->id, l->answer);
		if (reply(line) < 0)
			kill_unreported(l->answer);
	}
	close(l->pidfd);
	close(l->answer_fd);
	free(l);
	launches[i] = launches[--nlaunches];
}

/*
 * Kills a launcher given up on, and the task it forked (being set up, or already running): an
 * answer that never comes reports no task, so none may run on unknown. The launcher is stopped
 * first, so it forks no other while its children are read; one stuck in the kernel (a stream
 * on a file system that does not answer) forks nothing either, so the wait for the stop is short.
 */
/* The state letter of /proc/PID/stat (R, S, D, T, Z, ...), or 0. */
static char process_state(pid_t pid)
{
	char buf[4096], *state = read_proc_stat(-1, pid, buf, sizeof(buf));
	return state ? *state : 0;
}

/* Kills the children of pid not killed before (up to max of them); how many were new. */
static int kill_children(pid_t pid, int *killed, int *nkilled, int max)
{
	char path[64];
	FILE *children;
	int child, fresh = 0;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", pid, pid);
	if (!(children = fopen(path, "re")))
		return 0;
	while (fscanf(children, "%d", &child) == 1) {
		bool seen = false;
		for (int i = 0; i < *nkilled; i++)
			seen = seen || killed[i] == child;
		if (seen || *nkilled == max)
			continue;
		logmsg("killing task %d: its launcher was given up on", child);
		kill(child, SIGKILL);
		killed[(*nkilled)++] = child;
		fresh++;
	}
	fclose(children);
	return fresh;
}

static void kill_launcher(pid_t pid)
{
	siginfo_t info;
	int killed[8], nkilled = 0;
	char state = process_state(pid);

	/* Exited (its task, if any, is the master's now: finish_launch deals with its answer), or
	 * stuck in the kernel, where it forks nothing: no wait for a stop either way. */
	if (state != 'Z' && state != 'D' && state != 0) {
		kill(pid, SIGSTOP);
		for (int i = 0; i < 100; i++) {
			info.si_pid = 0;
			if (waitid(P_PID, (id_t)pid, &info, WSTOPPED | WNOHANG | WNOWAIT) < 0 || info.si_pid == pid)
				break;
			usleep(1000);
		}
	}
	/* Again until no new child shows: a child of a new pid namespace may have made the task
	 * (CLONE_PARENT, so the launcher's child too) just before it was killed. */
	for (int round = 0; round < 4 && kill_children(pid, killed, &nkilled, 8) > 0; round++)
		;
	kill(pid, SIGKILL);
}

static void kill_launch(unsigned long long id)
{
	for (size_t i = 0; i < nlaunches; i++)
		if (launches[i]->id == id && !launches[i]->cancelled) {
			launches[i]->cancelled = true;
			kill_launcher(launches[i]->pid);
		}
}

/* Bytes of a refused spec still to come: they are read and dropped, so the stream stays in step. */
static unsigned long long discard;

/* Takes every complete request from buf; returns how many bytes it used. */
static size_t handle_requests(char *buf, size_t len, int request_fd)
{
	size_t used = 0;

	for (;;) {
		if (discard) {
			size_t n = len - used < discard ? len - used : (size_t)discard;
			used += n;
			discard -= n;
			if (discard)
				return used;
		}
		char *line = buf + used, *nl = memchr(line, '\n', len - used);
		unsigned long long id, size;
		int n = 0;

		if (!nl)
			return used;
		*nl = '\0';
		if (sscanf(line, "launch %llu %llu%n", &id, &size, &n) == 2 && line + n == nl) {
			size_t body = (size_t)(nl + 1 - buf);
			if (size > MAX_SPEC) { /* refused alone; the others go on */
				reply_error(id, E2BIG, "spec too large");
				discard = size;
				used = body;
				continue;
			}
			if (len - body < size) {
				*nl = '\n'; /* not all here yet: read more */
				return used;
			}
			start_launch(id, buf + body, (size_t)size, request_fd);
			used = body + (size_t)size;
		} else if (sscanf(line, "kill %llu%n", &id, &n) == 1 && line + n == nl) {
			kill_launch(id);
			used = (size_t)(nl + 1 - buf);
		} else
			die("unknown request: %.100s", line);
	}
}

int launch_server_main(int argc, char **argv)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	bool open_in = true;

	(void)argv;
	log_tag = "portod-launch-server";
	if (argc != 0 || !buf)
		die("usage: portod-native launch-server");
	signal(SIGPIPE, SIG_IGN); /* a daemon gone is noticed by write errors and EOF */
	signal(SIGCHLD, SIG_DFL);
	while (open_in || nlaunches) {
		struct pollfd fds[MAX_LAUNCHES + 1];
		nfds_t n = 0;

		if (open_in)
			fds[n++] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
		for (size_t i = 0; i < nlaunches; i++)
			fds[n++] = (struct pollfd){ .fd = launches[i]->pidfd, .events = POLLIN };
		if (poll(fds, n, nlaunches ? 1000 : -1) < 0 && errno != EINTR)
			die("poll: %m");
		for (size_t i = nlaunches; i-- > 0;) { /* from the end: finish_launch moves the last into i */
			drain_answer(launches[i]); /* keep the pipe from filling */
			if (fds[i + (open_in ? 1 : 0)].revents & (POLLIN | POLLHUP))
				finish_launch(i);
			else if (!launches[i]->timed_out && now_s() > launches[i]->deadline) {
				launches[i]->timed_out = true;
				kill_launcher(launches[i]->pid);
			}
		}
		if (open_in && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
			if (len == cap && !(buf = realloc(buf, cap *= 2)))
				die("out of memory");
			ssize_t got = read(STDIN_FILENO, buf + len, cap - len);
			if (got < 0 && errno != EINTR && errno != EAGAIN)
				die("read: %m");
			if (got == 0)
				open_in = false;
			len += got > 0 ? (size_t)got : 0;
			size_t used = handle_requests(buf, len, STDIN_FILENO);
			memmove(buf, buf + used, len - used);
			len -= used;
		}
	}
	return 0;
}

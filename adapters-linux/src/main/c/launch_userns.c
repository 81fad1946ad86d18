/*
 * The task's user namespace and the mount namespace it gets at exec. The child creates the user
 * namespace once its filesystem is set up (mounts and device nodes need the host's rights), and
 * waits; the launcher, still privileged in the host's namespace, writes the id maps of the spec
 * (only a process there may map more than its own id) and lets it go on. Then the child takes
 * its in-namespace uid and gid as usual (launch_cred.c). A task of a container below one with a
 * user namespace enters that one at the same point instead.
 */
#define _GNU_SOURCE
#include "common.h"
#include "launch.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/wait.h>

#define NAMESPACE_READY 'u'
#define MAPS_WRITTEN 'm'

void enter_user_namespace(int sync)
{
	char byte = NAMESPACE_READY;
	ssize_t n;

	if (spec.setns_user) {
		TRY(setns(spec.user_fd, CLONE_NEWUSER), "setns(%s)", spec.setns_user);
		close(spec.user_fd);
		return;
	}
	TRY(unshare(CLONE_NEWUSER), "unshare(user)");
	if (write(sync, &byte, 1) != 1)
		fail(errno, "user namespace: write(sync)");
	while ((n = read(sync, &byte, 1)) < 0 && errno == EINTR)
		;
	if (n != 1 || byte != MAPS_WRITTEN)
		fail(n < 0 ? errno : EPROTO, "user namespace: the launcher wrote no id maps");
	close(sync);
}

bool await_user_namespace(int sync)
{
	char byte = 0;
	ssize_t n;

	while ((n = read(sync, &byte, 1)) < 0 && errno == EINTR)
		;
	return n == 1 && byte == NAMESPACE_READY;
}

/* One write of the whole map at offset 0, as the kernel wants it. */
static int write_map(int procfd, pid_t pid, const char *file, const char *text)
{
	char path[64];
	size_t len = strlen(text);
	int fd, err;
	ssize_t n;

	snprintf(path, sizeof(path), "%d/%s", pid, file);
	if ((fd = openat(procfd, path, O_WRONLY | O_CLOEXEC)) < 0)
		return -1;
	n = write(fd, text, len);
	err = errno;
	close(fd);
	errno = n < 0 ? err : EIO;
	return n == (ssize_t)len ? 0 : -1;
}

void map_user_namespace(int sync, int procfd, pid_t pid)
{
	static const char *files[] = { "uid_map", "setgroups", "gid_map" };
	/* setgroups stays allowed: the task sets its supplementary groups inside, and only groups
	 * the gid map holds (the user's own, for a user's container) can be set. */
	const char *texts[] = { spec.uid_map, "allow", spec.gid_map };
	char byte = MAPS_WRITTEN;

	for (size_t i = 0; i < 3; i++)
		if (write_map(procfd, pid, files[i], texts[i]) < 0) {
			int err = errno;
			kill(pid, SIGKILL);
			while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
			fail(err, "write(/proc/%d/%s)", pid, files[i]);
		}
	if (write(sync, &byte, 1) != 1)
		fail(errno, "user namespace: write(sync)");
}

void unshare_mounts_for_exec(void)
{
	TRY(unshare(CLONE_NEWNS), "unshare(mnt) at exec");
	/* A copy of shared mounts would pass the task's mounts on to their peers outside. */
	TRY(mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL), "mount(/, MS_SLAVE|MS_REC) at exec");
}

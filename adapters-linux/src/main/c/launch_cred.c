/*
 * Credentials. Paths a client named (streams, the root, bind sources, mount points made
 * for them) are opened with the client's fsuid, fsgid and groups and no effective
 * capability, never with the daemon's rights. The task's own uid, gid and groups are set
 * last, just before its cwd is entered and it is executed.
 */
#define _GNU_SOURCE
#include "common.h"
#include "launch.h"

#include <fcntl.h>
#include <grp.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <unistd.h>

/* File access with the client's rights (on) or the daemon's (off): only fsuid, fsgid and
 * the groups change, so mounting still works once we switch back. */
void as_client(bool on)
{
	const struct cred *c = &spec.client;

	if (!spec.has_client)
		return;
	if (on) {
		TRY(setgroups(c->groups.n, c->groups.v), "setgroups(client %u)", c->uid);
		setfsgid(c->gid);
		setfsuid(c->uid);
		if ((uid_t)setfsuid((uid_t)-1) != c->uid) /* setfsuid() reports no errors */
			fail(EPERM, "setfsuid(%u)", c->uid);
		if ((gid_t)setfsgid((gid_t)-1) != c->gid)
			fail(EPERM, "setfsgid(%u)", c->gid);
		caps_effective(false);
	} else {
		caps_effective(true);
		setfsuid(getuid());
		setfsgid(getgid());
	}
}

/* openat(2) with the client's rights; errno survives the switch back. */
int open_as_client_at(int dirfd, const char *path, int flags, mode_t mode)
{
	int fd, err;

	/* Non-blocking while opening: a FIFO without a peer must fail (ENXIO) or return at once,
	 * never hang the launcher and with it the daemon that waits for its answer. */
	as_client(true);
	fd = openat(dirfd, path, flags | O_NONBLOCK, mode);
	err = errno;
	as_client(false);
	if (fd >= 0 && !(flags & O_NONBLOCK) && !(flags & O_PATH))
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	errno = err;
	return fd;
}

int open_as_client(const char *path, int flags, mode_t mode)
{
	return open_as_client_at(AT_FDCWD, path, flags, mode);
}

/* Groups, gid, uid, and the capabilities that survive them. */
void set_task_credentials(void)
{
	/* Never leak our supplementary groups to a task whose identity changes. */
	if (spec.has_groups || spec.has_gid || spec.has_uid || spec.has_client)
		TRY(setgroups(spec.groups.n, spec.groups.v), "setgroups(%zu groups)", spec.groups.n);
	if (spec.has_gid)
		TRY(setgid(spec.gid), "setgid(%u)", spec.gid);
	bool ambient = caps_want_ambient();
	if (ambient)
		caps_keep_across_setuid();
	if (spec.has_uid)
		TRY(setuid(spec.uid), "setuid(%u)", spec.uid);
	caps_settle(ambient);
}

/*
 * The task's filesystem: its root bound onto itself, fresh /proc, /dev (with its nodes),
 * /dev/pts, /dev/shm, /sys, /run, then the binds, then pivot_root. Paths inside the root
 * resolve with RESOLVE_IN_ROOT, so symlinks there cannot lead out of it. Every mount is
 * made with the new mount API on descriptors: a file system is created detached
 * (fsopen/fsmount) or a tree cloned (open_tree), given its flags while detached
 * (mount_setattr) and attached to a target opened once (move_mount). Nothing is looked up
 * by path again after a mount, so a process racing in a shared root cannot redirect it.
 */
#define _GNU_SOURCE
#include "common.h"
#include "launch.h"

#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *root_name(void)
{
	return spec.root ? spec.root : "/";
}

static int openat2_flags(int dirfd, const char *path, unsigned long long resolve)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = resolve };
	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

static int openat2_in(int rootfd, const char *path)
{
	return openat2_flags(rootfd, path, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}

/* Creates one missing component in parent: a directory, or with file an empty file. */
static int make_component(int parent, const char *name, bool file, bool client)
{
	int r, err;

	as_client(client);
	r = file ? openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644)
		 : mkdirat(parent, name, 0755);
	err = errno;
	as_client(false);
	if (r >= 0 && file)
		close(r);
	errno = err;
	return r >= 0 || err == EEXIST ? 0 : -1;
}

/* Resolves path inside rootfd without ever leaving it. Missing parents are created as
 * directories, a missing last component as a directory (mk 'd') or an empty file (mk 'f');
 * mk 0 creates nothing. With client, what is created is created with the client's rights
 * (it lies in the client's root). Returns an O_PATH fd. */
static int open_in_root(int rootfd, const char *path, char mk, bool client)
{
	char buf[PATH_MAX];
	int fd = openat2_in(rootfd, path), parent, err;

	if (fd >= 0 || errno != ENOENT || !mk)
		return fd;
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return errno = ENAMETOOLONG, -1;
	/* Prefix by prefix, always from the root; each missing component is made by a
	 * single-name *at() call in its resolved parent. */
	parent = fcntl(rootfd, F_DUPFD_CLOEXEC, 0);
	for (char *p = buf + strspn(buf, "/"), *end; parent >= 0 && *p; p = end + strspn(end, "/")) {
		char saved = *(end = p + strcspn(p, "/"));
		bool last = !end[strspn(end, "/")];
		*end = '\0';
		if ((fd = openat2_in(rootfd, buf)) < 0 && errno == ENOENT &&
		    make_component(parent, p, mk == 'f' && last, client) == 0)
			fd = openat2_in(rootfd, buf);
		err = errno;
		close(parent);
		errno = err;
		parent = fd;
		*end = saved;
	}
	return parent;
}

/* A file system to create: its type, options "key=value,flag,..." and mount flags. */
struct fs { const char *type, *options; unsigned int attrs; };

static const struct fs proc_fs = { "proc", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC };
static const struct fs dev_fs = { "tmpfs", "mode=0755", MOUNT_ATTR_NOSUID | MOUNT_ATTR_STRICTATIME };
static const struct fs pts_fs = { "devpts", "newinstance,ptmxmode=0666,mode=0620", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC };
static const struct fs shm_fs = { "tmpfs", "mode=1777", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV };
static const struct fs sys_fs = { "sysfs", NULL, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC };
static const struct fs run_fs = { "tmpfs", "mode=0755", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV };

/* A detached mount of a new file system. */
static int new_fs(const struct fs *f)
{
	const char *type = f->type;
	char buf[256], *save = NULL;
	int fs, mnt, err;

	TRY(fs = fsopen(type, FSOPEN_CLOEXEC), "fsopen(%s)", type);
	snprintf(buf, sizeof(buf), "%s", f->options ? f->options : "");
	for (char *o = strtok_r(buf, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		char *value = strchr(o, '=');
		if (value)
			*value++ = '\0';
		TRY(fsconfig(fs, value ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG, o, value, 0),
		    "fsconfig(%s, %s)", type, o);
	}
	TRY(fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0), "fsconfig(%s, create)", type);
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, f->attrs);
	err = errno;
	close(fs);
	errno = err;
	TRY(mnt, "fsmount(%s)", type);
	return mnt;
}

static int attach(int mnt, int target)
{
	return move_mount(mnt, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}

/* Read-only: the mount itself, and with recursive the whole tree below it (a bind is recursive). */
static int set_read_only(int mnt, bool recursive)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
	return mount_setattr(mnt, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr, sizeof(attr));
}

/* A mount point inside rootfd, opened once; -1 when it is missing and mk is 0 (skip it).
 * mk and client: see open_in_root(). */
static int open_target(int rootfd, const char *target, char mk, bool client)
{
	int fd = open_in_root(rootfd, target, mk, client);

	if (fd < 0 && (errno != ENOENT || mk))
		fail(errno, "open(%s in %s)", target, root_name());
	return fd;
}

/* A new file system at target inside rootfd, made only once the target is there. */
static void mount_fs_at(int rootfd, const char *target, char mk, bool client, const struct fs *fs)
{
	int fd = open_target(rootfd, target, mk, client), mnt;

	if (fd < 0)
		return;
	TRY(attach(mnt = new_fs(fs), fd), "mount(%s, %s)", fs->type, target);
	close(mnt);
	close(fd);
}

/* bind: the source is opened with the client's rights (a regular file or directory must
 * be readable), cloned from that very descriptor, made read-only while still detached. */
static void bind_one(int rootfd, const struct bind *b)
{
	char fdpath[64];
	struct stat st;
	int src, check, tree;

	TRY(src = open_as_client(b->source, O_PATH | O_CLOEXEC, 0), "open(%s)", b->source);
	TRY(fstat(src, &st), "stat(%s)", b->source);
	if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", src);
		TRY(check = open_as_client(fdpath, O_RDONLY | O_NOCTTY | O_CLOEXEC, 0), "open(%s)", b->source);
		close(check);
	}
	TRY(tree = open_tree(src, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE),
	    "mount(%s, %s)", b->source, b->target);
	close(src);
	if (b->read_only)
		TRY(set_read_only(tree, true), "mount(%s, read-only)", b->target);
	int target = open_target(rootfd, b->target, b->optional ? 0 : S_ISDIR(st.st_mode) ? 'd' : 'f', true);
	if (target >= 0) {
		TRY(attach(tree, target), "mount(%s, %s)", b->source, b->target);
		close(target);
	}
	close(tree);
}

static void bind_all(int rootfd)
{
	for (size_t i = 0; i < spec.nbinds; i++)
		bind_one(rootfd, &spec.binds[i]);
}

/* The directory of a node's path inside the fresh /dev, made if missing. Nobody else can
 * reach this tmpfs yet; RESOLVE_BENEATH keeps ".." in the spec inside it. */
static int dev_dir(int devfd, char *dir)
{
	for (char *p = dir, *slash;; p = slash + 1) {
		if ((slash = strchr(p, '/')))
			*slash = '\0';
		if (mkdirat(devfd, dir, 0755) < 0 && errno != EEXIST)
			return -1;
		if (!slash)
			break;
		*slash = '/';
	}
	return openat2_flags(devfd, dir, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
}

static void make_node(int devfd, const struct device *d)
{
	char dir[PATH_MAX], *name;
	int dirfd = devfd;

	snprintf(dir, sizeof(dir), "%s", d->path + 5); /* below "/dev/" */
	if ((name = strrchr(dir, '/'))) {
		*name++ = '\0';
		TRY(dirfd = dev_dir(devfd, dir), "mkdir(/dev/%s)", dir);
	} else {
		name = dir;
	}
	TRY(mknodat(dirfd, name, (d->type == 'c' ? S_IFCHR : S_IFBLK) | d->mode, makedev(d->major, d->minor)),
	    "mknod(%s)", d->path);
	TRY(fchownat(dirfd, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW), "chown(%s)", d->path);
	TRY(fchmodat(dirfd, name, d->mode, 0), "chmod(%s)", d->path); /* past our umask */
	if (dirfd != devfd)
		close(dirfd);
}

/* Mounts fs at dir (made if missing) inside the fresh /dev. */
static void dev_mount(int devfd, const char *dir, const struct fs *fs)
{
	int fd, mnt;

	if (mkdirat(devfd, dir, 0755) < 0 && errno != EEXIST)
		fail(errno, "mkdir(/dev/%s)", dir);
	TRY(fd = openat2_flags(devfd, dir, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS), "open(/dev/%s)", dir);
	TRY(attach(mnt = new_fs(fs), fd), "mount(%s, /dev/%s)", fs->type, dir);
	close(fd);
	close(mnt);
}

/* A fresh /dev: nodes and links are made in the tmpfs before it is attached; its
 * descriptor still names it afterwards, for pts and shm. */
static void setup_dev(int rootfd)
{
	static const char *links[][2] = {
		{ "ptmx", "pts/ptmx" }, { "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
	};
	int dev = new_fs(&dev_fs), target;

	for (size_t i = 0; i < spec.ndevs; i++)
		make_node(dev, &spec.devs[i]);
	for (size_t i = 0; i < COUNT(links); i++)
		if (symlinkat(links[i][1], dev, links[i][0]) < 0 && errno != EEXIST)
			fail(errno, "symlink(%s, /dev/%s)", links[i][1], links[i][0]);
	TRY(target = open_in_root(rootfd, "/dev", 'd', true), "open(/dev in %s)", root_name());
	TRY(attach(dev, target), "mount(tmpfs, /dev)");
	close(target);
	dev_mount(dev, "pts", &pts_fs);
	dev_mount(dev, "shm", &shm_fs);
	close(dev);
}

/* Mode 0777 on the root of the mount at name below dirfd, opened through the mount point (the
 * descriptors of a mount and of its mount point are O_PATH, which fchmod refuses). */
static void open_to_all(int dirfd, const char *name)
{
	int fd;

	TRY(fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), "open(/sys/fs/cgroup/%s)", name);
	TRY(fchmod(fd, 0777), "chmod(/sys/fs/cgroup/%s, 0777)", name);
	close(fd);
}

/*
 * A tmpfs at /sys/fs/cgroup, each hierarchy of the spec mounted in it afresh: in the task's new
 * cgroup namespace a new mount shows the task's own cgroup as its root. ro: every mount
 * read-only. rw: the mounts the spec does not mark read-only are writable, and their roots (the
 * container's own cgroups) open to every user, as upstream does, so that a task that is not
 * root may make cgroups below its own (the kernel gives the maker the new ones). The tmpfs
 * itself is read-only either way.
 */
static void mount_cgroupfs(int rootfd, const char *where)
{
	static const struct fs base = { "tmpfs", "mode=0755", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC };
	bool ro = spec.cgroupfs == CGROUPFS_RO;
	int target = open_in_root(rootfd, "/sys/fs/cgroup", 0, false), tmpfs, dir, mnt;

	if (target < 0)
		fail(errno, "cgroupfs: open(/sys/fs/cgroup in %s)", where);
	TRY(attach(tmpfs = new_fs(&base), target), "mount(tmpfs, /sys/fs/cgroup)");
	close(target);
	for (size_t i = 0; i < spec.ncgroup_mounts; i++) {
		const struct cgroup_mount *m = &spec.cgroup_mounts[i];
		bool mount_ro = ro || m->read_only;
		struct fs fs = { m->type, m->options, base.attrs | (mount_ro ? MOUNT_ATTR_RDONLY : 0) };
		if (mkdirat(tmpfs, m->name, 0755) < 0 && errno != EEXIST)
			fail(errno, "mkdir(/sys/fs/cgroup/%s)", m->name);
		TRY(dir = openat2_flags(tmpfs, m->name, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS), "open(/sys/fs/cgroup/%s)", m->name);
		TRY(attach(mnt = new_fs(&fs), dir), "mount(%s %s, /sys/fs/cgroup/%s)", m->type, m->options, m->name);
		close(mnt);
		if (!mount_ro)
			open_to_all(tmpfs, m->name);
		close(dir);
	}
	TRY(set_read_only(tmpfs, false), "mount(/sys/fs/cgroup, read-only)");
	close(tmpfs);
}

/* The root, opened once as the client and cloned from that descriptor onto itself; the
 * clone's descriptor is the new root from then on. */
static int mount_root(void)
{
	struct stat want, host;
	int src, tree;

	TRY(src = open_as_client(spec.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0), "open(%s)", spec.root);
	TRY(fstat(src, &want), "stat(%s)", spec.root);
	if (stat("/", &host) == 0 && want.st_dev == host.st_dev && want.st_ino == host.st_ino)
		fail(EINVAL, "root %s is the host's /", spec.root);
	TRY(tree = open_tree(src, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE),
	    "mount(%s, %s, bind)", spec.root, spec.root);
	TRY(attach(tree, src), "mount(%s, %s, bind)", spec.root, spec.root);
	close(src);
	return tree;
}

static void setup_root(void)
{
	int rootfd = mount_root();

	mount_fs_at(rootfd, "/proc", 'd', true, &proc_fs);
	setup_dev(rootfd);
	mount_fs_at(rootfd, "/sys", 0, false, &sys_fs);
	mount_fs_at(rootfd, "/run", 0, false, &run_fs);
	if (spec.cgroupfs)
		mount_cgroupfs(rootfd, spec.root);
	bind_all(rootfd);
	/* Only the root's own mount: /proc, /dev, /run and the binds on it keep their own flags,
	 * so a bind asked rw stays writable under a read-only root. */
	if (spec.root_ro)
		TRY(set_read_only(rootfd, false), "mount(%s, remount read-only)", spec.root);
	/* pivot_root(".", ".") stacks the old root on the new one; detach it. */
	TRY(fchdir(rootfd), "chdir(%s)", spec.root);
	TRY(syscall(SYS_pivot_root, ".", "."), "pivot_root(%s)", spec.root);
	TRY(umount2(".", MNT_DETACH), "umount2(old root)");
	TRY(chdir("/"), "chdir(/)");
	close(rootfd);
}

void setup_filesystem(void)
{
	int fd;

	if (spec.ns_flags & CLONE_NEWNS) /* keep our mounts from propagating to the host */
		TRY(mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL), "mount(/, MS_SLAVE|MS_REC)");
	if (spec.root) {
		setup_root();
		return;
	}
	if (spec.want_proc) {
		TRY(fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC), "open(/proc)");
		int mnt = new_fs(&proc_fs);
		TRY(attach(mnt, fd), "mount(proc, /proc)");
		close(mnt);
		close(fd);
	}
	TRY(fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), "open(/)");
	if (spec.cgroupfs)
		mount_cgroupfs(fd, "/");
	bind_all(fd);
	close(fd);
}

/*
 * Mode "launch", shared by its files:
 *   launcher.c      the steps in the launcher itself: host streams, cgroups, namespaces, fork, answer
 *   launch_spec.c   the spec: a table of keys, each value parsed and range-checked once
 *   launch_mount.c  the task's root, its mounts, device nodes and binds, all by file descriptor
 *   launch_cred.c   the client's rights for paths it named; the task's uid, gid and groups
 *   launch_caps.c   capability sets: bounding, ambient, and none effective while acting for a client
 *   launch_exec.c   the child: stdio, limits, scheduling, credentials, cwd, exec
 *   launch_userns.c the task's user namespace (its id maps written by the launcher), the
 *                   mount namespace unshared at exec, the cgroup filesystem inside the root
 */
#ifndef PORTOD_NATIVE_LAUNCH_H
#define PORTOD_NATIVE_LAUNCH_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

struct strings { char **v; size_t n; }; /* v is NULL-terminated once non-empty */
struct ids { gid_t *v; size_t n; };

struct cred { uid_t uid; gid_t gid; struct ids groups; };
struct device { char type; unsigned int major, minor; mode_t mode; uid_t uid; gid_t gid; const char *path; };
struct bind { const char *source, *target; bool read_only, optional; };
struct limit { int resource; rlim_t soft, hard; };
struct cgroup_mount { const char *name, *type, *options; bool read_only; }; /* at /sys/fs/cgroup/<name> */

/* The parsed spec; absent keys leave zeros and "has_" flags false. */
struct spec {
	struct strings cgroups, setns, env, args;
	struct device *devs;
	struct bind *binds;
	struct limit *limits;
	struct cgroup_mount *cgroup_mounts;
	size_t ndevs, nbinds, nlimits, ncgroup_mounts;
	const char *uid_map, *gid_map; /* both or neither: a new user namespace, "inside outside count" lines */
	const char *setns_user; /* or a user namespace to enter at that point (an ancestor's) */
	int user_fd; /* setns_user, opened by the launcher before any namespace changes */
	bool unshare_on_exec; /* a new mount namespace right before exec */
	enum { CGROUPFS_NONE, CGROUPFS_RO, CGROUPFS_RW } cgroupfs;
	int ns_flags;
	const char *ns_names, *hostname, *root, *cwd, *exec_host;
	const char *stdio_path[3], *stdio_inside[3]; /* host paths; paths in the task's filesystem */
	bool want_proc, root_ro, no_new_privs;
	bool has_client, has_uid, has_gid, has_groups, has_bound, has_ambient, has_umask, has_oom, has_sched, has_ioprio;
	struct cred client; /* whose rights open the paths a client named */
	bool has_client_pid; /* the client's own /proc/<pid>/fd/N streams are checked to be its */
	pid_t client_pid;
	unsigned long long client_start; /* the client's start time, recorded when it connected */
	uid_t uid;
	gid_t gid;
	struct ids groups;
	uint64_t caps_bound, caps_ambient;
	mode_t umask;
	int oom_score_adj, policy, priority, nice, ioprio;
};

extern struct spec spec;
extern int report_fd; /* in the child: write end of the error pipe */

/* Reports a failed step and exits: through the pipe in the child, on stdout in the launcher. */
void fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
/* A call returning < 0 on failure; a failure ends the launch. */
#define TRY(call, ...) do { if ((call) < 0) fail(errno, __VA_ARGS__); } while (0)

void read_spec(int fd);

void as_client(bool on);
int open_as_client_at(int dirfd, const char *path, int flags, mode_t mode);
int open_as_client(const char *path, int flags, mode_t mode);
void set_task_credentials(void);

void caps_effective(bool on);
void caps_drop_bounding(void);
bool caps_want_ambient(void);
void caps_keep_across_setuid(void);
void caps_settle(bool ambient);

void setup_filesystem(void);
/* In the child: a new user namespace, its maps written by the launcher (the other end of sync),
 * or with setns_user an existing one. */
void enter_user_namespace(int sync);
/* In the launcher: true once the child is in its new user namespace (false: it failed before). */
bool await_user_namespace(int sync);
/* In the launcher: writes the maps of pid's user namespace, then lets the child go on. */
void map_user_namespace(int sync, int procfd, pid_t pid);
/* In the child, before exec: a mount namespace of its own whose mounts stay in it. */
void unshare_mounts_for_exec(void);

void __attribute__((noreturn)) run_child(int stdio_fd[3], int exec_fd, int sync);

#endif

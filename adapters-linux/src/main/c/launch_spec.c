/*
 * The launch spec: "key=value" records, each ended by a NUL, on stdin. Every key is in
 * one table with its parser; every number is range-checked where it is parsed, so the
 * rest of the launcher only sees typed values. A record the table does not accept ends
 * the launch with "spec: ..." and EINVAL; nothing has been done by then.
 */
#define _GNU_SOURCE
#include "common.h"
#include "launch.h"

#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_SPEC (16u << 20) /* bytes: far more than any real spec */
#define MAX_VALUE (128u << 10) /* the kernel's limit on one argument or variable (MAX_ARG_STRLEN) */
#define MAX_ID 4294967294ull /* uid_t and gid_t; (uid_t)-1 means "no change" to the kernel */

struct spec spec;
static char *whole_value; /* of the record being parsed, before split() cuts it up */

/* A bad value: the message shows the whole record, whichever field of it is wrong. */
static void __attribute__((noreturn)) bad(const char *key, const char *field, const char *why)
{
	fail(EINVAL, "spec: %s=%s: %s", key, whole_value ? whole_value : field, why);
}

/* Digits only (no sign, space or prefix strtoull would accept), within max. */
static uint64_t parse_unsigned(const char *key, const char *text, int base, uint64_t max)
{
	char *end;

	if (!*text)
		bad(key, text, "a number is missing");
	if (!strchr(base == 16 ? "0123456789abcdefABCDEF" : base == 8 ? "01234567" : "0123456789", *text))
		bad(key, text, "not a number");
	errno = 0;
	unsigned long long v = strtoull(text, &end, base);
	if (*end)
		bad(key, text, "not a number");
	if (errno == ERANGE || v > max)
		bad(key, text, "out of range");
	return v;
}

static int64_t parse_signed(const char *key, const char *text, int64_t min, int64_t max)
{
	bool negative = *text == '-';
	uint64_t magnitude = parse_unsigned(key, text + negative, 10, (uint64_t)INT64_MAX);
	int64_t v = negative ? -(int64_t)magnitude : (int64_t)magnitude;

	if (v < min || v > max)
		bad(key, text, "out of range");
	return v;
}

static int parse_int(const char *key, const char *text, int min, int max)
{
	return (int)parse_signed(key, text, min, max);
}

static bool parse_flag(const char *key, const char *text)
{
	if (strcmp(text, "0") && strcmp(text, "1"))
		bad(key, text, "want 0 or 1");
	return *text == '1';
}

/* Splits text at each sep (in place) into at most max fields; the count. */
static size_t split(char *text, char sep, char **fields, size_t max)
{
	size_t n = 0;

	for (char *p = text; p; p = strchr(p, sep) ? strchr(p, sep) + 1 : NULL) {
		if (n == max)
			return max + 1;
		fields[n++] = p;
	}
	for (size_t i = 1; i < n; i++)
		fields[i][-1] = '\0';
	return n;
}

static void *grow(void *array, size_t count, size_t size)
{
	if (!(array = reallocarray(array, count + 1, size)))
		fail(ENOMEM, "spec: out of memory");
	return array;
}

static void push(struct strings *l, char *s)
{
	l->v = grow(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = s;
	l->v[l->n] = NULL;
}

static void parse_ids(const char *key, char *text, struct ids *out)
{
	char *p = text, *comma;

	for (out->n = 0; *text && p; p = comma ? comma + 1 : NULL) {
		if ((comma = strchr(p, ',')))
			*comma = '\0';
		if (out->n == NGROUPS_MAX)
			bad(key, text, "too many groups");
		out->v = grow(out->v, out->n, sizeof(*out->v));
		out->v[out->n++] = (gid_t)parse_unsigned(key, p, 10, MAX_ID);
	}
}

static void set_path(const char *key, const char *value, const char **out)
{
	if (!*value)
		bad(key, value, "a path is missing");
	if (strlen(value) >= PATH_MAX)
		fail(EINVAL, "spec: %s: a path longer than %d bytes", key, PATH_MAX - 1);
	*out = value;
}

static void parse_unshare(const char *key, char *value)
{
	static const struct { const char *name; int flag; } names[] = {
		{ "pid", CLONE_NEWPID }, { "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS },
		{ "mnt", CLONE_NEWNS }, { "net", CLONE_NEWNET }, { "cgroup", CLONE_NEWCGROUP },
	};
	char *fields[COUNT(names) + 1];
	size_t n;

	if (!(spec.ns_names = strdup(value)))
		fail(ENOMEM, "spec: out of memory");
	if ((n = split(value, ',', fields, COUNT(names))) > COUNT(names))
		bad(key, spec.ns_names, "too many namespaces");
	for (size_t i = 0, j; i < n; i++) {
		for (j = 0; j < COUNT(names) && strcmp(names[j].name, fields[i]); j++)
			;
		if (j == COUNT(names))
			bad(key, spec.ns_names, "unknown namespace");
		spec.ns_flags |= names[j].flag;
	}
}

/* "<c|b> <major> <minor> <octal mode> <uid> <gid> /dev/<path>" */
static void parse_dev(const char *key, char *value)
{
	char *f[8];
	struct device d;

	if (split(value, ' ', f, 7) != 7 || strlen(f[0]) != 1 || (*f[0] != 'c' && *f[0] != 'b'))
		bad(key, value, "want <c|b> MAJOR MINOR MODE UID GID PATH");
	d.type = *f[0];
	d.major = (unsigned int)parse_unsigned(key, f[1], 10, UINT32_MAX);
	d.minor = (unsigned int)parse_unsigned(key, f[2], 10, UINT32_MAX);
	d.mode = (mode_t)parse_unsigned(key, f[3], 8, 0777);
	d.uid = (uid_t)parse_unsigned(key, f[4], 10, MAX_ID);
	d.gid = (gid_t)parse_unsigned(key, f[5], 10, MAX_ID);
	set_path(key, f[6], &d.path);
	if (strncmp(d.path, "/dev/", 5) || !d.path[5] || d.path[strlen(d.path) - 1] == '/')
		bad(key, d.path, "the path must name a file under /dev");
	spec.devs = grow(spec.devs, spec.ndevs, sizeof(d));
	spec.devs[spec.ndevs++] = d;
}

/* "<source>\t<target>\t<ro|rw>[\topt]" */
static void parse_bind(const char *key, char *value)
{
	char *f[5];
	size_t n = split(value, '\t', f, 4);
	struct bind b;

	if (n < 3 || n > 4 || (strcmp(f[2], "ro") && strcmp(f[2], "rw")) || (n == 4 && strcmp(f[3], "opt")))
		bad(key, value, "want SOURCE<tab>TARGET<tab>ro|rw[<tab>opt]");
	set_path(key, f[0], &b.source);
	set_path(key, f[1], &b.target);
	b.read_only = !strcmp(f[2], "ro");
	b.optional = n == 4;
	spec.binds = grow(spec.binds, spec.nbinds, sizeof(b));
	spec.binds[spec.nbinds++] = b;
}

static rlim_t parse_rlim(const char *key, const char *text)
{
	return strcmp(text, "inf") ? (rlim_t)parse_unsigned(key, text, 10, RLIM_INFINITY - 1) : RLIM_INFINITY;
}

/* "<resource> <soft|inf> <hard|inf>" */
static void parse_rlimit(const char *key, char *value)
{
	char *f[4];
	struct limit l;

	if (split(value, ' ', f, 3) != 3)
		bad(key, value, "want RESOURCE SOFT HARD");
	l.resource = parse_int(key, f[0], 0, RLIMIT_NLIMITS - 1);
	l.soft = parse_rlim(key, f[1]);
	l.hard = parse_rlim(key, f[2]);
	spec.limits = grow(spec.limits, spec.nlimits, sizeof(l));
	spec.limits[spec.nlimits++] = l;
}

/* "<policy> <priority> <nice>" */
static void parse_sched(const char *key, char *value)
{
	char *f[4];

	if (split(value, ' ', f, 3) != 3)
		bad(key, value, "want POLICY PRIORITY NICE");
	spec.policy = parse_int(key, f[0], 0, 7);
	spec.priority = parse_int(key, f[1], 0, 99);
	spec.nice = parse_int(key, f[2], -20, 19);
	spec.has_sched = true;
}

/* "<uid> <gid> <g1,g2,...>" */
static void parse_client(const char *key, char *value)
{
	char *f[4];

	if (split(value, ' ', f, 3) != 3)
		bad(key, value, "want UID GID GROUPS");
	spec.client.uid = (uid_t)parse_unsigned(key, f[0], 10, MAX_ID);
	spec.client.gid = (gid_t)parse_unsigned(key, f[1], 10, MAX_ID);
	parse_ids(key, f[2], &spec.client.groups);
	spec.has_client = true;
}

/* "<pid> <starttime>": the client whose /proc/<pid>/fd/N streams the spec names */
static void parse_client_pid(const char *key, char *value)
{
	char *f[3];

	if (split(value, ' ', f, 2) != 2)
		bad(key, value, "want PID STARTTIME");
	spec.client_pid = (pid_t)parse_unsigned(key, f[0], 10, INT32_MAX);
	spec.client_start = parse_unsigned(key, f[1], 10, UINT64_MAX);
	if (spec.client_pid <= 0)
		bad(key, value, "the pid must be positive");
	spec.has_client_pid = true;
}

static void parse_hostname(const char *key, char *value)
{
	if (!*value || strlen(value) > 64) /* HOST_NAME_MAX */
		bad(key, value, "want 1 to 64 bytes");
	spec.hostname = value;
}

static void parse_groups(const char *key, char *value)
{
	parse_ids(key, value, &spec.groups);
}

/* "<inside> <outside> <count>" lines, at most as many as the kernel takes; kept as written. */
static void parse_id_map(const char *key, char *value)
{
	char *copy = strdup(value), *lines[341], *f[4];
	size_t n;

	if (!copy)
		fail(ENOMEM, "spec: out of memory");
	if ((n = split(copy, '\n', lines, 340)) > 340)
		bad(key, value, "more than 340 lines");
	for (size_t i = 0; i < n; i++) {
		if (split(lines[i], ' ', f, 3) != 3)
			bad(key, value, "want INSIDE OUTSIDE COUNT lines");
		uint64_t inside = parse_unsigned(key, f[0], 10, UINT32_MAX), outside = parse_unsigned(key, f[1], 10, UINT32_MAX);
		uint64_t count = parse_unsigned(key, f[2], 10, UINT32_MAX);
		if (!count || inside + count > UINT32_MAX || outside + count > UINT32_MAX) /* the kernel's u32 sums */
			bad(key, value, "a range out of bounds");
	}
	free(copy);
	*(strcmp(key, "uid_map") ? &spec.gid_map : &spec.uid_map) = value;
}

static void parse_cgroupfs(const char *key, char *value)
{
	if (strcmp(value, "ro") && strcmp(value, "rw"))
		bad(key, value, "want ro or rw");
	spec.cgroupfs = strcmp(value, "ro") ? CGROUPFS_RW : CGROUPFS_RO;
}

/* "<name>\t<cgroup|cgroup2>\t<options>[\tro]": mounted at /sys/fs/cgroup/<name>; ro: read-only
 * even where cgroupfs is rw */
static void parse_cgroup_mount(const char *key, char *value)
{
	char *f[4];
	struct cgroup_mount m;

	size_t n = split(value, '\t', f, 4);

	if (n < 3 || n > 4 || (strcmp(f[1], "cgroup") && strcmp(f[1], "cgroup2")) || (n == 4 && strcmp(f[3], "ro")))
		bad(key, value, "want NAME<tab>cgroup|cgroup2<tab>OPTIONS[<tab>ro]");
	if (!*f[0] || strchr(f[0], '/') || !strcmp(f[0], ".") || !strcmp(f[0], "..") || strlen(f[0]) > 64)
		bad(key, value, "the name must be one path component");
	if (strlen(f[2]) > 200)
		bad(key, value, "options longer than 200 bytes");
	m.name = f[0];
	m.type = f[1];
	m.options = f[2];
	m.read_only = n == 4;
	spec.cgroup_mounts = grow(spec.cgroup_mounts, spec.ncgroup_mounts, sizeof(m));
	spec.cgroup_mounts[spec.ncgroup_mounts++] = m;
}

/* How each key's value is parsed, and where it goes. */
struct key {
	const char *name;
	enum { PATH, PATHS, WORDS, FLAG, ID, INT, OCTAL, HEX, CUSTOM } kind;
	void *out; /* const char **, struct strings *, bool *, uid_t or gid_t *, int *, mode_t *, uint64_t * */
	bool *given; /* set when the key is present, where absence means "leave as it is" */
	int min, max; /* INT */
	void (*parse)(const char *key, char *value); /* CUSTOM */
	bool repeats; /* may occur more than once */
};

static const struct key keys[] = {
	{ .name = "cgroup", .kind = PATHS, .out = &spec.cgroups, .repeats = true },
	{ .name = "setns", .kind = PATHS, .out = &spec.setns, .repeats = true },
	{ .name = "unshare", .kind = CUSTOM, .parse = parse_unshare },
	{ .name = "hostname", .kind = CUSTOM, .parse = parse_hostname },
	{ .name = "proc", .kind = FLAG, .out = &spec.want_proc },
	{ .name = "root", .kind = PATH, .out = &spec.root },
	{ .name = "dev", .kind = CUSTOM, .parse = parse_dev, .repeats = true },
	{ .name = "bind", .kind = CUSTOM, .parse = parse_bind, .repeats = true },
	{ .name = "root_ro", .kind = FLAG, .out = &spec.root_ro },
	{ .name = "stdin", .kind = PATH, .out = &spec.stdio_path[0] },
	{ .name = "stdout", .kind = PATH, .out = &spec.stdio_path[1] },
	{ .name = "stderr", .kind = PATH, .out = &spec.stdio_path[2] },
	{ .name = "stdin_inside", .kind = PATH, .out = &spec.stdio_inside[0] },
	{ .name = "stdout_inside", .kind = PATH, .out = &spec.stdio_inside[1] },
	{ .name = "stderr_inside", .kind = PATH, .out = &spec.stdio_inside[2] },
	{ .name = "client_cred", .kind = CUSTOM, .parse = parse_client },
	{ .name = "client_pid", .kind = CUSTOM, .parse = parse_client_pid },
	{ .name = "exec_host", .kind = PATH, .out = &spec.exec_host },
	{ .name = "cwd", .kind = PATH, .out = &spec.cwd },
	{ .name = "umask", .kind = OCTAL, .out = &spec.umask, .given = &spec.has_umask },
	{ .name = "rlimit", .kind = CUSTOM, .parse = parse_rlimit, .repeats = true },
	{ .name = "sched", .kind = CUSTOM, .parse = parse_sched },
	{ .name = "ioprio", .kind = INT, .out = &spec.ioprio, .given = &spec.has_ioprio, .min = 0, .max = 0xffff },
	{ .name = "oom_score_adj", .kind = INT, .out = &spec.oom_score_adj, .given = &spec.has_oom, .min = -1000, .max = 1000 },
	{ .name = "caps_bound", .kind = HEX, .out = &spec.caps_bound, .given = &spec.has_bound },
	{ .name = "caps_ambient", .kind = HEX, .out = &spec.caps_ambient, .given = &spec.has_ambient },
	{ .name = "no_new_privs", .kind = FLAG, .out = &spec.no_new_privs },
	{ .name = "groups", .kind = CUSTOM, .parse = parse_groups, .given = &spec.has_groups },
	{ .name = "gid", .kind = ID, .out = &spec.gid, .given = &spec.has_gid },
	{ .name = "uid", .kind = ID, .out = &spec.uid, .given = &spec.has_uid },
	{ .name = "uid_map", .kind = CUSTOM, .parse = parse_id_map },
	{ .name = "gid_map", .kind = CUSTOM, .parse = parse_id_map },
	{ .name = "setns_user", .kind = PATH, .out = &spec.setns_user },
	{ .name = "unshare_on_exec", .kind = FLAG, .out = &spec.unshare_on_exec },
	{ .name = "cgroupfs", .kind = CUSTOM, .parse = parse_cgroupfs },
	{ .name = "cgroupfs_mount", .kind = CUSTOM, .parse = parse_cgroup_mount, .repeats = true },
	{ .name = "env", .kind = WORDS, .out = &spec.env, .repeats = true },
	{ .name = "arg", .kind = WORDS, .out = &spec.args, .repeats = true },
};

_Static_assert(sizeof(uid_t) == sizeof(gid_t), "ID writes both");

static void parse_value(const struct key *k, char *v)
{
	const char *path;

	switch (k->kind) {
	case PATH: set_path(k->name, v, k->out); break;
	case PATHS: set_path(k->name, v, &path); push(k->out, v); break;
	case WORDS: push(k->out, v); break;
	case FLAG: *(bool *)k->out = parse_flag(k->name, v); break;
	case ID: *(uid_t *)k->out = (uid_t)parse_unsigned(k->name, v, 10, MAX_ID); break;
	case INT: *(int *)k->out = parse_int(k->name, v, k->min, k->max); break;
	case OCTAL: *(mode_t *)k->out = (mode_t)parse_unsigned(k->name, v, 8, 07777); break;
	case HEX: *(uint64_t *)k->out = parse_unsigned(k->name, v, 16, UINT64_MAX); break;
	case CUSTOM: k->parse(k->name, v); break;
	}
	if (k->given)
		*k->given = true;
}

static void parse_record(char *record, bool seen[])
{
	char *value = strchr(record, '=');
	size_t i = 0;

	if (!*record)
		fail(EINVAL, "spec: an empty record (a NUL inside a value?)");
	if (!value)
		fail(EINVAL, "spec: a record without '=': %.64s", record);
	*value++ = '\0';
	while (i < COUNT(keys) && strcmp(keys[i].name, record))
		i++;
	if (i == COUNT(keys))
		fail(EINVAL, "spec: unknown key %.64s", record);
	if (seen[i] && !keys[i].repeats)
		fail(EINVAL, "spec: %s given twice", record);
	seen[i] = true;
	if (strlen(value) >= MAX_VALUE)
		fail(EINVAL, "spec: %s: a value longer than %u bytes", record, MAX_VALUE - 1);
	if (!(whole_value = strdup(value)))
		fail(ENOMEM, "spec: out of memory");
	parse_value(&keys[i], value);
	free(whole_value);
	whole_value = NULL;
}

/* Reads the whole spec, up to MAX_SPEC bytes. */
static char *read_all(int fd, size_t *len)
{
	size_t cap = 0;
	char *buf = NULL;

	*len = 0;
	for (ssize_t n = 1; n != 0;) {
		if (cap - *len < 4096) {
			cap = cap ? cap * 2 : 65536;
			if (!(buf = realloc(buf, cap)))
				fail(ENOMEM, "spec: out of memory");
		}
		if ((n = read(fd, buf + *len, cap - *len - 1)) < 0 && errno != EINTR)
			fail(errno, "read(spec)");
		if (n > 0 && (*len += (size_t)n) > MAX_SPEC)
			fail(EINVAL, "spec: longer than %u bytes", MAX_SPEC);
	}
	buf[*len] = '\0';
	return buf;
}

void read_spec(int fd)
{
	bool seen[COUNT(keys)] = { false };
	size_t len;
	char *buf = read_all(fd, &len);

	if (len > 0 && buf[len - 1])
		fail(EINVAL, "spec: the last record is not ended by a NUL");
	for (size_t i = 0, n; i < len; i += n + 1) {
		n = strlen(buf + i); /* before parse_record() cuts it at '=' */
		parse_record(buf + i, seen);
	}
	if (!spec.args.n)
		fail(EINVAL, "spec: no arg records");
	if (!spec.uid_map != !spec.gid_map)
		fail(EINVAL, "spec: a user namespace needs both uid_map and gid_map");
	if (spec.uid_map && spec.setns_user)
		fail(EINVAL, "spec: setns_user with a new user namespace (uid_map)");
	if (spec.cgroupfs && (spec.ns_flags & (CLONE_NEWCGROUP | CLONE_NEWNS)) != (CLONE_NEWCGROUP | CLONE_NEWNS))
		fail(EINVAL, "spec: cgroupfs needs new cgroup and mount namespaces (unshare=...,cgroup,mnt)");
	if (spec.ncgroup_mounts && !spec.cgroupfs)
		fail(EINVAL, "spec: cgroupfs_mount without cgroupfs");
}

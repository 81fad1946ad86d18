/*
 * Capabilities: the bounding set the task keeps, ambient ones raised for a task that
 * is not root, and none effective while the launcher acts for a client (setfsuid()
 * drops only the file capabilities; CAP_SYS_PTRACE would still open other processes'
 * /proc/PID/root and cwd links).
 */
#define _GNU_SOURCE
#include "common.h"
#include "launch.h"

#include <string.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_CAPS 64 /* the capability sets are 64-bit masks */

static void get_caps(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	TRY(syscall(SYS_capget, &hdr, data), "capget()");
}

static int set_caps(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	return (int)syscall(SYS_capset, &hdr, data);
}

static bool has(uint64_t mask, int cap)
{
	return mask >> cap & 1;
}

/* Off: nothing effective (saved for later); on: the saved effective set back. */
void caps_effective(bool on)
{
	static struct __user_cap_data_struct saved[2];
	static bool dropped;
	struct __user_cap_data_struct data[2];

	if (!on && !dropped) {
		get_caps(saved);
		memcpy(data, saved, sizeof(data));
		data[0].effective = data[1].effective = 0;
		TRY(set_caps(data), "capset(effective=0)");
		dropped = true;
	} else if (on && dropped) {
		TRY(set_caps(saved), "capset(effective restored)");
		dropped = false;
	}
}

void caps_drop_bounding(void)
{
	for (int c = 0; spec.has_bound && c < MAX_CAPS; c++) /* EINVAL: beyond CAP_LAST_CAP */
		if (!has(spec.caps_bound, c) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			fail(errno, "prctl(PR_CAPBSET_DROP, %d)", c);
}

/* Ambient capabilities only mean something for a task that is not root. */
bool caps_want_ambient(void)
{
	return spec.has_ambient && spec.caps_ambient && spec.has_uid && spec.uid != 0;
}

/* Keeps the permitted set across setuid(), to raise some of it as ambient. */
void caps_keep_across_setuid(void)
{
	TRY(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0), "prctl(PR_SET_KEEPCAPS)");
}

/* Without ambient: inheritable bits we were started with would survive exec beside the
 * bounding set, so they go; root gets its capabilities from the bounding set at exec. */
static void clear_inheritable(void)
{
	struct __user_cap_data_struct data[2];

	get_caps(data);
	if (data[0].inheritable || data[1].inheritable) {
		data[0].inheritable = data[1].inheritable = 0;
		TRY(set_caps(data), "capset(inheritable=0)");
	}
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
}

/* Ambient capabilities must be permitted, inheritable and in the bounding set; others
 * (and bits beyond CAP_LAST_CAP) could never be inherited and are left out. */
static void raise_ambient(void)
{
	struct __user_cap_data_struct data[2];
	uint64_t want = 0;

	get_caps(data);
	for (int c = 0; c < MAX_CAPS; c++)
		if (has(spec.caps_ambient, c) && (data[c / 32].permitted >> (c % 32) & 1) &&
		    prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1)
			want |= 1ull << c;
	data[0].inheritable = (uint32_t)want;
	data[1].inheritable = (uint32_t)(want >> 32);
	TRY(set_caps(data), "capset(inheritable=%llx)", (unsigned long long)want);
	for (int c = 0; c < MAX_CAPS; c++)
		if (has(want, c))
			TRY(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0), "prctl(PR_CAP_AMBIENT_RAISE, %d)", c);
}

/* After setuid(): the capabilities the task execs with. */
void caps_settle(bool ambient)
{
	if (ambient)
		raise_ambient();
	else
		clear_inheritable();
}

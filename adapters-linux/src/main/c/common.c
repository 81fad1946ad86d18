#define _GNU_SOURCE
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *log_tag = "portod-native";

/* Adds a formatted piece to line at *len, keeping room for the final newline. */
static void vappend(char *line, size_t size, size_t *len, const char *fmt, va_list ap)
{
	int n = vsnprintf(line + *len, size - 1 - *len, fmt, ap);
	if (n > 0)
		*len = *len + (size_t)n < size - 1 ? *len + (size_t)n : size - 2;
}

static void __attribute__((format(printf, 4, 5))) append(char *line, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vappend(line, size, len, fmt, ap);
	va_end(ap);
}

static void vlog(const char *fmt, va_list ap)
{
	int saved = errno;
	char line[2048];
	size_t len;
	struct timespec now;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &now);
	localtime_r(&now.tv_sec, &tm);
	len = strftime(line, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	append(line, sizeof(line), &len, ".%03ld", now.tv_nsec / 1000000);
	len += strftime(line + len, 8, "%z", &tm);
	append(line, sizeof(line), &len, " %s[%d]: ", log_tag, getpid());
	errno = saved; /* for %m */
	vappend(line, sizeof(line), &len, fmt, ap);
	line[len++] = '\n';
	(void)write_all(STDERR_FILENO, line, len); /* one write: lines do not interleave */
	errno = saved;
}

void logmsg(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
	exit(1);
}

int write_all(int fd, const void *buf, size_t len)
{
	for (const char *p = buf; len > 0;) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno != EINTR)
			return -1;
		if (n > 0)
			p += n, len -= (size_t)n;
	}
	return 0;
}

char *read_proc_stat(int procfd, pid_t pid, char *buf, size_t size)
{
	char *p;

	snprintf(buf, size, procfd < 0 ? "/proc/%d/stat" : "%d/stat", pid);
	int fd = openat(procfd < 0 ? AT_FDCWD : procfd, buf, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	ssize_t n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	/* comm (field 2) may hold spaces and ')': count fields from the last ')'. */
	if (!(p = strrchr(buf, ')')) || p[1] != ' ')
		return errno = EINVAL, NULL;
	return p + 2;
}

int read_starttime(int procfd, pid_t pid, unsigned long long *out)
{
	char buf[4096], *p, *end;

	if (!(p = read_proc_stat(procfd, pid, buf, sizeof(buf))))
		return -1;
	for (int field = 3; field < 22 && *p; field++) { /* to field 22 */
		size_t len = strcspn(p, " ");
		p += len + (p[len] ? 1 : 0);
	}
	*out = strtoull(p, &end, 10);
	return end == p || (*end != ' ' && *end) ? (errno = EINVAL, -1) : 0;
}

void ensure_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) /* open() takes the lowest free fd: this one */
		if (fcntl(fd, F_GETFD) < 0)
			open("/dev/null", O_RDWR);
}

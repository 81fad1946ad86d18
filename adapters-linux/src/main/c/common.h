/* Shared helpers of portod-native (see main.c for the modes). */
#ifndef PORTOD_NATIVE_COMMON_H
#define PORTOD_NATIVE_COMMON_H

#include <stddef.h>
#include <sys/types.h>

extern const char *log_tag; /* log lines: "<ISO time> <log_tag>[<pid>]: <message>" */
void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Writes everything, retrying on EINTR and short writes; 0 or -1. */
int write_all(int fd, const void *buf, size_t len);
/* Field 22 (starttime) of <procfd>/<pid>/stat, procfd < 0 meaning /proc. */
/* /proc/PID/stat (relative to procfd, or /proc when it is -1) read into buf: a pointer to its
 * third field (the state letter), past the command name; NULL on failure. */
char *read_proc_stat(int procfd, pid_t pid, char *buf, size_t size);
int read_starttime(int procfd, pid_t pid, unsigned long long *out);
/* Opens /dev/null on closed fds 0-2 so later open()s never land there. */
void ensure_std_fds(void);

int master_main(int argc, char **argv);
int launch_main(int argc, char **argv);
int launch_server_main(int argc, char **argv);
int init_main(int argc, char **argv);

#endif

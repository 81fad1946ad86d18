/* Mode "init": pid 1 of a meta container's pid namespace. It only reaps
 * orphans and exits when asked to (the kernel then kills the namespace). */
#define _GNU_SOURCE
#include "common.h"

#include <signal.h>
#include <sys/wait.h>

int init_main(int argc, char **argv)
{
	sigset_t all;

	(void)argc, (void)argv;
	/* Blocked signals are queued even for a namespace init, which would
	 * otherwise drop SIG_DFL signals sent from inside the namespace. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	for (;;) {
		int sig = sigwaitinfo(&all, NULL);
		if (sig == SIGCHLD)
			while (waitpid(-1, NULL, WNOHANG) > 0)
				;
		else if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP)
			return 0;
	}
}

/*
 * portod-native: what Porto-in-Java must do natively.
 *   master  supervisor and subreaper, parent of the Java daemon (master.c)
 *   launch  start one container task from a spec on stdin (launcher.c)
 *   launch-server  fork a launcher per request of the daemon (launch_server.c)
 *   init    pid 1 of a meta container's pid namespace (init.c)
 */
#include "common.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	ensure_std_fds();
	if (argc >= 2 && !strcmp(argv[1], "master"))
		return master_main(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "launch"))
		return launch_main(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "launch-server"))
		return launch_server_main(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "init"))
		return init_main(argc - 2, argv + 2);
	fprintf(stderr, "usage: portod-native master --socket PATH [--socket-group NAME] --pidfile PATH\n"
			"           --daemon-pidfile PATH [--log PATH] [--daemonize] -- DAEMON ARGV...\n"
			"       portod-native launch < SPEC\n"
			"       portod-native launch-server\n"
			"       portod-native init\n");
	return 2;
}

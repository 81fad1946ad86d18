/*
 * portoinit: the init of a meta container (see init.c), built as a static
 * program of its own so that it runs inside any root, which need not hold
 * a dynamic loader or libc.
 */
#include "../common.h"

int main(int argc, char **argv)
{
	return init_main(argc - 1, argv + 1);
}

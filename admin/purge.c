/* purge.c: dgcg-admin purge (placeholder until implemented). */
#include "config.h"

#include <stdio.h>

#include "admin.h"

int
cmd_purge(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "dgcg-admin: purge: not implemented yet\n");
	return EX_USAGE;
}

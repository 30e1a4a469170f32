/* valuesets.c: dgcg-admin valuesets (placeholder until implemented). */
#include "config.h"

#include <stdio.h>

#include "admin.h"

int
cmd_valuesets(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "dgcg-admin: valuesets: not implemented yet\n");
	return EX_USAGE;
}

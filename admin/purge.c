/* purge.c: dgcg-admin purge, the daily housekeeping: removes DSC
 * tombstones older than tombstone_days (default 14), as the reference's
 * signer_information_cleanup job. Safe to run from several hosts at once:
 * each run is one DELETE statement. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "admin.h"
#include "db_trust.h"

int
cmd_purge(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "days", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned long long n = 0;
	struct dgcg_gw gw;
	long days = -1;
	char *end;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			errno = 0;
			days = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || days < 1 || days > 3650) {
				fprintf(stderr, "dgcg-admin: --days must be 1..3650\n");
				return EX_USAGE;
			}
			break;
		default:
			admin_usage();
		}
	}
	if (optind != argc)
		admin_usage();
	if ((rc = admin_open_gw(&gw)) != 0)
		return rc;
	if (days < 0)
		days = (long)gw.conf.tombstone_days;
	if (dgcg_db_si_purge(gw.db, (unsigned)days, &n) != DGCG_OK) {
		fprintf(stderr, "dgcg-admin: database: %s\n", dgcg_db_error(gw.db));
		dgcg_gw_free(&gw);
		return EX_ERROR;
	}
	printf("purged %llu signer certificate tombstones older than %ld days\n", n, days);
	dgcg_gw_free(&gw);
	return 0;
}

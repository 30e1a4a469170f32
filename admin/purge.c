/* purge.c: dgcg-admin purge, the daily housekeeping: removes DSC
 * tombstones older than tombstone_days (default 14), as the reference's
 * signer_information_cleanup job. Safe to run from several hosts at once:
 * each run is one DELETE statement.
 *
 * Then the reference's revocation_batch_cleanup (reference-gateway.md
 * 7.5): live batches whose expires has passed become tombstones (deleted,
 * signed_batch NULL, changed = now, so list downloads report them), and
 * tombstones changed more than tombstone_days ago are removed. That part
 * runs under the ShedLock row "revocation_batch_cleanup" (the reference's
 * name, so reference nodes on the same database take turns with it): of
 * several hosts running at once one does the work and the others report
 * that they skipped it. Each step is also a single idempotent statement,
 * so even a run without the lock cannot corrupt anything.
 *
 * Last, trusted-reference tombstones (v2) deleted more than tombstone_days
 * ago are removed, one DELETE statement as the first step. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "admin.h"
#include "store/revocation_batch.h"
#include "store/shedlock.h"
#include "store/signer_information.h"
#include "store/trusted_reference.h"

#define BATCH_LOCK	"revocation_batch_cleanup"
#define BATCH_LOCK_SECS	600	/* lock_until: a crashed run blocks others this long */

/* The batch part; 0 or EX_ERROR. */
static int
purge_batches(struct dgcg_gw *gw, long days)
{
	unsigned long long expired = 0, purged = 0;
	char host[256], who[300];
	enum dgcg_err rc;
	int got = 0;

	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "unknown");
	host[sizeof(host) - 1] = '\0';
	snprintf(who, sizeof(who), "dgcg-admin %s:%ld", host, (long)getpid());
	if (dgcg_db_shedlock_acquire(gw->db, BATCH_LOCK, BATCH_LOCK_SECS, who, &got) != DGCG_OK) {
		fprintf(stderr, "dgcg-admin: database: %s\n", dgcg_db_error(gw->db));
		return EX_ERROR;
	}
	if (!got) {
		printf("revocation batch cleanup skipped: another run holds the lock %s\n",
		    BATCH_LOCK);
		return 0;
	}
	rc = dgcg_db_rb_expire(gw->db, &expired);
	if (rc == DGCG_OK)
		rc = dgcg_db_rb_purge(gw->db, (unsigned)days, &purged);
	if (rc != DGCG_OK)
		fprintf(stderr, "dgcg-admin: database: %s\n", dgcg_db_error(gw->db));
	if (dgcg_db_shedlock_release(gw->db, BATCH_LOCK, who) != DGCG_OK && rc == DGCG_OK) {
		fprintf(stderr, "dgcg-admin: database: %s\n", dgcg_db_error(gw->db));
		rc = DGCG_ERR_DB;
	}
	if (rc != DGCG_OK)
		return EX_ERROR;
	printf("marked %llu expired revocation batches deleted\n", expired);
	printf("purged %llu revocation batch tombstones older than %ld days\n", purged, days);
	return 0;
}

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
	rc = purge_batches(&gw, days);
	if (rc == 0 && dgcg_db_ref_purge(gw.db, (unsigned)days, &n) != DGCG_OK) {
		fprintf(stderr, "dgcg-admin: database: %s\n", dgcg_db_error(gw.db));
		rc = EX_ERROR;
	} else if (rc == 0)
		printf("purged %llu trusted reference tombstones older than %ld days\n", n, days);
	dgcg_gw_free(&gw);
	return rc;
}

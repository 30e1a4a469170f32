/* purge.c: dgcg-admin purge, the daily housekeeping: removes DSC
 * tombstones older than tombstone_days (default 14), as the reference's
 * signer_information_cleanup job.
 *
 * Then the reference's revocation_batch_cleanup (reference-gateway.md
 * 7.5): live batches whose expires has passed become tombstones (deleted,
 * signed_batch NULL, changed = now, so list downloads report them), and
 * tombstones changed more than tombstone_days ago are removed. That part
 * runs under the ShedLock row "revocation_batch_cleanup" (the reference's
 * name, so reference nodes on the same database take turns with it): of
 * several hosts running at once one does the work and the others report
 * that they skipped it.
 *
 * Every row removed or marked gets its audit event (DELETED, no caller
 * fingerprints), in the same transaction (dgcg_db_tx): the rows are read
 * locked, changed one by one, each with its event. So runs on several
 * hosts at once do the work once, also on a Galera cluster: a run whose
 * transaction conflicts with another host's (a deadlock here, a
 * certification failure there, both 1213) runs again and then finds
 * nothing left; the rows are counted and audited once in all.
 *
 * Last, trusted-reference tombstones (v2) deleted more than tombstone_days
 * ago are removed, one idempotent DELETE statement (a tombstone has had its
 * DELETED event when it was made). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "admin.h"
#include "store/audit_event.h"
#include "store/revocation_batch.h"
#include "store/shedlock.h"
#include "store/signer_information.h"
#include "store/trusted_reference.h"

#define BATCH_LOCK	"revocation_batch_cleanup"
#define BATCH_LOCK_SECS	600	/* lock_until: a crashed run blocks others this long */

/* The audit event of one housekeeping change: what and the row's name
 * (dgcg_db_audit cuts it to the column's 64 characters). */
static enum dgcg_err
purge_audit(struct dgcg_db *db, const char *country, const char *what, const char *name)
{
	struct dgcg_audit_event ev = { country, NULL, NULL, "DELETED", NULL };
	char desc[128];

	snprintf(desc, sizeof(desc), "%s %s", what, name);
	ev.description = desc;
	return dgcg_db_audit(db, &ev);
}

struct dsc_purge {
	unsigned		 days;
	unsigned long long	 n;
};

/* One transaction: the old DSC tombstones, each removed with its event. */
static enum dgcg_err
dsc_work(struct dgcg_db *db, void *arg)
{
	struct dsc_purge *w = arg;
	struct dgcg_si_list l = { NULL, 0 };
	enum dgcg_err rc;
	size_t i;

	w->n = 0;
	rc = dgcg_db_si_old_tombstones(db, w->days, &l);
	for (i = 0; rc == DGCG_OK && i < l.n; i++) {
		rc = dgcg_db_si_remove(db, l.v[i].id);
		if (rc == DGCG_OK)
			rc = purge_audit(db, l.v[i].country, "Purged DSC tombstone", l.v[i].thumbprint);
		w->n++;
	}
	dgcg_si_list_free(&l);
	return rc;
}

struct batch_purge {
	unsigned		 days;
	unsigned long long	 expired, purged;
};

/* One transaction: expired live batches marked deleted, old tombstones
 * removed, each with its event. */
static enum dgcg_err
batch_work(struct dgcg_db *db, void *arg)
{
	struct batch_purge *w = arg;
	struct dgcg_rb_list l = { NULL, 0 };
	enum dgcg_err rc;
	size_t i;

	w->expired = w->purged = 0;
	rc = dgcg_db_rb_expired(db, &l);
	for (i = 0; rc == DGCG_OK && i < l.n; i++) {
		rc = dgcg_db_rb_mark_deleted(db, l.v[i].batch_id);
		if (rc == DGCG_OK)
			rc = purge_audit(db, l.v[i].country, "Expired revocation batch", l.v[i].batch_id);
		w->expired++;
	}
	dgcg_rb_list_free(&l);
	if (rc == DGCG_OK)
		rc = dgcg_db_rb_old_tombstones(db, w->days, &l);
	for (i = 0; rc == DGCG_OK && i < l.n; i++) {
		rc = dgcg_db_rb_remove(db, l.v[i].id);
		if (rc == DGCG_OK)
			rc = purge_audit(db, l.v[i].country, "Purged revocation batch", l.v[i].batch_id);
		w->purged++;
	}
	dgcg_rb_list_free(&l);
	return rc;
}

/* The batch part; 0 or EX_ERROR. */
static int
purge_batches(struct dgcg_gw *gw, long days)
{
	struct batch_purge w = { (unsigned)days, 0, 0 };
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
	rc = dgcg_db_tx(gw->db, batch_work, &w);
	if (rc != DGCG_OK)
		fprintf(stderr, "dgcg-admin: database: %s\n", dgcg_db_error(gw->db));
	if (dgcg_db_shedlock_release(gw->db, BATCH_LOCK, who) != DGCG_OK && rc == DGCG_OK) {
		fprintf(stderr, "dgcg-admin: database: %s\n", dgcg_db_error(gw->db));
		rc = DGCG_ERR_DB;
	}
	if (rc != DGCG_OK)
		return EX_ERROR;
	printf("marked %llu expired revocation batches deleted\n", w.expired);
	printf("purged %llu revocation batch tombstones older than %ld days\n", w.purged, days);
	return 0;
}

int
cmd_purge(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "days", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	struct dsc_purge w = { 0, 0 };
	unsigned long long n = 0;
	struct dgcg_gw gw;
	long days = -1;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			if ((rc = admin_number_arg("--days", optarg, 1, 3650, &days)) != 0)
				return rc;
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
	w.days = (unsigned)days;
	if (dgcg_db_tx(gw.db, dsc_work, &w) != DGCG_OK) {
		fprintf(stderr, "dgcg-admin: database: %s\n", dgcg_db_error(gw.db));
		dgcg_gw_free(&gw);
		return EX_ERROR;
	}
	printf("purged %llu signer certificate tombstones older than %ld days\n", w.n, days);
	rc = purge_batches(&gw, days);
	if (rc == 0 && dgcg_db_ref_purge(gw.db, (unsigned)days, &n) != DGCG_OK) {
		fprintf(stderr, "dgcg-admin: database: %s\n", dgcg_db_error(gw.db));
		rc = EX_ERROR;
	} else if (rc == 0)
		printf("purged %llu trusted reference tombstones older than %ld days\n", n, days);
	dgcg_gw_free(&gw);
	return rc;
}

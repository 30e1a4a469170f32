/* expiry.c: dgcg-admin expiry, the certificate-expiry report for cron
 * (lib/domain/expiry.h).
 *
 *   expiry [--days N]   (default 30)
 *       one line per onboarded trusted party certificate and stored DSC
 *       whose notAfter is within N days or past, soonest first, under a
 *       header line, and a summary on stderr; no output at all when there
 *       is nothing to list (cron mails any output). The columns
 *       (dgcg-admin(8)):
 *         status days not_after type country thumbprint dscs rules batches
 *       status EXPIRED, EXPIRING or UNREADABLE (raw_data is no
 *       certificate); days: whole days left, rounded down (negative once
 *       expired); dscs/rules/batches: for an UPLOAD certificate the live
 *       stored objects it signed (they need CMS migration), "-" otherwise.
 *       Exit 1 when a line was printed, 0 when none. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/timefmt.h"
#include "base/xmalloc.h"
#include "domain/expiry.h"
#include "store/db.h"

#include "admin.h"

#define EXPIRY_DAYS_DEFAULT	30

/* Soonest first (unreadable ones before all), then type, then thumbprint. */
static int
cmp_cert(const void *a, const void *b)
{
	const struct dgcg_expiry_cert *x = *(const struct dgcg_expiry_cert *const *)a;
	const struct dgcg_expiry_cert *y = *(const struct dgcg_expiry_cert *const *)b;

	if (x->readable != y->readable)
		return x->readable - y->readable;
	if (x->not_after != y->not_after)
		return x->not_after < y->not_after ? -1 : 1;
	if (x->group != y->group)
		return (int)x->group - (int)y->group;
	return strcmp(x->thumbprint, y->thumbprint);
}

static void
print_cert(const struct dgcg_expiry_cert *c, time_t now)
{
	char when[DGCG_TIME_LEN + 1] = "-", days[24] = "-", n1[24] = "-", n2[24] = "-",
	    n3[24] = "-";
	const char *status = "UNREADABLE", *tn = dgcg_group_name(c->group);
	long long left, d;

	if (c->readable) {
		left = (long long)c->not_after - (long long)now;
		d = left / 86400;
		if (left < 0 && left % 86400 != 0)
			d--;
		snprintf(days, sizeof(days), "%lld", d);
		dgcg_time_format(c->not_after, when);
		status = left <= 0 ? "EXPIRED" : "EXPIRING";
	}
	if (c->group == DGCG_G_UPLOAD) {
		snprintf(n1, sizeof(n1), "%zu", c->dscs);
		snprintf(n2, sizeof(n2), "%zu", c->rules);
		snprintf(n3, sizeof(n3), "%zu", c->batches);
	}
	printf("%-10s %6s %-20s %-14s %-2s %-64s %5s %5s %7s\n", status, days, when,
	    tn != NULL ? tn : "?", c->country, c->thumbprint, n1, n2, n3);
}

int
cmd_expiry(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "days", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	struct dgcg_expiry e = { NULL, 0, 0 };
	const struct dgcg_expiry_cert **hits = NULL;
	long days = EXPIRY_DAYS_DEFAULT;
	struct dgcg_gw gw;
	size_t i, n = 0;
	time_t now;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			if ((rc = admin_number_arg("--days", optarg, 0, 36500, &days)) != 0)
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
	if (dgcg_expiry_scan(gw.db, &e) != DGCG_OK) {
		fprintf(stderr, "dgcg-admin: database: %s\n", dgcg_db_error(gw.db));
		rc = EX_ERROR;
		goto out;
	}
	now = time(NULL);
	hits = xcalloc(e.n > 0 ? e.n : 1, sizeof(*hits));
	for (i = 0; i < e.n; i++)
		if (!e.v[i].readable ||
		    (long long)e.v[i].not_after - (long long)now < (long long)days * 86400)
			hits[n++] = &e.v[i];
	qsort(hits, n, sizeof(*hits), cmp_cert);
	/* Silent when there is nothing to say: cron mails any output. */
	if (n == 0 && e.unparsed == 0) {
		rc = 0;
		goto out;
	}
	printf("%-10s %6s %-20s %-14s %-2s %-64s %5s %5s %7s\n", "status", "days", "not_after",
	    "type", "cc", "thumbprint", "dscs", "rules", "batches");
	for (i = 0; i < n; i++)
		print_cert(hits[i], now);
	fprintf(stderr, "dgcg-admin: expiry: %zu of %zu certificates expired or expiring "
	    "within %ld days", n, e.n, days);
	if (e.unparsed > 0)
		fprintf(stderr, "; %zu stored CMS without a readable signer", e.unparsed);
	fprintf(stderr, "\n");
	rc = n > 0 ? EX_REFUSED : 0;
out:
	free(hits);
	dgcg_expiry_free(&e);
	dgcg_gw_free(&gw);
	return rc;
}

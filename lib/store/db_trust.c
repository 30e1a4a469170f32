/* db_trust.c: signer_information queries and time-filtered trusted
 * parties. SQL runs through dgcg_db_run (db.c). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db_trust.h"
#include "base/xmalloc.h"

#define SI_COLS "id, UNIX_TIMESTAMP(created_at), COALESCE(UNIX_TIMESTAMP(deleted_at), 0)," \
	" country, thumbprint, raw_data, signature"

static const char SQL_SI_FIND[] =
    "SELECT " SI_COLS " FROM signer_information WHERE thumbprint = ?";
static const char SQL_SI_KID[] =
    "SELECT COUNT(*) FROM signer_information"
    " WHERE thumbprint LIKE CONCAT(?, '%') AND thumbprint <> ?";
static const char SQL_SI_INSERT[] =
    "INSERT INTO signer_information (created_at, deleted_at, country, thumbprint, raw_data,"
    " signature, certificate_type) VALUES (UTC_TIMESTAMP(), NULL, ?, ?, ?, ?, 'DSC')";
static const char SQL_SI_REMOVE[] =
    "DELETE FROM signer_information WHERE id = ?";
static const char SQL_SI_MARK[] =
    "UPDATE signer_information SET deleted_at = UTC_TIMESTAMP(), signature = NULL WHERE id = ?";
static const char SQL_SI_SELECT[] =
    "SELECT " SI_COLS " FROM signer_information"
    " WHERE (? IS NULL OR country = ?) AND deleted_at IS NULL ORDER BY id";
/* Deltas: two disjoint branches, each on its own index (created_at,
 * deleted_at); no SQL-side ordering (the trust list is sorted by kid,
 * ties by id, in C). */
static const char SQL_SI_SINCE[] =
    "SELECT " SI_COLS " FROM signer_information"
    " WHERE created_at >= FROM_UNIXTIME(?) AND (? IS NULL OR country = ?)"
    " UNION ALL "
    "SELECT " SI_COLS " FROM signer_information"
    " WHERE deleted_at >= FROM_UNIXTIME(?) AND created_at < FROM_UNIXTIME(?)"
    " AND (? IS NULL OR country = ?)";
static const char SQL_SI_PURGE[] =
    "DELETE FROM signer_information WHERE deleted_at IS NOT NULL"
    " AND deleted_at < UTC_TIMESTAMP() - INTERVAL ? DAY";
static const char SQL_TP_SINCE[] =
    "SELECT id, UNIX_TIMESTAMP(created_at), country, thumbprint, raw_data, signature,"
    " certificate_type FROM trusted_party"
    " WHERE (? IS NULL OR certificate_type = ?) AND (? IS NULL OR country = ?)"
    " AND created_at >= FROM_UNIXTIME(?) ORDER BY id";
static const char SQL_TP_ALL[] =
    "SELECT id, UNIX_TIMESTAMP(created_at), country, thumbprint, raw_data, signature,"
    " certificate_type FROM trusted_party"
    " WHERE (? IS NULL OR certificate_type = ?) AND (? IS NULL OR country = ?) ORDER BY id";

void
dgcg_si_list_free(struct dgcg_si_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->v[i].raw_data);
		free(l->v[i].signature);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static enum dgcg_err
si_row(void *arg, char **cols, const unsigned long *lens, unsigned ncols)
{
	struct dgcg_si_list *l = arg;
	struct dgcg_si *r;

	(void)lens;
	if (ncols != 7)
		return DGCG_ERR_DB;
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	r = &l->v[l->n++];
	memset(r, 0, sizeof(*r));
	r->id = cols[0] ? strtoll(cols[0], NULL, 10) : 0;
	r->created_at = cols[1] ? (time_t)strtoll(cols[1], NULL, 10) : 0;
	r->deleted_at = cols[2] ? (time_t)strtoll(cols[2], NULL, 10) : 0;
	snprintf(r->country, sizeof(r->country), "%s", cols[3] ? cols[3] : "");
	snprintf(r->thumbprint, sizeof(r->thumbprint), "%s", cols[4] ? cols[4] : "");
	r->raw_data = xstrdup(cols[5] ? cols[5] : "");
	r->signature = cols[6] ? xstrdup(cols[6]) : NULL;
	return DGCG_OK;
}

static enum dgcg_err
count_row(void *arg, char **cols, const unsigned long *lens, unsigned ncols)
{
	(void)lens;
	if (ncols >= 1 && cols[0] != NULL)
		*(long long *)arg = strtoll(cols[0], NULL, 10);
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_si_find(struct dgcg_db *db, const char *thumbprint, struct dgcg_si_list *out)
{
	const char *p[1] = { thumbprint };
	enum dgcg_err rc;

	out->v = NULL;
	out->n = 0;
	rc = dgcg_db_run(db, SQL_SI_FIND, p, 1, si_row, out, NULL, NULL);
	if (rc != DGCG_OK)
		dgcg_si_list_free(out);
	return rc;
}

enum dgcg_err
dgcg_db_si_kid_conflicts(struct dgcg_db *db, const char *thumbprint, long long *n)
{
	char prefix[17];
	const char *p[2] = { prefix, thumbprint };

	snprintf(prefix, sizeof(prefix), "%.16s", thumbprint);
	*n = 0;
	return dgcg_db_run(db, SQL_SI_KID, p, 2, count_row, n, NULL, NULL);
}

enum dgcg_err
dgcg_db_si_insert(struct dgcg_db *db, const char *country, const char *thumbprint,
    const char *raw_data, const char *signature, long long *id)
{
	const char *p[4] = { country, thumbprint, raw_data, signature };

	return dgcg_db_run(db, SQL_SI_INSERT, p, 4, NULL, NULL, NULL, id);
}

static enum dgcg_err
by_id(struct dgcg_db *db, const char *sql, long long id)
{
	char ids[32];
	const char *p[1] = { ids };
	unsigned long long n = 0;
	enum dgcg_err rc;

	snprintf(ids, sizeof(ids), "%lld", id);
	rc = dgcg_db_run(db, sql, p, 1, NULL, NULL, &n, NULL);
	if (rc == DGCG_OK && n == 0)
		rc = DGCG_ERR_NOTFOUND;
	return rc;
}

enum dgcg_err
dgcg_db_si_remove(struct dgcg_db *db, long long id)
{
	return by_id(db, SQL_SI_REMOVE, id);
}

enum dgcg_err
dgcg_db_si_mark_deleted(struct dgcg_db *db, long long id)
{
	return by_id(db, SQL_SI_MARK, id);
}

enum dgcg_err
dgcg_db_si_select(struct dgcg_db *db, const char *country, time_t since,
    struct dgcg_si_list *out)
{
	char ts[32];
	const char *live[2] = { country, country };
	const char *delta[7] = { ts, country, country, ts, ts, country, country };
	enum dgcg_err rc;

	snprintf(ts, sizeof(ts), "%lld", (long long)since);
	out->v = NULL;
	out->n = 0;
	if (since < 0)
		rc = dgcg_db_run(db, SQL_SI_SELECT, live, 2, si_row, out, NULL, NULL);
	else
		rc = dgcg_db_run(db, SQL_SI_SINCE, delta, 7, si_row, out, NULL, NULL);
	if (rc != DGCG_OK)
		dgcg_si_list_free(out);
	return rc;
}

enum dgcg_err
dgcg_db_tp_select_since(struct dgcg_db *db, enum dgcg_cert_type type, const char *country,
    time_t since, struct dgcg_tp_list *out)
{
	const char *tn = type < DGCG_CT__MAX ? dgcg_cert_type_name(type) : NULL;
	char ts[32];
	const char *p[5] = { tn, tn, country, country, ts };
	enum dgcg_err rc;

	snprintf(ts, sizeof(ts), "%lld", (long long)since);
	out->v = NULL;
	out->n = 0;
	rc = dgcg_db_run(db, since < 0 ? SQL_TP_ALL : SQL_TP_SINCE, p, since < 0 ? 4 : 5,
	    dgcg_db_tp_row, out, NULL, NULL);
	if (rc != DGCG_OK)
		dgcg_tp_list_free(out);
	return rc;
}

enum dgcg_err
dgcg_db_si_purge(struct dgcg_db *db, unsigned days, unsigned long long *n)
{
	char ds[16];
	const char *p[1] = { ds };

	snprintf(ds, sizeof(ds), "%u", days);
	*n = 0;
	return dgcg_db_run(db, SQL_SI_PURGE, p, 1, NULL, NULL, n, NULL);
}

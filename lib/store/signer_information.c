/* signer_information.c: the signer_information table's SQL and row layout. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/signer_information.h"

#define SI_COLS "id, UNIX_TIMESTAMP(created_at), COALESCE(UNIX_TIMESTAMP(deleted_at), 0)," \
	" country, thumbprint, raw_data, signature, certificate_type, COALESCE(domain, 'DCC')," \
	" uuid, version, kid, properties, source_gateway_id"

static const char SQL_SI_FIND[] =
    "SELECT " SI_COLS " FROM signer_information WHERE thumbprint = ?";
static const char SQL_SI_LOCK[] =
    "SELECT " SI_COLS " FROM signer_information WHERE id = ? FOR UPDATE";
static const char SQL_SI_PREFIX[] =
    "SELECT COUNT(*) FROM signer_information"
    " WHERE thumbprint LIKE CONCAT(?, '%') AND thumbprint <> ?";
static const char SQL_SI_KIDCOL[] =
    "SELECT COUNT(*) FROM signer_information WHERE kid = ? AND thumbprint <> ?";
static const char SQL_SI_INSERT[] =
    "INSERT INTO signer_information (created_at, deleted_at, country, thumbprint, raw_data,"
    " signature, certificate_type, domain, uuid, version, kid, properties)"
    " VALUES (UTC_TIMESTAMP(), NULL, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)";
static const char SQL_SI_REMOVE[] =
    "DELETE FROM signer_information WHERE id = ?";
static const char SQL_SI_MARK[] =
    "UPDATE signer_information SET deleted_at = UTC_TIMESTAMP(), signature = NULL WHERE id = ?";
static const char SQL_SI_SET[] =
    "UPDATE signer_information SET signature = ? WHERE id = ? AND deleted_at IS NULL"
    " AND signature IS NOT NULL";
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
static const char SQL_SI_OLD_TOMBSTONES[] =
    "SELECT " SI_COLS " FROM signer_information WHERE deleted_at IS NOT NULL"
    " AND deleted_at < UTC_TIMESTAMP() - INTERVAL ? DAY ORDER BY id FOR UPDATE";

#define F(x) offsetof(struct dgcg_si, x)
static const struct dgcg_col si_cols[] = {
	{ DGCG_COL_INT, F(id), 0 },
	{ DGCG_COL_TIME, F(created_at), 0 },
	{ DGCG_COL_TIME, F(deleted_at), 0 },
	{ DGCG_COL_BUF, F(country), sizeof(((struct dgcg_si *)0)->country) },
	{ DGCG_COL_BUF, F(thumbprint), sizeof(((struct dgcg_si *)0)->thumbprint) },
	{ DGCG_COL_STRZ, F(raw_data), 0 },
	{ DGCG_COL_STR, F(signature), 0 },
	{ DGCG_COL_GROUP, F(group), 0 },
	{ DGCG_COL_BUF, F(domain), sizeof(((struct dgcg_si *)0)->domain) },
	{ DGCG_COL_BUF, F(uuid), sizeof(((struct dgcg_si *)0)->uuid) },
	{ DGCG_COL_INT, F(version), 0 },
	{ DGCG_COL_STR, F(kid), 0 },
	{ DGCG_COL_STR, F(properties), 0 },
	{ DGCG_COL_BUF, F(source_gateway), sizeof(((struct dgcg_si *)0)->source_gateway) },
};
#undef F
static const struct dgcg_rowdef si_def = { si_cols, 14, sizeof(struct dgcg_si) };

void
dgcg_si_list_free(struct dgcg_si_list *l)
{
	if (l == NULL)
		return;
	dgcg_db_rows_free(&si_def, l->v, l->n);
	l->v = NULL;
	l->n = 0;
}

/* Only the signer groups are valid in this table. */
static enum dgcg_err
select_si(struct dgcg_db *db, const char *sql, const char *const *p, unsigned np,
    struct dgcg_si_list *out)
{
	enum dgcg_err rc;
	void *v = NULL;
	size_t i;

	rc = dgcg_db_select(db, sql, p, np, &si_def, &v, &out->n);
	out->v = v;
	for (i = 0; rc == DGCG_OK && i < out->n; i++)
		if (!dgcg_group_is_signer(out->v[i].group))
			out->v[i].group = DGCG_G__MAX;
	return rc;
}

/* A write to one row by id; DGCG_ERR_NOTFOUND when it matched none. */
static enum dgcg_err
by_id(struct dgcg_db *db, const char *sql, const char *value, long long id)
{
	char ids[32];
	const char *p[2] = { value, ids };
	unsigned long long n = 0;
	enum dgcg_err rc;

	snprintf(ids, sizeof(ids), "%lld", id);
	rc = value != NULL ? dgcg_db_exec(db, sql, p, 2, &n, NULL) :
	    dgcg_db_exec(db, sql, p + 1, 1, &n, NULL);
	return rc == DGCG_OK && n == 0 ? DGCG_ERR_NOTFOUND : rc;
}

enum dgcg_err
dgcg_db_si_find(struct dgcg_db *db, const char *thumbprint, struct dgcg_si_list *out)
{
	const char *p[1] = { thumbprint };

	return select_si(db, SQL_SI_FIND, p, 1, out);
}

enum dgcg_err
dgcg_db_si_locked(struct dgcg_db *db, long long id, struct dgcg_si_list *out)
{
	char ids[32];
	const char *p[1] = { ids };

	snprintf(ids, sizeof(ids), "%lld", id);
	return select_si(db, SQL_SI_LOCK, p, 1, out);
}

enum dgcg_err
dgcg_db_si_prefix_count(struct dgcg_db *db, const char *hexprefix, const char *thumbprint,
    long long *n)
{
	const char *p[2] = { hexprefix, thumbprint };

	return dgcg_db_int(db, SQL_SI_PREFIX, p, 2, n);
}

enum dgcg_err
dgcg_db_si_kid_count(struct dgcg_db *db, const char *kid, const char *thumbprint, long long *n)
{
	const char *p[2] = { kid, thumbprint };

	return dgcg_db_int(db, SQL_SI_KIDCOL, p, 2, n);
}

enum dgcg_err
dgcg_db_si_insert_row(struct dgcg_db *db, const struct dgcg_si_new *r, long long *id)
{
	char uuid[DGCG_UUID_LEN + 1];
	const char *p[9] = { r->country, r->thumbprint, r->raw_data, r->signature,
	    dgcg_group_name(r->group), r->domain, uuid, r->kid, r->properties };

	if (!dgcg_group_is_signer(r->group) || r->domain == NULL)
		return DGCG_ERR_INVAL;
	if (dgcg_uuid_new(uuid) != DGCG_OK)
		return DGCG_ERR_IO;
	return dgcg_db_exec(db, SQL_SI_INSERT, p, 9, NULL, id);
}

enum dgcg_err
dgcg_db_si_remove(struct dgcg_db *db, long long id)
{
	return by_id(db, SQL_SI_REMOVE, NULL, id);
}

enum dgcg_err
dgcg_db_si_mark_deleted(struct dgcg_db *db, long long id)
{
	return by_id(db, SQL_SI_MARK, NULL, id);
}

enum dgcg_err
dgcg_db_si_set_signature(struct dgcg_db *db, long long id, const char *sig)
{
	return by_id(db, SQL_SI_SET, sig, id);
}

enum dgcg_err
dgcg_db_si_select(struct dgcg_db *db, const char *country, time_t since,
    struct dgcg_si_list *out)
{
	char ts[32];
	const char *live[2] = { country, country };
	const char *delta[7] = { ts, country, country, ts, ts, country, country };

	snprintf(ts, sizeof(ts), "%lld", (long long)since);
	if (since < 0)
		return select_si(db, SQL_SI_SELECT, live, 2, out);
	return select_si(db, SQL_SI_SINCE, delta, 7, out);
}

enum dgcg_err
dgcg_db_si_old_tombstones(struct dgcg_db *db, unsigned days, struct dgcg_si_list *out)
{
	char ds[16];
	const char *p[1] = { ds };

	snprintf(ds, sizeof(ds), "%u", days);
	return select_si(db, SQL_SI_OLD_TOMBSTONES, p, 1, out);
}

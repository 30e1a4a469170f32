/* trusted_reference.c: the trusted_reference table's SQL and row layout. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/trusted_reference.h"

#define REF_COLS "id, UNIX_TIMESTAMP(created_at), COALESCE(UNIX_TIMESTAMP(deleted_at), 0)," \
	" COALESCE(UNIX_TIMESTAMP(changed_at), 0), uuid, COALESCE(domain, 'DCC'), version," \
	" country, url, service, name, thumbprint, ssl_public_key, content_type," \
	" reference_version, reference_type, signature_type, source_gateway_id, signature"

static const char SQL_REF_LIVE[] =
    "SELECT " REF_COLS " FROM trusted_reference WHERE deleted_at IS NULL ORDER BY id";
static const char SQL_REF_SINCE[] =
    "SELECT " REF_COLS " FROM trusted_reference"
    " WHERE created_at >= FROM_UNIXTIME(?) OR changed_at >= FROM_UNIXTIME(?) ORDER BY id";
static const char SQL_REF_FIND[] =
    "SELECT " REF_COLS " FROM trusted_reference WHERE uuid = ?";
static const char SQL_REF_LOCK[] =
    "SELECT " REF_COLS " FROM trusted_reference WHERE uuid = ? FOR UPDATE";
static const char SQL_REF_INSERT[] =
    "INSERT INTO trusted_reference (uuid, domain, version, content_type, country, created_at,"
    " name, reference_version, service, signature_type, ssl_public_key, thumbprint,"
    " reference_type, url, signature)"
    " VALUES (?, ?, 1, ?, ?, UTC_TIMESTAMP(), ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_REF_UPDATE[] =
    "UPDATE trusted_reference SET domain = ?, content_type = ?, name = ?,"
    " reference_version = ?, service = ?, signature_type = ?, ssl_public_key = ?,"
    " thumbprint = ?, reference_type = ?, url = ?, signature = ?, version = version + 1,"
    " changed_at = UTC_TIMESTAMP() WHERE id = ? AND deleted_at IS NULL";
static const char SQL_REF_MARK[] =
    "UPDATE trusted_reference SET deleted_at = UTC_TIMESTAMP(), changed_at = UTC_TIMESTAMP(),"
    " signature = NULL, version = version + 1 WHERE id = ? AND deleted_at IS NULL";
static const char SQL_REF_PURGE[] =
    "DELETE FROM trusted_reference WHERE deleted_at IS NOT NULL"
    " AND deleted_at < UTC_TIMESTAMP() - INTERVAL ? DAY";

#define F(x) offsetof(struct dgcg_ref, x)
#define SZ(x) sizeof(((struct dgcg_ref *)0)->x)
static const struct dgcg_col ref_cols[] = {
	{ DGCG_COL_INT, F(id), 0 },
	{ DGCG_COL_TIME, F(created_at), 0 },
	{ DGCG_COL_TIME, F(deleted_at), 0 },
	{ DGCG_COL_TIME, F(changed_at), 0 },
	{ DGCG_COL_BUF, F(uuid), SZ(uuid) },
	{ DGCG_COL_BUF, F(domain), SZ(domain) },
	{ DGCG_COL_INT, F(version), 0 },
	{ DGCG_COL_BUF, F(country), SZ(country) },
	{ DGCG_COL_STR, F(url), 0 },
	{ DGCG_COL_STR, F(service), 0 },
	{ DGCG_COL_STR, F(name), 0 },
	{ DGCG_COL_STR, F(thumbprint), 0 },
	{ DGCG_COL_STR, F(ssl_public_key), 0 },
	{ DGCG_COL_STR, F(content_type), 0 },
	{ DGCG_COL_STR, F(reference_version), 0 },
	{ DGCG_COL_BUF, F(reference_type), SZ(reference_type) },
	{ DGCG_COL_BUF, F(signature_type), SZ(signature_type) },
	{ DGCG_COL_BUF, F(source_gateway), SZ(source_gateway) },
	{ DGCG_COL_STR, F(signature), 0 },
};
#undef F
#undef SZ
static const struct dgcg_rowdef ref_def = { ref_cols, 19, sizeof(struct dgcg_ref) };

void
dgcg_ref_list_free(struct dgcg_ref_list *l)
{
	if (l == NULL)
		return;
	dgcg_db_rows_free(&ref_def, l->v, l->n);
	l->v = NULL;
	l->n = 0;
}

static enum dgcg_err
select_ref(struct dgcg_db *db, const char *sql, const char *const *p, unsigned np,
    struct dgcg_ref_list *out)
{
	enum dgcg_err rc;
	void *v = NULL;

	rc = dgcg_db_select(db, sql, p, np, &ref_def, &v, &out->n);
	out->v = v;
	return rc;
}

enum dgcg_err
dgcg_db_ref_select(struct dgcg_db *db, time_t since, struct dgcg_ref_list *out)
{
	char ts[32];
	const char *p[2] = { ts, ts };

	snprintf(ts, sizeof(ts), "%lld", (long long)since);
	if (since < 0)
		return select_ref(db, SQL_REF_LIVE, NULL, 0, out);
	return select_ref(db, SQL_REF_SINCE, p, 2, out);
}

enum dgcg_err
dgcg_db_ref_find(struct dgcg_db *db, const char *uuid, int lock, struct dgcg_ref_list *out)
{
	const char *p[1] = { uuid };

	return select_ref(db, lock ? SQL_REF_LOCK : SQL_REF_FIND, p, 1, out);
}

enum dgcg_err
dgcg_db_ref_insert(struct dgcg_db *db, const struct dgcg_ref *r, long long *id)
{
	const char *p[13] = { r->uuid, r->domain, r->content_type, r->country, r->name,
	    r->reference_version, r->service, r->signature_type, r->ssl_public_key,
	    r->thumbprint, r->reference_type, r->url, r->signature };

	return dgcg_db_exec(db, SQL_REF_INSERT, p, 13, NULL, id);
}

/* A write to one live row by id: DGCG_ERR_NOTFOUND when it matched none. */
static enum dgcg_err
by_id(struct dgcg_db *db, const char *sql, const char *const *p, unsigned np)
{
	unsigned long long n = 0;
	enum dgcg_err rc;

	rc = dgcg_db_exec(db, sql, p, np, &n, NULL);
	return rc == DGCG_OK && n == 0 ? DGCG_ERR_NOTFOUND : rc;
}

enum dgcg_err
dgcg_db_ref_update(struct dgcg_db *db, long long id, const struct dgcg_ref *r)
{
	char ids[32];
	const char *p[12] = { r->domain, r->content_type, r->name, r->reference_version,
	    r->service, r->signature_type, r->ssl_public_key, r->thumbprint, r->reference_type,
	    r->url, r->signature, ids };

	snprintf(ids, sizeof(ids), "%lld", id);
	return by_id(db, SQL_REF_UPDATE, p, 12);
}

enum dgcg_err
dgcg_db_ref_mark_deleted(struct dgcg_db *db, long long id)
{
	char ids[32];
	const char *p[1] = { ids };

	snprintf(ids, sizeof(ids), "%lld", id);
	return by_id(db, SQL_REF_MARK, p, 1);
}

enum dgcg_err
dgcg_db_ref_purge(struct dgcg_db *db, unsigned days, unsigned long long *n)
{
	char ds[16];
	const char *p[1] = { ds };

	snprintf(ds, sizeof(ds), "%u", days);
	*n = 0;
	return dgcg_db_exec(db, SQL_REF_PURGE, p, 1, n, NULL);
}

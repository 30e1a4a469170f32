/* trusted_issuer.c: the trusted_issuer table's SQL and row layout. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/trusted_issuer.h"

static const char SQL_TI_SELECT[] =
    "SELECT id, country, DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%sZ'), name, url, url_type,"
    " signature, thumbprint, ssl_public_key, key_storage_type, uuid, domain, source_gateway_id"
    " FROM trusted_issuer ORDER BY id";
static const char SQL_TI_INSERT[] =
    "INSERT INTO trusted_issuer (version, country, created_at, name, url, url_type, signature,"
    " thumbprint, ssl_public_key, key_storage_type, uuid, domain)"
    " VALUES (1, ?, UTC_TIMESTAMP(), ?, ?, ?, ?, ?, ?, ?, ?, COALESCE(?, 'DCC'))";
static const char SQL_TI_DELETE[] =
    "DELETE FROM trusted_issuer WHERE (? IS NULL AND id = ?) OR uuid = ?";

#define F(x) offsetof(struct dgcg_issuer, x)
static const struct dgcg_col ti_cols[] = {
	{ DGCG_COL_INT, F(id), 0 },
	{ DGCG_COL_BUF, F(country), sizeof(((struct dgcg_issuer *)0)->country) },
	{ DGCG_COL_BUF, F(created), sizeof(((struct dgcg_issuer *)0)->created) },
	{ DGCG_COL_STR, F(name), 0 },
	{ DGCG_COL_STR, F(url), 0 },
	{ DGCG_COL_STR, F(url_type), 0 },
	{ DGCG_COL_STR, F(signature), 0 },
	{ DGCG_COL_STR, F(thumbprint), 0 },
	{ DGCG_COL_STR, F(ssl_public_key), 0 },
	{ DGCG_COL_STR, F(key_storage_type), 0 },
	{ DGCG_COL_STR, F(uuid), 0 },
	{ DGCG_COL_STR, F(domain), 0 },
	{ DGCG_COL_STR, F(source_gateway), 0 },
};
#undef F
static const struct dgcg_rowdef ti_def = { ti_cols, 13, sizeof(struct dgcg_issuer) };

void
dgcg_issuer_list_free(struct dgcg_issuer_list *l)
{
	if (l == NULL)
		return;
	dgcg_db_rows_free(&ti_def, l->v, l->n);
	l->v = NULL;
	l->n = 0;
}

enum dgcg_err
dgcg_db_issuers_select(struct dgcg_db *db, struct dgcg_issuer_list *out)
{
	enum dgcg_err rc;
	void *v = NULL;

	rc = dgcg_db_select(db, SQL_TI_SELECT, NULL, 0, &ti_def, &v, &out->n);
	out->v = v;
	return rc;
}

enum dgcg_err
dgcg_db_issuer_insert(struct dgcg_db *db, const struct dgcg_issuer *is, long long *id)
{
	const char *p[10] = { is->country, is->name, is->url, is->url_type, is->signature,
	    is->thumbprint, is->ssl_public_key, is->key_storage_type, is->uuid, is->domain };

	return dgcg_db_exec(db, SQL_TI_INSERT, p, 10, NULL, id);
}

enum dgcg_err
dgcg_db_issuer_delete(struct dgcg_db *db, long long id, const char *uuid)
{
	char ids[32];
	const char *p[3] = { uuid, ids, uuid };
	unsigned long long n = 0;
	enum dgcg_err rc;

	snprintf(ids, sizeof(ids), "%lld", id);
	rc = dgcg_db_exec(db, SQL_TI_DELETE, p, 3, &n, NULL);
	return rc == DGCG_OK && n == 0 ? DGCG_ERR_NOTFOUND : rc;
}

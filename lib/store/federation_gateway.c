/* federation_gateway.c: the federation_gateway table's SQL and row layout,
 * and the statements of a federation run (the source's rows replaced). */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "store/federation_gateway.h"

#define FG_COLS "id, UNIX_TIMESTAMP(timestamp), download_interval IS NOT NULL," \
	" COALESCE(download_interval, 0), download_target, downloader_implementation," \
	" gateway_endpoint, gateway_id, gateway_kid, gateway_public_key, mode, signature," \
	" UNIX_TIMESTAMP(last_download), UNIX_TIMESTAMP(last_successful_download)," \
	" COALESCE(retry_count, 0), status_message"

static const char SQL_FG_SELECT[] =
    "SELECT " FG_COLS " FROM federation_gateway WHERE (? IS NULL OR gateway_id = ?) ORDER BY id";
static const char SQL_FG_LOCK[] =
    "SELECT " FG_COLS " FROM federation_gateway WHERE (? IS NULL OR gateway_id = ?) ORDER BY id"
    " FOR UPDATE";
static const char SQL_FG_INSERT[] =
    "INSERT INTO federation_gateway (timestamp, download_interval, download_target,"
    " downloader_implementation, gateway_endpoint, gateway_id, gateway_kid,"
    " gateway_public_key, mode, signature)"
    " VALUES (UTC_TIMESTAMP(), ?, ?, ?, ?, ?, ?, ?, ?, ?)";
/* what a peer brought, what was given to it, then its record */
static const char SQL_FG_DEL_SI[] =
    "DELETE FROM signer_information WHERE source_gateway_id = ?";
static const char SQL_FG_DEL_TP[] =
    "DELETE FROM trusted_party WHERE source_gateway_id = ?";
static const char SQL_FG_DEL_ISSUER[] =
    "DELETE FROM trusted_issuer WHERE source_gateway_id = ?";
static const char SQL_FG_DEL_REF[] =
    "DELETE FROM trusted_reference WHERE source_gateway_id = ?";
static const char SQL_FG_DEL_ROLES[] =
    "DELETE FROM trusted_party_roles WHERE trusted_party_entity_id IN"
    " (SELECT id FROM trusted_party WHERE assigned_gateway = ?)";
static const char SQL_FG_DEL_ASSIGNED[] =
    "DELETE FROM trusted_party WHERE assigned_gateway = ?";
static const char SQL_FG_DEL[] =
    "DELETE FROM federation_gateway WHERE gateway_id = ?";
static const char SQL_FG_TP_INSERT[] =
    "INSERT INTO trusted_party (created_at, country, thumbprint, raw_data, signature,"
    " certificate_type, domain, uuid, version, kid, source_gateway_id)"
    " VALUES (UTC_TIMESTAMP(), ?, ?, ?, ?, ?, COALESCE(?, 'DCC'), ?, 1, ?, ?)";
static const char SQL_FG_SI_INSERT[] =
    "INSERT INTO signer_information (created_at, deleted_at, country, thumbprint, raw_data,"
    " signature, certificate_type, domain, uuid, version, kid, source_gateway_id)"
    " VALUES (UTC_TIMESTAMP(), NULL, ?, ?, ?, ?, 'DSC', COALESCE(?, 'DCC'), ?, 1, ?, ?)";
static const char SQL_FG_ISSUER_INSERT[] =
    "INSERT INTO trusted_issuer (version, country, created_at, name, url, url_type, signature,"
    " thumbprint, ssl_public_key, key_storage_type, uuid, domain, source_gateway_id)"
    " VALUES (1, ?, UTC_TIMESTAMP(), ?, ?, ?, ?, ?, ?, ?, ?, COALESCE(?, 'DCC'), ?)";
static const char SQL_FG_CURRENT_TP[] =
    "SELECT thumbprint FROM trusted_party WHERE source_gateway_id = ? AND certificate_type = ?"
    " ORDER BY id";
static const char SQL_FG_CURRENT_SI[] =
    "SELECT thumbprint FROM signer_information WHERE source_gateway_id = ?"
    " AND deleted_at IS NULL ORDER BY id";
static const char SQL_FG_OK[] =
    "UPDATE federation_gateway SET last_download = UTC_TIMESTAMP(),"
    " last_successful_download = UTC_TIMESTAMP(), retry_count = 0, status_message = ?"
    " WHERE gateway_id = ?";
static const char SQL_FG_FAIL[] =
    "UPDATE federation_gateway SET last_download = UTC_TIMESTAMP(),"
    " retry_count = COALESCE(retry_count, 0) + 1, status_message = ? WHERE gateway_id = ?";

#define F(x) offsetof(struct dgcg_fg, x)
static const struct dgcg_col fg_cols[] = {
	{ DGCG_COL_INT, F(id), 0 },
	{ DGCG_COL_TIME, F(timestamp), 0 },
	{ DGCG_COL_BOOL, F(has_interval), 0 },
	{ DGCG_COL_INT, F(interval), 0 },
	{ DGCG_COL_STR, F(target), 0 },
	{ DGCG_COL_STR, F(downloader), 0 },
	{ DGCG_COL_STR, F(endpoint), 0 },
	{ DGCG_COL_STR, F(gateway_id), 0 },
	{ DGCG_COL_STR, F(kid), 0 },
	{ DGCG_COL_STR, F(public_key), 0 },
	{ DGCG_COL_STR, F(mode), 0 },
	{ DGCG_COL_STR, F(signature), 0 },
	{ DGCG_COL_TIME, F(last_download), 0 },
	{ DGCG_COL_TIME, F(last_success), 0 },
	{ DGCG_COL_INT, F(retry_count), 0 },
	{ DGCG_COL_STR, F(status), 0 },
};
#undef F

static const struct dgcg_rowdef fg_def = {
	fg_cols, sizeof(fg_cols) / sizeof(fg_cols[0]), sizeof(struct dgcg_fg)
};

void
dgcg_fg_list_free(struct dgcg_fg_list *l)
{
	if (l == NULL)
		return;
	dgcg_db_rows_free(&fg_def, l->v, l->n);
	l->v = NULL;
	l->n = 0;
}

enum dgcg_err
dgcg_db_fg_select(struct dgcg_db *db, const char *gateway_id, int lock,
    struct dgcg_fg_list *out)
{
	const char *p[2] = { gateway_id, gateway_id };

	return dgcg_db_select(db, lock ? SQL_FG_LOCK : SQL_FG_SELECT, p, 2, &fg_def,
	    (void **)&out->v, &out->n);
}

enum dgcg_err
dgcg_db_fg_insert(struct dgcg_db *db, const struct dgcg_fg *g, long long *id)
{
	char iv[32];
	const char *p[9] = { NULL, g->target, g->downloader, g->endpoint, g->gateway_id, g->kid,
	    g->public_key, g->mode, g->signature };

	if (g->has_interval) {
		snprintf(iv, sizeof(iv), "%lld", g->interval);
		p[0] = iv;
	}
	return dgcg_db_exec(db, SQL_FG_INSERT, p, 9, NULL, id);
}

static enum dgcg_err
run_all(struct dgcg_db *db, const char *const *sqls, size_t n, const char *gateway_id,
    unsigned long long *rows)
{
	const char *p[1] = { gateway_id };
	unsigned long long k;
	enum dgcg_err rc;
	size_t i;

	for (i = 0; i < n; i++) {
		k = 0;
		if ((rc = dgcg_db_exec(db, sqls[i], p, 1, &k, NULL)) != DGCG_OK)
			return rc;
		if (rows != NULL)
			*rows += k;
	}
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_fg_delete(struct dgcg_db *db, const char *gateway_id, unsigned long long *rows)
{
	static const char *const sqls[] = { SQL_FG_DEL_SI, SQL_FG_DEL_TP, SQL_FG_DEL_ISSUER,
	    SQL_FG_DEL_REF, SQL_FG_DEL_ROLES, SQL_FG_DEL_ASSIGNED };
	static const char *const rec[] = { SQL_FG_DEL };
	unsigned long long n = 0;
	enum dgcg_err rc;

	*rows = 0;
	if ((rc = run_all(db, sqls, sizeof(sqls) / sizeof(sqls[0]), gateway_id, rows)) != DGCG_OK)
		return rc;
	if ((rc = run_all(db, rec, 1, gateway_id, &n)) != DGCG_OK)
		return rc;
	return n == 0 ? DGCG_ERR_NOTFOUND : DGCG_OK;
}

enum dgcg_err
dgcg_db_fg_clear(struct dgcg_db *db, const char *gateway_id, int issuers,
    unsigned long long *rows)
{
	static const char *const sqls[] = { SQL_FG_DEL_SI, SQL_FG_DEL_TP, SQL_FG_DEL_ISSUER };

	*rows = 0;
	return run_all(db, sqls, issuers ? 3 : 2, gateway_id, rows);
}

enum dgcg_err
dgcg_db_fg_store_issuer(struct dgcg_db *db, const char *gateway_id, const struct dgcg_issuer *is)
{
	const char *p[11] = { is->country, is->name, is->url, is->url_type, is->signature,
	    is->thumbprint, is->ssl_public_key, is->key_storage_type, is->uuid, is->domain,
	    gateway_id };

	return dgcg_db_exec(db, SQL_FG_ISSUER_INSERT, p, 11, NULL, NULL);
}

enum dgcg_err
dgcg_db_fg_store(struct dgcg_db *db, const char *gateway_id, const struct dgcg_fg_row *r)
{
	char uuid[DGCG_UUID_LEN + 1];
	const char *u = r->uuid;

	if (u == NULL) {
		if (dgcg_uuid_new(uuid) != DGCG_OK)
			return DGCG_ERR_IO;
		u = uuid;
	}
	if (r->group == DGCG_G_CSCA || r->group == DGCG_G_UPLOAD) {
		const char *p[9] = { r->country, r->thumbprint, r->raw_data, r->signature,
		    dgcg_group_name(r->group), r->domain, u, r->kid, gateway_id };

		return dgcg_db_exec(db, SQL_FG_TP_INSERT, p, 9, NULL, NULL);
	}
	if (r->group == DGCG_G_DSC) {
		const char *p[8] = { r->country, r->thumbprint, r->raw_data, r->signature,
		    r->domain, u, r->kid, gateway_id };

		return dgcg_db_exec(db, SQL_FG_SI_INSERT, p, 8, NULL, NULL);
	}
	return DGCG_ERR_INVAL;
}

/* Appends the thumbprints of sql's rows to *thumbs, type to *types. */
static enum dgcg_err
current_of(struct dgcg_db *db, const char *sql, const char *const *p, unsigned np,
    const char *type, char ***thumbs, char ***types, size_t *n)
{
	char **v = NULL;
	size_t k = 0, i;
	enum dgcg_err rc;

	if ((rc = dgcg_db_strings(db, sql, p, np, &v, &k)) != DGCG_OK)
		return rc;
	*thumbs = xrealloc(*thumbs, (*n + k + 1) * sizeof(**thumbs));
	*types = xrealloc(*types, (*n + k + 1) * sizeof(**types));
	for (i = 0; i < k; i++) {
		(*thumbs)[*n] = v[i];
		(*types)[*n] = xstrdup(type);
		(*n)++;
	}
	free(v);
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_fg_current(struct dgcg_db *db, const char *gateway_id, char ***thumbs, char ***types,
    size_t *n)
{
	const char *csca[2] = { gateway_id, "CSCA" }, *upload[2] = { gateway_id, "UPLOAD" };
	enum dgcg_err rc;

	*thumbs = NULL;
	*types = NULL;
	*n = 0;
	if ((rc = current_of(db, SQL_FG_CURRENT_TP, csca, 2, "CSCA", thumbs, types, n)) ==
	    DGCG_OK &&
	    (rc = current_of(db, SQL_FG_CURRENT_TP, upload, 2, "UPLOAD", thumbs, types, n)) ==
	    DGCG_OK)
		rc = current_of(db, SQL_FG_CURRENT_SI, csca, 1, "DSC", thumbs, types, n);
	return rc;
}

enum dgcg_err
dgcg_db_fg_status(struct dgcg_db *db, const char *gateway_id, int ok, const char *message)
{
	char msg[501];
	const char *p[2] = { NULL, gateway_id };

	if (message != NULL) {
		snprintf(msg, sizeof(msg), "%s", message);
		p[0] = msg;
	}
	return dgcg_db_exec(db, ok ? SQL_FG_OK : SQL_FG_FAIL, p, 2, NULL, NULL);
}

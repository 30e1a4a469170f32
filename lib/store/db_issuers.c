/* db_issuers.c: trusted_issuer queries. SQL runs through dgcg_db_run. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/issuers.h"
#include "base/xmalloc.h"

static const char SQL_TI_SELECT[] =
    "SELECT id, country, DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%sZ'), name, url, url_type,"
    " signature, thumbprint, ssl_public_key, key_storage_type, uuid, domain"
    " FROM trusted_issuer ORDER BY id";
static const char SQL_TI_INSERT[] =
    "INSERT INTO trusted_issuer (version, country, created_at, name, url, url_type, signature,"
    " thumbprint, ssl_public_key, key_storage_type, uuid, domain)"
    " VALUES (1, ?, UTC_TIMESTAMP(), ?, ?, ?, ?, ?, ?, ?, ?, COALESCE(?, 'DCC'))";
static const char SQL_TI_DELETE[] =
    "DELETE FROM trusted_issuer WHERE (? IS NULL AND id = ?) OR uuid = ?";

void
dgcg_issuer_list_free(struct dgcg_issuer_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++) {
		struct dgcg_issuer *is = &l->v[i];

		free(is->name);
		free(is->url);
		free(is->url_type);
		free(is->signature);
		free(is->thumbprint);
		free(is->ssl_public_key);
		free(is->key_storage_type);
		free(is->uuid);
		free(is->domain);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static enum dgcg_err
ti_row(void *arg, char **cols, const unsigned long *lens, unsigned ncols)
{
	struct dgcg_issuer_list *l = arg;
	struct dgcg_issuer *is;

	(void)lens;
	if (ncols != 12)
		return DGCG_ERR_DB;
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	is = &l->v[l->n++];
	memset(is, 0, sizeof(*is));
	is->id = cols[0] ? strtoll(cols[0], NULL, 10) : 0;
	snprintf(is->country, sizeof(is->country), "%s", cols[1] ? cols[1] : "");
	snprintf(is->created, sizeof(is->created), "%s", cols[2] ? cols[2] : "");
	is->name = dup_or_null(cols[3]);
	is->url = dup_or_null(cols[4]);
	is->url_type = dup_or_null(cols[5]);
	is->signature = dup_or_null(cols[6]);
	is->thumbprint = dup_or_null(cols[7]);
	is->ssl_public_key = dup_or_null(cols[8]);
	is->key_storage_type = dup_or_null(cols[9]);
	is->uuid = dup_or_null(cols[10]);
	is->domain = dup_or_null(cols[11]);
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_issuers_select(struct dgcg_db *db, struct dgcg_issuer_list *out)
{
	enum dgcg_err rc;

	out->v = NULL;
	out->n = 0;
	rc = dgcg_db_run(db, SQL_TI_SELECT, NULL, 0, ti_row, out, NULL, NULL);
	if (rc != DGCG_OK)
		dgcg_issuer_list_free(out);
	return rc;
}

enum dgcg_err
dgcg_db_issuer_insert(struct dgcg_db *db, const struct dgcg_issuer *is, long long *id)
{
	const char *p[10] = { is->country, is->name, is->url, is->url_type, is->signature,
	    is->thumbprint, is->ssl_public_key, is->key_storage_type, is->uuid, is->domain };

	return dgcg_db_run(db, SQL_TI_INSERT, p, 10, NULL, NULL, NULL, id);
}

enum dgcg_err
dgcg_db_issuer_delete(struct dgcg_db *db, long long id, const char *uuid)
{
	char ids[32];
	const char *p[3] = { uuid, ids, uuid };
	unsigned long long n = 0;
	enum dgcg_err rc;

	snprintf(ids, sizeof(ids), "%lld", id);
	rc = dgcg_db_run(db, SQL_TI_DELETE, p, 3, NULL, NULL, &n, NULL);
	if (rc == DGCG_OK && n == 0)
		rc = DGCG_ERR_NOTFOUND;
	return rc;
}

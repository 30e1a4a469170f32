/* db_migration.c: the queries of the CMS migration on validation_rule and
 * signer_information (revocation_batch ones are in db_revocation.c). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/migration.h"
#include "base/xmalloc.h"

static const char SQL_VR_COUNTRY[] =
    "SELECT id, country, signature FROM validation_rule WHERE country = ? ORDER BY id";
static const char SQL_VR_LOCK[] =
    "SELECT id, country, signature FROM validation_rule WHERE id = ? FOR UPDATE";
static const char SQL_VR_SET[] =
    "UPDATE validation_rule SET signature = ? WHERE id = ?";
static const char SQL_SI_LOCK[] =
    "SELECT id, COALESCE(UNIX_TIMESTAMP(deleted_at), 0), country, thumbprint, raw_data,"
    " signature FROM signer_information WHERE id = ? FOR UPDATE";
static const char SQL_SI_SET[] =
    "UPDATE signer_information SET signature = ? WHERE id = ? AND deleted_at IS NULL"
    " AND signature IS NOT NULL";

void
dgcg_pkg_list_free(struct dgcg_pkg_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		free(l->v[i].cms);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static enum dgcg_err
pkg_row(void *arg, char **cols, const unsigned long *lens, unsigned ncols)
{
	struct dgcg_pkg_list *l = arg;
	struct dgcg_pkg *p;

	(void)lens;
	if (ncols != 3)
		return DGCG_ERR_DB;
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	p = &l->v[l->n++];
	memset(p, 0, sizeof(*p));
	p->id = cols[0] ? strtoll(cols[0], NULL, 10) : 0;
	snprintf(p->country, sizeof(p->country), "%s", cols[1] ? cols[1] : "");
	p->cms = xstrdup(cols[2] ? cols[2] : "");
	return DGCG_OK;
}

static enum dgcg_err
pkg_select(struct dgcg_db *db, const char *sql, const char *param, struct dgcg_pkg_list *out)
{
	const char *p[1] = { param };
	enum dgcg_err rc;

	out->v = NULL;
	out->n = 0;
	rc = dgcg_db_run(db, sql, p, 1, pkg_row, out, NULL, NULL);
	if (rc != DGCG_OK)
		dgcg_pkg_list_free(out);
	return rc;
}

enum dgcg_err
dgcg_db_vr_of_country(struct dgcg_db *db, const char *country, struct dgcg_pkg_list *out)
{
	return pkg_select(db, SQL_VR_COUNTRY, country, out);
}

enum dgcg_err
dgcg_db_vr_locked(struct dgcg_db *db, long long id, struct dgcg_pkg_list *out)
{
	char ids[32];

	snprintf(ids, sizeof(ids), "%lld", id);
	return pkg_select(db, SQL_VR_LOCK, ids, out);
}

static enum dgcg_err
set_text(struct dgcg_db *db, const char *sql, long long id, const char *text)
{
	char ids[32];
	const char *p[2] = { text, ids };
	unsigned long long n = 0;
	enum dgcg_err rc;

	snprintf(ids, sizeof(ids), "%lld", id);
	rc = dgcg_db_run(db, sql, p, 2, NULL, NULL, &n, NULL);
	if (rc == DGCG_OK && n == 0)
		rc = DGCG_ERR_NOTFOUND;
	return rc;
}

enum dgcg_err
dgcg_db_vr_set_cms(struct dgcg_db *db, long long id, const char *cms)
{
	return set_text(db, SQL_VR_SET, id, cms);
}

static enum dgcg_err
si_row(void *arg, char **cols, const unsigned long *lens, unsigned ncols)
{
	struct dgcg_si_list *l = arg;
	struct dgcg_si *r;

	(void)lens;
	if (ncols != 6)
		return DGCG_ERR_DB;
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	r = &l->v[l->n++];
	memset(r, 0, sizeof(*r));
	r->id = cols[0] ? strtoll(cols[0], NULL, 10) : 0;
	r->deleted_at = cols[1] ? (time_t)strtoll(cols[1], NULL, 10) : 0;
	snprintf(r->country, sizeof(r->country), "%s", cols[2] ? cols[2] : "");
	snprintf(r->thumbprint, sizeof(r->thumbprint), "%s", cols[3] ? cols[3] : "");
	r->raw_data = xstrdup(cols[4] ? cols[4] : "");
	r->signature = cols[5] ? xstrdup(cols[5]) : NULL;
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_si_locked(struct dgcg_db *db, long long id, struct dgcg_si_list *out)
{
	char ids[32];
	const char *p[1] = { ids };
	enum dgcg_err rc;

	snprintf(ids, sizeof(ids), "%lld", id);
	out->v = NULL;
	out->n = 0;
	rc = dgcg_db_run(db, SQL_SI_LOCK, p, 1, si_row, out, NULL, NULL);
	if (rc != DGCG_OK)
		dgcg_si_list_free(out);
	return rc;
}

enum dgcg_err
dgcg_db_si_set_signature(struct dgcg_db *db, long long id, const char *sig)
{
	return set_text(db, SQL_SI_SET, id, sig);
}

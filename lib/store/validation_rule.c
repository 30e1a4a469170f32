/* validation_rule.c: the validation_rule table's SQL and row layout. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/validation_rule.h"

#define VR_COLS "id, rule_id, version, valid_from, valid_to, signature, country"

static const char SQL_VR_LATEST[] =
    "SELECT " VR_COLS " FROM validation_rule WHERE rule_id = ? ORDER BY id DESC LIMIT 1";
static const char SQL_VR_INSERT[] =
    "INSERT INTO validation_rule (created_at, rule_id, signature, valid_from, valid_to,"
    " version, country, type) VALUES (UTC_TIMESTAMP(), ?, ?, ?, ?, ?, ?, ?)";
/* Exact bytes: the column's collation ignores case and trailing spaces. */
static const char SQL_VR_DELETE[] =
    "DELETE FROM validation_rule WHERE rule_id = ? AND BINARY rule_id = BINARY ?";
static const char SQL_VR_COUNTRY_BY_RULE[] =
    "SELECT " VR_COLS " FROM validation_rule WHERE country = ? ORDER BY rule_id, id";
static const char SQL_VR_COUNTRY_BY_ID[] =
    "SELECT " VR_COLS " FROM validation_rule WHERE country = ? ORDER BY id";
static const char SQL_VR_LOCK[] =
    "SELECT " VR_COLS " FROM validation_rule WHERE id = ? FOR UPDATE";
static const char SQL_VR_SET[] =
    "UPDATE validation_rule SET signature = ? WHERE id = ?";

#define F(x) offsetof(struct dgcg_vr, x)
static const struct dgcg_col vr_cols[] = {
	{ DGCG_COL_INT, F(id), 0 },
	{ DGCG_COL_STRZ, F(rule_id), 0 },
	{ DGCG_COL_STRZ, F(version), 0 },
	{ DGCG_COL_BUF, F(valid_from), sizeof(((struct dgcg_vr *)0)->valid_from) },
	{ DGCG_COL_BUF, F(valid_to), sizeof(((struct dgcg_vr *)0)->valid_to) },
	{ DGCG_COL_STRZ, F(signature), 0 },
	{ DGCG_COL_BUF, F(country), sizeof(((struct dgcg_vr *)0)->country) },
};
#undef F
static const struct dgcg_rowdef vr_def = { vr_cols, 7, sizeof(struct dgcg_vr) };

void
dgcg_vr_list_free(struct dgcg_vr_list *l)
{
	if (l == NULL)
		return;
	dgcg_db_rows_free(&vr_def, l->v, l->n);
	l->v = NULL;
	l->n = 0;
}

static enum dgcg_err
select_vr(struct dgcg_db *db, const char *sql, const char *param, struct dgcg_vr_list *out)
{
	const char *p[1] = { param };
	enum dgcg_err rc;
	void *v = NULL;

	rc = dgcg_db_select(db, sql, p, 1, &vr_def, &v, &out->n);
	out->v = v;
	return rc;
}

enum dgcg_err
dgcg_db_vr_latest(struct dgcg_db *db, const char *rule_id, struct dgcg_vr_list *out)
{
	return select_vr(db, SQL_VR_LATEST, rule_id, out);
}

enum dgcg_err
dgcg_db_vr_insert(struct dgcg_db *db, const char *rule_id, const char *signature,
    const char *from, const char *to, const char *version, const char *country,
    const char *type)
{
	const char *p[7] = { rule_id, signature, from, to, version, country, type };

	return dgcg_db_exec(db, SQL_VR_INSERT, p, 7, NULL, NULL);
}

enum dgcg_err
dgcg_db_vr_delete(struct dgcg_db *db, const char *rule_id, unsigned long long *n)
{
	const char *p[2] = { rule_id, rule_id };

	*n = 0;
	return dgcg_db_exec(db, SQL_VR_DELETE, p, 2, n, NULL);
}

enum dgcg_err
dgcg_db_vr_of_country(struct dgcg_db *db, const char *country, int by_rule,
    struct dgcg_vr_list *out)
{
	return select_vr(db, by_rule ? SQL_VR_COUNTRY_BY_RULE : SQL_VR_COUNTRY_BY_ID, country,
	    out);
}

enum dgcg_err
dgcg_db_vr_locked(struct dgcg_db *db, long long id, struct dgcg_vr_list *out)
{
	char ids[32];

	snprintf(ids, sizeof(ids), "%lld", id);
	return select_vr(db, SQL_VR_LOCK, ids, out);
}

enum dgcg_err
dgcg_db_vr_set_cms(struct dgcg_db *db, long long id, const char *cms)
{
	char ids[32];
	const char *p[2] = { cms, ids };
	unsigned long long n = 0;
	enum dgcg_err rc;

	snprintf(ids, sizeof(ids), "%lld", id);
	rc = dgcg_db_exec(db, SQL_VR_SET, p, 2, &n, NULL);
	return rc == DGCG_OK && n == 0 ? DGCG_ERR_NOTFOUND : rc;
}

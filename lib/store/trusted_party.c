/* trusted_party.c: the trusted_party table's SQL and row layout. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/trusted_party.h"

#define TP_COLS "id, UNIX_TIMESTAMP(created_at), country, thumbprint, raw_data, signature," \
	" certificate_type"

static const char SQL_TP_SELECT[] =
    "SELECT " TP_COLS " FROM trusted_party"
    " WHERE (? IS NULL OR thumbprint = ?) AND (? IS NULL OR country = ?)"
    " AND (? IS NULL OR certificate_type = ?) ORDER BY id";
static const char SQL_TP_SINCE[] =
    "SELECT " TP_COLS " FROM trusted_party"
    " WHERE (? IS NULL OR certificate_type = ?) AND (? IS NULL OR country = ?)"
    " AND created_at >= FROM_UNIXTIME(?) ORDER BY id";
static const char SQL_TP_ALL[] =
    "SELECT " TP_COLS " FROM trusted_party"
    " WHERE (? IS NULL OR certificate_type = ?) AND (? IS NULL OR country = ?) ORDER BY id";
static const char SQL_TP_COUNTRIES[] =
    "SELECT DISTINCT country FROM trusted_party ORDER BY country";
static const char SQL_TP_INSERT[] =
    "INSERT INTO trusted_party (created_at, country, thumbprint, raw_data, signature,"
    " certificate_type) VALUES (UTC_TIMESTAMP(), ?, ?, ?, ?, ?)";
static const char SQL_TP_DELETE[] =
    "DELETE FROM trusted_party WHERE thumbprint = ?";

static const struct dgcg_col tp_cols[] = {
	{ DGCG_COL_INT, offsetof(struct dgcg_tp, id), 0 },
	{ DGCG_COL_TIME, offsetof(struct dgcg_tp, created_at), 0 },
	{ DGCG_COL_BUF, offsetof(struct dgcg_tp, country), sizeof(((struct dgcg_tp *)0)->country) },
	{ DGCG_COL_BUF, offsetof(struct dgcg_tp, thumbprint),
	    sizeof(((struct dgcg_tp *)0)->thumbprint) },
	{ DGCG_COL_STRZ, offsetof(struct dgcg_tp, raw_data), 0 },
	{ DGCG_COL_STRZ, offsetof(struct dgcg_tp, signature), 0 },
	{ DGCG_COL_CERT_TYPE, offsetof(struct dgcg_tp, type), 0 },
};
static const struct dgcg_rowdef tp_def = { tp_cols, 7, sizeof(struct dgcg_tp) };

void
dgcg_tp_list_free(struct dgcg_tp_list *l)
{
	if (l == NULL)
		return;
	dgcg_db_rows_free(&tp_def, l->v, l->n);
	l->v = NULL;
	l->n = 0;
}

/* Only the three trusted-party types are valid in this table. */
static enum dgcg_err
select_tp(struct dgcg_db *db, const char *sql, const char *const *p, unsigned np,
    struct dgcg_tp_list *out)
{
	enum dgcg_err rc;
	void *v = NULL;
	size_t i;

	rc = dgcg_db_select(db, sql, p, np, &tp_def, &v, &out->n);
	out->v = v;
	for (i = 0; rc == DGCG_OK && i < out->n; i++)
		if (out->v[i].type == DGCG_CT_DSC)
			out->v[i].type = DGCG_CT__MAX;
	return rc;
}

enum dgcg_err
dgcg_db_tp_select(struct dgcg_db *db, const char *thumbprint, const char *country,
    enum dgcg_cert_type type, struct dgcg_tp_list *out)
{
	const char *tname = type < DGCG_CT__MAX ? dgcg_cert_type_name(type) : NULL;
	const char *p[6] = { thumbprint, thumbprint, country, country, tname, tname };

	return select_tp(db, SQL_TP_SELECT, p, 6, out);
}

enum dgcg_err
dgcg_db_tp_select_since(struct dgcg_db *db, enum dgcg_cert_type type, const char *country,
    time_t since, struct dgcg_tp_list *out)
{
	const char *tn = type < DGCG_CT__MAX ? dgcg_cert_type_name(type) : NULL;
	char ts[32];
	const char *p[5] = { tn, tn, country, country, ts };

	snprintf(ts, sizeof(ts), "%lld", (long long)since);
	return select_tp(db, since < 0 ? SQL_TP_ALL : SQL_TP_SINCE, p, since < 0 ? 4 : 5, out);
}

enum dgcg_err
dgcg_db_tp_countries(struct dgcg_db *db, char ***out, size_t *n)
{
	return dgcg_db_strings(db, SQL_TP_COUNTRIES, NULL, 0, out, n);
}

enum dgcg_err
dgcg_db_tp_insert(struct dgcg_db *db, const char *country, const char *thumbprint,
    const char *raw_data, const char *signature, enum dgcg_cert_type type, long long *id)
{
	const char *p[5] = { country, thumbprint, raw_data, signature, dgcg_cert_type_name(type) };

	if (p[4] == NULL || type == DGCG_CT_DSC)
		return DGCG_ERR_INVAL;
	return dgcg_db_exec(db, SQL_TP_INSERT, p, 5, NULL, id);
}

enum dgcg_err
dgcg_db_tp_delete(struct dgcg_db *db, const char *thumbprint)
{
	const char *p[1] = { thumbprint };
	unsigned long long n = 0;
	enum dgcg_err rc;

	rc = dgcg_db_exec(db, SQL_TP_DELETE, p, 1, &n, NULL);
	return rc == DGCG_OK && n == 0 ? DGCG_ERR_NOTFOUND : rc;
}

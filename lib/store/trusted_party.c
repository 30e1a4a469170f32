/* trusted_party.c: the trusted_party table's SQL and row layout. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/trusted_party.h"

#define TP_COLS "id, UNIX_TIMESTAMP(created_at), country, thumbprint, raw_data, signature," \
	" COALESCE(domain, 'DCC'), uuid, version, kid, source_gateway_id, assigned_gateway," \
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
static const char SQL_TP_PEER[] =
    "SELECT " TP_COLS " FROM trusted_party"
    " WHERE assigned_gateway = ? AND certificate_type = 'TRUSTANCHOR' ORDER BY id";
static const char SQL_TP_COUNTRIES[] =
    "SELECT DISTINCT country FROM trusted_party WHERE source_gateway_id IS NULL ORDER BY country";
static const char SQL_TP_INSERT[] =
    "INSERT INTO trusted_party (created_at, country, thumbprint, raw_data, signature,"
    " certificate_type, domain, uuid, version, assigned_gateway)"
    " VALUES (UTC_TIMESTAMP(), ?, ?, ?, ?, ?, COALESCE(?, 'DCC'), ?, 1, ?)";
static const char SQL_TP_DELETE[] =
    "DELETE FROM trusted_party WHERE thumbprint = ?";
static const char SQL_TP_KID[] =
    "SELECT COUNT(*) FROM trusted_party WHERE kid = ?";
static const char SQL_TP_PREFIX[] =
    "SELECT COUNT(*) FROM trusted_party"
    " WHERE kid IS NULL AND thumbprint LIKE CONCAT(?, '%') AND thumbprint <> ?";

#define F(x) offsetof(struct dgcg_tp, x)
#define SZ(x) sizeof(((struct dgcg_tp *)0)->x)
static const struct dgcg_col tp_cols[] = {
	{ DGCG_COL_INT, F(id), 0 },
	{ DGCG_COL_TIME, F(created_at), 0 },
	{ DGCG_COL_BUF, F(country), SZ(country) },
	{ DGCG_COL_BUF, F(thumbprint), SZ(thumbprint) },
	{ DGCG_COL_STRZ, F(raw_data), 0 },
	{ DGCG_COL_STRZ, F(signature), 0 },
	{ DGCG_COL_BUF, F(domain), SZ(domain) },
	{ DGCG_COL_BUF, F(uuid), SZ(uuid) },
	{ DGCG_COL_INT, F(version), 0 },
	{ DGCG_COL_STR, F(kid), 0 },
	{ DGCG_COL_BUF, F(source_gateway), SZ(source_gateway) },
	{ DGCG_COL_BUF, F(assigned_gateway), SZ(assigned_gateway) },
	{ DGCG_COL_GROUP, F(group), 0 },
};
#undef F
#undef SZ
static const struct dgcg_rowdef tp_def = { tp_cols, 13, sizeof(struct dgcg_tp) };

void
dgcg_tp_list_free(struct dgcg_tp_list *l)
{
	if (l == NULL)
		return;
	dgcg_db_rows_free(&tp_def, l->v, l->n);
	l->v = NULL;
	l->n = 0;
}

/* Only the trusted-party groups are valid in this table; the v1 type is
 * the group when it is one of the three v1 trusted-party types. */
static enum dgcg_err
select_tp(struct dgcg_db *db, const char *sql, const char *const *p, unsigned np,
    struct dgcg_tp_list *out)
{
	enum dgcg_err rc;
	void *v = NULL;
	size_t i;

	rc = dgcg_db_select(db, sql, p, np, &tp_def, &v, &out->n);
	out->v = v;
	for (i = 0; rc == DGCG_OK && i < out->n; i++) {
		struct dgcg_tp *t = &out->v[i];

		if (!dgcg_group_is_party(t->group))
			t->group = DGCG_G__MAX;
		switch (t->group) {
		case DGCG_G_AUTHENTICATION:
			t->type = DGCG_CT_AUTHENTICATION;
			break;
		case DGCG_G_UPLOAD:
			t->type = DGCG_CT_UPLOAD;
			break;
		case DGCG_G_CSCA:
			t->type = DGCG_CT_CSCA;
			break;
		default:
			t->type = DGCG_CT__MAX;
			break;
		}
	}
	return rc;
}

enum dgcg_err
dgcg_db_tp_select(struct dgcg_db *db, const char *thumbprint, const char *country,
    enum dgcg_group group, struct dgcg_tp_list *out)
{
	const char *gname = dgcg_group_name(group);
	const char *p[6] = { thumbprint, thumbprint, country, country, gname, gname };

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
dgcg_db_tp_peer_anchors(struct dgcg_db *db, const char *gateway_id, struct dgcg_tp_list *out)
{
	const char *p[1] = { gateway_id };

	return select_tp(db, SQL_TP_PEER, p, 1, out);
}

enum dgcg_err
dgcg_db_tp_countries(struct dgcg_db *db, char ***out, size_t *n)
{
	return dgcg_db_strings(db, SQL_TP_COUNTRIES, NULL, 0, out, n);
}

enum dgcg_err
dgcg_db_tp_insert(struct dgcg_db *db, const char *country, const char *thumbprint,
    const char *raw_data, const char *signature, enum dgcg_group group, const char *domain,
    const char *uuid, const char *assigned_gateway, long long *id)
{
	const char *p[8] = { country, thumbprint, raw_data, signature, dgcg_group_name(group),
	    domain, uuid, assigned_gateway };

	if (!dgcg_group_is_party(group))
		return DGCG_ERR_INVAL;
	return dgcg_db_exec(db, SQL_TP_INSERT, p, 8, NULL, id);
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

enum dgcg_err
dgcg_db_tp_kid_count(struct dgcg_db *db, const char *kid, long long *n)
{
	const char *p[1] = { kid };

	return dgcg_db_int(db, SQL_TP_KID, p, 1, n);
}

enum dgcg_err
dgcg_db_tp_prefix_count(struct dgcg_db *db, const char *hexprefix, const char *thumbprint,
    long long *n)
{
	const char *p[2] = { hexprefix, thumbprint };

	return dgcg_db_int(db, SQL_TP_PREFIX, p, 2, n);
}

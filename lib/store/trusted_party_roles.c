/* trusted_party_roles.c: the trusted_party_roles table's SQL, row layout
 * and role names. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/xmalloc.h"
#include "store/trusted_party_roles.h"

static const char SQL_ROLES_GET[] =
    "SELECT role FROM trusted_party_roles WHERE trusted_party_entity_id = ?";
static const char SQL_ROLE_GRANT[] =
    "INSERT IGNORE INTO trusted_party_roles (trusted_party_entity_id, role) VALUES (?, ?)";
static const char SQL_ROLE_REVOKE[] =
    "DELETE FROM trusted_party_roles WHERE trusted_party_entity_id = ? AND role = ?";
static const char SQL_ROLES_DELETE_OF[] =
    "DELETE r FROM trusted_party_roles r JOIN trusted_party t"
    " ON r.trusted_party_entity_id = t.id WHERE t.thumbprint = ?";
static const char SQL_ROLES_LIST[] =
    "SELECT t.id, t.country, t.thumbprint, t.certificate_type, r.role"
    " FROM trusted_party_roles r JOIN trusted_party t ON t.id = r.trusted_party_entity_id"
    " ORDER BY t.id, r.role";

static const char *const role_names[DGCG_ROLE__MAX] = {
	[DGCG_ROLE_READER] = "REVOCATION_LIST_READER",
	[DGCG_ROLE_UPLOADER] = "REVOCATION_UPLOADER",
	[DGCG_ROLE_DELETER] = "REVOCATION_DELETER",
};

const char *
dgcg_role_name(enum dgcg_role r)
{
	if ((unsigned)r >= DGCG_ROLE__MAX)
		return NULL;
	return role_names[r];
}

enum dgcg_role
dgcg_role_parse(const char *s)
{
	int i;

	if (s == NULL)
		return DGCG_ROLE__MAX;
	for (i = 0; i < DGCG_ROLE__MAX; i++)
		if (strcasecmp(s, role_names[i]) == 0)
			return (enum dgcg_role)i;
	return DGCG_ROLE__MAX;
}

enum dgcg_err
dgcg_db_roles_get(struct dgcg_db *db, long long tp_id, unsigned *mask)
{
	char ids[32];
	const char *p[1] = { ids };
	enum dgcg_role r;
	enum dgcg_err rc;
	char **v = NULL;
	size_t n = 0, i;

	*mask = 0;
	snprintf(ids, sizeof(ids), "%lld", tp_id);
	if ((rc = dgcg_db_strings(db, SQL_ROLES_GET, p, 1, &v, &n)) != DGCG_OK)
		return rc;
	for (i = 0; i < n; i++) {
		if ((r = dgcg_role_parse(v[i])) != DGCG_ROLE__MAX)
			*mask |= DGCG_ROLE_BIT(r);
		free(v[i]);
	}
	free(v);
	return DGCG_OK;
}

static enum dgcg_err
role_write(struct dgcg_db *db, const char *sql, long long tp_id, enum dgcg_role r,
    int *changed)
{
	char ids[32];
	const char *p[2] = { ids, dgcg_role_name(r) };
	unsigned long long n = 0;
	enum dgcg_err rc;

	if (p[1] == NULL)
		return DGCG_ERR_INVAL;
	snprintf(ids, sizeof(ids), "%lld", tp_id);
	rc = dgcg_db_exec(db, sql, p, 2, &n, NULL);
	if (changed != NULL)
		*changed = rc == DGCG_OK && n > 0;
	return rc;
}

enum dgcg_err
dgcg_db_role_grant(struct dgcg_db *db, long long tp_id, enum dgcg_role r, int *changed)
{
	return role_write(db, SQL_ROLE_GRANT, tp_id, r, changed);
}

enum dgcg_err
dgcg_db_role_revoke(struct dgcg_db *db, long long tp_id, enum dgcg_role r, int *changed)
{
	return role_write(db, SQL_ROLE_REVOKE, tp_id, r, changed);
}

enum dgcg_err
dgcg_db_roles_delete_of(struct dgcg_db *db, const char *thumbprint)
{
	const char *p[1] = { thumbprint };

	return dgcg_db_exec(db, SQL_ROLES_DELETE_OF, p, 1, NULL, NULL);
}

/* One row of SQL_ROLES_LIST: a party and one of its role values. */
struct role_pair {
	long long	 tp_id;
	char		 country[3];
	char		 thumbprint[DGCG_THUMB_HEX_LEN + 1];
	char		 type[16];
	char		*role;
};

#define F(x) offsetof(struct role_pair, x)
static const struct dgcg_col pair_cols[] = {
	{ DGCG_COL_INT, F(tp_id), 0 },
	{ DGCG_COL_BUF, F(country), sizeof(((struct role_pair *)0)->country) },
	{ DGCG_COL_BUF, F(thumbprint), sizeof(((struct role_pair *)0)->thumbprint) },
	{ DGCG_COL_BUF, F(type), sizeof(((struct role_pair *)0)->type) },
	{ DGCG_COL_STRZ, F(role), 0 },
};
#undef F
static const struct dgcg_rowdef pair_def = { pair_cols, 5, sizeof(struct role_pair) };

enum dgcg_err
dgcg_db_roles_list(struct dgcg_db *db, struct dgcg_role_row **rows, size_t *n)
{
	struct dgcg_role_row *v = NULL, *row;
	struct role_pair *pr;
	enum dgcg_role r;
	enum dgcg_err rc;
	void *pv = NULL;
	size_t np = 0, i, k = 0;
	char *o;

	*rows = NULL;
	*n = 0;
	if ((rc = dgcg_db_select(db, SQL_ROLES_LIST, NULL, 0, &pair_def, &pv, &np)) != DGCG_OK)
		return rc;
	pr = pv;
	for (i = 0; i < np; i++) {
		if (k == 0 || v[k - 1].tp_id != pr[i].tp_id) {
			v = xrealloc(v, (k + 1) * sizeof(*v));
			row = &v[k++];
			memset(row, 0, sizeof(*row));
			row->tp_id = pr[i].tp_id;
			memcpy(row->country, pr[i].country, sizeof(row->country));
			memcpy(row->thumbprint, pr[i].thumbprint, sizeof(row->thumbprint));
			memcpy(row->type, pr[i].type, sizeof(row->type));
		}
		row = &v[k - 1];
		if ((r = dgcg_role_parse(pr[i].role)) != DGCG_ROLE__MAX) {
			row->mask |= DGCG_ROLE_BIT(r);
		} else {
			o = xasprintf("%s%s%s", row->other ? row->other : "", row->other ? "," : "",
			    pr[i].role);
			free(row->other);
			row->other = o;
		}
	}
	dgcg_db_rows_free(&pair_def, pv, np);
	*rows = v;
	*n = k;
	return DGCG_OK;
}

void
dgcg_role_rows_free(struct dgcg_role_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(rows[i].other);
	free(rows);
}

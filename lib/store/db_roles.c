/* db_roles.c: trusted_party_roles queries. SQL runs through dgcg_db_run. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/roles.h"
#include "base/xmalloc.h"

static const char SQL_ROLES_GET[] =
    "SELECT role FROM trusted_party_roles WHERE trusted_party_entity_id = ?";
static const char SQL_ROLE_GRANT[] =
    "INSERT IGNORE INTO trusted_party_roles (trusted_party_entity_id, role) VALUES (?, ?)";
static const char SQL_ROLE_REVOKE[] =
    "DELETE FROM trusted_party_roles WHERE trusted_party_entity_id = ? AND role = ?";
static const char SQL_ROLES_LIST[] =
    "SELECT t.id, t.country, t.thumbprint, t.certificate_type, r.role"
    " FROM trusted_party_roles r JOIN trusted_party t ON t.id = r.trusted_party_entity_id"
    " ORDER BY t.id, r.role";

static enum dgcg_err
mask_row(void *arg, char **cols, const unsigned long *lens, unsigned ncols)
{
	enum dgcg_role r;

	(void)lens;
	if (ncols != 1)
		return DGCG_ERR_DB;
	if ((r = dgcg_role_parse(cols[0])) != DGCG_ROLE__MAX)
		*(unsigned *)arg |= DGCG_ROLE_BIT(r);
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_roles_get(struct dgcg_db *db, long long tp_id, unsigned *mask)
{
	char ids[32];
	const char *p[1] = { ids };

	*mask = 0;
	snprintf(ids, sizeof(ids), "%lld", tp_id);
	return dgcg_db_run(db, SQL_ROLES_GET, p, 1, mask_row, mask, NULL, NULL);
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
	rc = dgcg_db_run(db, sql, p, 2, NULL, NULL, &n, NULL);
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

struct role_acc {
	struct dgcg_role_row	*v;
	size_t			 n;
};

static enum dgcg_err
list_row(void *arg, char **cols, const unsigned long *lens, unsigned ncols)
{
	struct role_acc *a = arg;
	struct dgcg_role_row *row;
	enum dgcg_role r;
	long long id;
	char *o;

	(void)lens;
	if (ncols != 5 || cols[0] == NULL)
		return DGCG_ERR_DB;
	id = strtoll(cols[0], NULL, 10);
	if (a->n == 0 || a->v[a->n - 1].tp_id != id) {
		a->v = xrealloc(a->v, (a->n + 1) * sizeof(*a->v));
		row = &a->v[a->n++];
		memset(row, 0, sizeof(*row));
		row->tp_id = id;
		snprintf(row->country, sizeof(row->country), "%s", cols[1] ? cols[1] : "");
		snprintf(row->thumbprint, sizeof(row->thumbprint), "%s", cols[2] ? cols[2] : "");
		snprintf(row->type, sizeof(row->type), "%s", cols[3] ? cols[3] : "");
	}
	row = &a->v[a->n - 1];
	if ((r = dgcg_role_parse(cols[4])) != DGCG_ROLE__MAX) {
		row->mask |= DGCG_ROLE_BIT(r);
	} else {
		o = xasprintf("%s%s%s", row->other ? row->other : "", row->other ? "," : "",
		    cols[4] ? cols[4] : "");
		free(row->other);
		row->other = o;
	}
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_roles_list(struct dgcg_db *db, struct dgcg_role_row **rows, size_t *n)
{
	struct role_acc a = { NULL, 0 };
	enum dgcg_err rc;

	*rows = NULL;
	*n = 0;
	rc = dgcg_db_run(db, SQL_ROLES_LIST, NULL, 0, list_row, &a, NULL, NULL);
	if (rc != DGCG_OK) {
		dgcg_role_rows_free(a.v, a.n);
		return rc;
	}
	*rows = a.v;
	*n = a.n;
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

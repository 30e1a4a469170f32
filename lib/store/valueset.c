/* valueset.c: the valueset table's SQL. */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "store/valueset.h"

static const char SQL_VS_IDS[] =
    "SELECT id FROM valueset ORDER BY id";
static const char SQL_VS_GET[] =
    "SELECT json FROM valueset WHERE id = ?";
static const char SQL_VS_UPSERT[] =
    "INSERT INTO valueset (id, json) VALUES (?, ?)"
    " ON DUPLICATE KEY UPDATE id = VALUES(id), json = VALUES(json)";
static const char SQL_VS_DELETE[] =
    "DELETE FROM valueset WHERE id = ?";

enum dgcg_err
dgcg_db_vs_ids(struct dgcg_db *db, char ***ids, size_t *n)
{
	return dgcg_db_strings(db, SQL_VS_IDS, NULL, 0, ids, n);
}

enum dgcg_err
dgcg_db_vs_get(struct dgcg_db *db, const char *id, char **json, size_t *len)
{
	const char *p[1] = { id };
	enum dgcg_err rc;
	char **v = NULL;
	size_t n = 0, i;

	*json = NULL;
	*len = 0;
	if ((rc = dgcg_db_strings(db, SQL_VS_GET, p, 1, &v, &n)) != DGCG_OK)
		return rc;
	if (n == 0)
		rc = DGCG_ERR_NOTFOUND;
	else {
		*json = v[0];
		*len = strlen(v[0]);
		v[0] = NULL;
	}
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return rc;
}

enum dgcg_err
dgcg_db_vs_put(struct dgcg_db *db, const char *id, const char *json)
{
	const char *p[2] = { id, json };

	return dgcg_db_exec(db, SQL_VS_UPSERT, p, 2, NULL, NULL);
}

enum dgcg_err
dgcg_db_vs_delete(struct dgcg_db *db, const char *id)
{
	const char *p[1] = { id };
	unsigned long long n = 0;
	enum dgcg_err rc;

	rc = dgcg_db_exec(db, SQL_VS_DELETE, p, 1, &n, NULL);
	return rc == DGCG_OK && n == 0 ? DGCG_ERR_NOTFOUND : rc;
}

/* schema_version.c: the schema_version table's SQL. */
#include "config.h"

#include <stdio.h>

#include "store/schema_version.h"

static const char SQL_SCHEMA_CREATE[] =
    "CREATE TABLE IF NOT EXISTS schema_version ("
    "version INT NOT NULL PRIMARY KEY, name VARCHAR(200) NOT NULL,"
    " applied_at DATETIME NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";
static const char SQL_SCHEMA_VERSION[] =
    "SELECT COALESCE(MAX(version), 0) FROM schema_version";
static const char SQL_SCHEMA_RECORD[] =
    "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, UTC_TIMESTAMP())";

enum dgcg_err
dgcg_db_schema_version(struct dgcg_db *db, int *version)
{
	enum dgcg_err rc;
	long long v = 0;

	*version = 0;
	if ((rc = dgcg_db_exec(db, SQL_SCHEMA_CREATE, NULL, 0, NULL, NULL)) != DGCG_OK ||
	    (rc = dgcg_db_int(db, SQL_SCHEMA_VERSION, NULL, 0, &v)) != DGCG_OK)
		return rc;
	*version = (int)v;
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_apply_migration(struct dgcg_db *db, int number, const char *name, const char *sql)
{
	char num[32];
	const char *p[2] = { num, name };
	enum dgcg_err rc;

	if ((rc = dgcg_db_script(db, name, sql)) != DGCG_OK)
		return rc;
	snprintf(num, sizeof(num), "%d", number);
	return dgcg_db_exec(db, SQL_SCHEMA_RECORD, p, 2, NULL, NULL);
}

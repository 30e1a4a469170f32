/* schema_version.h: the schema_version table: which migration scripts of
 * sql/migrations have been applied (dgcg-admin migrate). */
#ifndef DGCG_STORE_SCHEMA_VERSION_H
#define DGCG_STORE_SCHEMA_VERSION_H

#include "base/dgcg.h"
#include "store/db.h"

/* Highest applied migration number; 0 for a fresh database (the table is
 * created here when missing). */
enum dgcg_err dgcg_db_schema_version(struct dgcg_db *db, int *version);

/* Runs migration script sql (several statements) and records it. */
enum dgcg_err dgcg_db_apply_migration(struct dgcg_db *db, int number, const char *name,
	const char *sql);

#endif

/* data_version.h: the data_version table: one change counter per table,
 * bumped by triggers on every row change, through the API or by direct
 * SQL alike (sql/migrations/002_data_version.sql, 005_v2.sql). A cache derived from a
 * table is valid while its counter is unchanged (worker/cache.h). */
#ifndef DGCG_STORE_DATA_VERSION_H
#define DGCG_STORE_DATA_VERSION_H

#include "base/dgcg.h"
#include "store/db.h"

/* The counted tables. */
enum dgcg_table {
	DGCG_T_TRUSTED_PARTY = 0,
	DGCG_T_TRUSTED_PARTY_ROLES,
	DGCG_T_SIGNER_INFORMATION,
	DGCG_T_VALIDATION_RULE,
	DGCG_T_VALUESET,
	DGCG_T_REVOCATION_BATCH,
	DGCG_T_TRUSTED_ISSUER,
	DGCG_T_TRUSTED_REFERENCE,	/* 005_v2.sql */
	DGCG_T__MAX
};

/* The table's name (its data_version row). */
const char *dgcg_table_name(enum dgcg_table t);

struct dgcg_versions {
	long long	v[DGCG_T__MAX];
};

/* Reads every counter with one SELECT (a missing row reads as 0). */
enum dgcg_err dgcg_db_versions(struct dgcg_db *db, struct dgcg_versions *v);

/* Locks table t's counter row inside a dgcg_db_tx: exclusive (FOR UPDATE)
 * for a writer, shared (LOCK IN SHARE MODE) for a reader. A table whose
 * rows carry a change time that clients page by (revocation_batch.changed)
 * uses it so that no row is stamped before a read and committed after it:
 * every writer takes the exclusive lock before the statement that stamps
 * the time, and the reader takes the shared lock before it reads, so it
 * waits for writers in flight and later writers wait for it (on one
 * database node; in a Galera cluster, certification orders the writers and
 * the reader's wsrep_sync_wait the read). DGCG_ERR_INVAL outside a
 * transaction. */
enum dgcg_err dgcg_db_version_lock(struct dgcg_db *db, enum dgcg_table t, int exclusive);

#endif

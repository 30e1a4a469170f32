/* shedlock.h: the shedlock table, a ShedLock-compatible job lock so that
 * one host runs a housekeeping job while others skip it (also against
 * reference nodes sharing the database). */
#ifndef DGCG_STORE_SHEDLOCK_H
#define DGCG_STORE_SHEDLOCK_H

#include "base/dgcg.h"
#include "store/db.h"

/*
 * A job lock in the reference's shedlock table, so that one host runs a
 * job while others skip it (also against reference nodes sharing the
 * database, which use the same names, e.g. "revocation_batch_cleanup").
 * Acquire: insert the row, or take it over once its lock_until has
 * passed; held for at most seconds. *got = 1 when this caller holds it.
 * Release: lock_until = now, only when who still holds it.
 */
enum dgcg_err dgcg_db_shedlock_acquire(struct dgcg_db *db, const char *name, unsigned seconds,
	const char *who, int *got);
enum dgcg_err dgcg_db_shedlock_release(struct dgcg_db *db, const char *name, const char *who);

#endif

/* shedlock.c: the shedlock table's SQL. */
#include "config.h"

#include <stdio.h>

#include "store/shedlock.h"

static const char SQL_LOCK_INSERT[] =
    "INSERT INTO shedlock (name, lock_until, locked_at, locked_by)"
    " VALUES (?, UTC_TIMESTAMP(3) + INTERVAL ? SECOND, UTC_TIMESTAMP(3), ?)";
static const char SQL_LOCK_TAKE[] =
    "UPDATE shedlock SET lock_until = UTC_TIMESTAMP(3) + INTERVAL ? SECOND,"
    " locked_at = UTC_TIMESTAMP(3), locked_by = ? WHERE name = ?"
    " AND lock_until <= UTC_TIMESTAMP(3)";
static const char SQL_LOCK_RELEASE[] =
    "UPDATE shedlock SET lock_until = UTC_TIMESTAMP(3) WHERE name = ? AND locked_by = ?";

enum dgcg_err
dgcg_db_shedlock_acquire(struct dgcg_db *db, const char *name, unsigned seconds,
    const char *who, int *got)
{
	char secs[16];
	const char *pi[3] = { name, secs, who };
	const char *pt[3] = { secs, who, name };
	unsigned long long n = 0;
	enum dgcg_err rc;

	*got = 0;
	snprintf(secs, sizeof(secs), "%u", seconds);
	rc = dgcg_db_exec(db, SQL_LOCK_INSERT, pi, 3, NULL, NULL);
	if (rc == DGCG_OK) {
		*got = 1;
		return DGCG_OK;
	}
	if (rc != DGCG_ERR_CONFLICT)
		return rc;
	rc = dgcg_db_exec(db, SQL_LOCK_TAKE, pt, 3, &n, NULL);
	if (rc == DGCG_OK)
		*got = n > 0;
	return rc;
}

enum dgcg_err
dgcg_db_shedlock_release(struct dgcg_db *db, const char *name, const char *who)
{
	const char *p[2] = { name, who };

	return dgcg_db_exec(db, SQL_LOCK_RELEASE, p, 2, NULL, NULL);
}
